import pytest

from demandhub.audit.models import Action, Event
from demandhub.incidents.actions import close_incident, raise_incident, redirect_incident
from demandhub.incidents.errors import IncidentError, ReasonRequired, TransitionNotAllowed


def test_redirecting_to_the_ambulance_service_records_agency_reason_and_time(call_handler):
    incident = raise_incident(by=call_handler, summary="Man collapsed in street")

    redirect_incident(incident, by=call_handler, agency="ambulance", reason="Medical, no crime")

    incident.refresh_from_db()
    assert (incident.status, incident.redirected_to, incident.redirect_reason) == (
        "redirected",
        "ambulance",
        "Medical, no crime",
    )
    assert incident.redirected_at is not None
    assert Event.objects.get(action=Action.INCIDENT_REDIRECTED).data["agency"] == "ambulance"


@pytest.mark.parametrize(
    ("agency", "reason", "error"),
    [
        ("ambulance", "", ReasonRequired),
        ("plumber", "x", IncidentError),
    ],
)
def test_a_redirect_without_reason_or_to_nobody_is_refused(call_handler, agency, reason, error):
    incident = raise_incident(by=call_handler, summary="x")

    with pytest.raises(error):
        redirect_incident(incident, by=call_handler, agency=agency, reason=reason)

    incident.refresh_from_db()
    assert incident.status == "open"


def test_closing_takes_a_closing_code_and_classification(call_handler, dispatcher):
    incident = raise_incident(by=call_handler, summary="x", classification="CRIME-VIOLENCE")
    redirect_incident(incident, by=call_handler, agency="council", reason="Noise nuisance")

    close_incident(
        incident, by=dispatcher, closing_code="other-agency", closing_classification="ASB-NUISANCE"
    )

    incident.refresh_from_db()
    assert (incident.status, incident.closing_code, incident.closing_classification) == (
        "closed",
        "other-agency",
        "ASB-NUISANCE",
    )
    with pytest.raises(TransitionNotAllowed):
        close_incident(incident, by=dispatcher, closing_code="other-agency")


def test_an_unknown_closing_code_is_refused(call_handler, dispatcher):
    incident = raise_incident(by=call_handler, summary="x")

    with pytest.raises(IncidentError, match="not a closing code"):
        close_incident(incident, by=dispatcher, closing_code="vanished")
