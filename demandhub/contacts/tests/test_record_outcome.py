"""Recording a contact's outcome makes what the outcome calls for, audited and linked."""

from datetime import timedelta

import pytest

from demandhub.audit.models import Action, Event
from demandhub.contacts.actions import record_outcome, take_contact
from demandhub.contacts.errors import ContactNotYours, OutcomeNotAllowed, UnknownIncident
from demandhub.contacts.models import Contact
from demandhub.crimes.models import CrimeRecord
from demandhub.incidents.actions import raise_incident

from .factories import ContactFactory

Outcome = Contact.Outcome
Channel = Contact.Channel


def _taken(user, **kwargs) -> Contact:  # type: ignore[no-untyped-def]
    return take_contact(ContactFactory(**kwargs), by=user)


def test_raising_an_incident_links_it_and_completes_the_contact(call_handler):
    contact = _taken(call_handler, channel=Channel.EMERGENCY_CALL)

    record_outcome(contact, by=call_handler, outcome=Outcome.INCIDENT_RAISED, summary="Fight")

    contact.refresh_from_db()
    assert contact.status == Contact.Status.COMPLETED
    assert contact.outcome == Outcome.INCIDENT_RAISED
    assert contact.incident.contact == contact
    assert contact.incident.summary.startswith("Fight")
    assert Event.objects.get(action=Action.CONTACT_COMPLETED).data["incident"] == (
        contact.incident.reference
    )


def test_linking_to_an_existing_incident_needs_a_real_reference(call_handler):
    incident = raise_incident(by=call_handler, summary="Crash on the A14")
    contact = _taken(call_handler, channel=Channel.EMERGENCY_CALL)

    with pytest.raises(UnknownIncident):
        record_outcome(
            contact, by=call_handler, outcome=Outcome.INCIDENT_LINKED, incident_reference="NOPE"
        )
    record_outcome(
        contact,
        by=call_handler,
        outcome=Outcome.INCIDENT_LINKED,
        incident_reference=incident.reference.lower(),
    )

    contact.refresh_from_db()
    assert (contact.incident, contact.status) == (incident, Contact.Status.COMPLETED)


def test_recording_a_crime_starts_the_24_hour_clock_at_the_contact(call_handler):
    contact = _taken(call_handler, ago=3600)

    record_outcome(
        contact,
        by=call_handler,
        outcome=Outcome.CRIME_RECORDED,
        summary="Bike stolen",
        offence="Theft",
    )

    crime = CrimeRecord.objects.get(contact=contact)
    assert crime.reference.startswith("CR-")
    assert crime.status == CrimeRecord.Status.AWAITING_REVIEW
    assert crime.reported_at == contact.offered_at
    assert crime.recording_deadline == contact.offered_at + timedelta(hours=24)
    assert crime.status_changes.get().new_status == "awaiting_review"
    assert Event.objects.filter(action=Action.CRIME_RECORDED, subject_id=str(crime.pk)).exists()


def test_a_101_call_routed_to_the_emergency_line_becomes_a_linked_999_keeping_its_offered_time(
    switchboard_operator,
):
    call = _taken(switchboard_operator, channel=Channel.NON_EMERGENCY_CALL, ago=120)

    record_outcome(
        call,
        by=switchboard_operator,
        outcome=Outcome.TRANSFERRED_TO_999,
        reason="Intruder in the house now",
    )

    emergency = Contact.objects.get(parent=call)
    assert emergency.channel == Channel.EMERGENCY_CALL
    assert emergency.status == Contact.Status.QUEUED
    assert emergency.offered_at == call.offered_at
    assert (emergency.caller_number, emergency.priority) == (call.caller_number, 0)


def test_a_redirection_to_another_agency_names_the_agency_and_the_reason(switchboard_operator):
    call = _taken(switchboard_operator)

    with pytest.raises(OutcomeNotAllowed, match="agency"):
        record_outcome(
            call, by=switchboard_operator, outcome=Outcome.REDIRECTED_AGENCY, reason="Noise"
        )
    record_outcome(
        call,
        by=switchboard_operator,
        outcome=Outcome.REDIRECTED_AGENCY,
        agency="District council",
        reason="Noise nuisance is the council's",
    )

    call.refresh_from_db()
    assert (call.outcome_agency, call.outcome_reason) == (
        "District council",
        "Noise nuisance is the council's",
    )


@pytest.mark.parametrize("channel", [Channel.EMERGENCY_CALL, Channel.WEB_CHAT, Channel.EMAIL])
def test_only_101_calls_can_be_transferred_to_999(call_handler, channel):
    contact = _taken(call_handler, channel=channel)

    with pytest.raises(OutcomeNotAllowed):
        record_outcome(contact, by=call_handler, outcome=Outcome.TRANSFERRED_TO_999, reason="x")

    contact.refresh_from_db()
    assert contact.status == Contact.Status.IN_PROGRESS


def test_only_the_handler_holding_a_contact_records_its_outcome(call_handler, supervisor):
    contact = _taken(call_handler)

    with pytest.raises(ContactNotYours):
        record_outcome(contact, by=supervisor, outcome=Outcome.ADVICE_GIVEN)

    contact.refresh_from_db()
    assert contact.status == Contact.Status.IN_PROGRESS


def test_the_incident_raised_gets_the_location_the_handler_chose(client, call_handler):
    from demandhub.contacts.actions import receive_aml, set_location, use_handset_location

    contact = _taken(call_handler, channel=Channel.EMERGENCY_CALL, caller_number="+447700900123")
    set_location(contact, by=call_handler, latitude=None, longitude=None, text="Mill Road")
    aml = receive_aml(
        'A"ML=1;lt=+52.19800;lg=+0.14000;rd=20;top=20260101120000;lc=68;pm=G;si=1;ei=2',
        by=None,
        transport="sms",
        sender="07700900123",
    )
    use_handset_location(contact, by=call_handler, message=aml)

    record_outcome(contact, by=call_handler, outcome=Outcome.INCIDENT_RAISED, summary="Crash")

    incident = Contact.objects.get(pk=contact.pk).incident
    assert (incident.latitude, incident.longitude) == (52.198, 0.14)
    assert incident.location["kind"] == "aml"
    assert incident.location["accuracy_m"] == 20.0
