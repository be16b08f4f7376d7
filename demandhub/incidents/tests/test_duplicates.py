from datetime import UTC, datetime, timedelta

import pytest

from demandhub.audit.models import Action, Event
from demandhub.incidents import duplicates
from demandhub.incidents.actions import close_incident, link_contact
from demandhub.incidents.errors import AlreadyLinked
from demandhub.incidents.models import Incident
from demandhub.incidents.queries import likely_duplicates

from .factories import ContactFactory, IncidentFactory, minutes_ago

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def sighting(lat=52.2053, lon=0.1218, minutes=0, family="violence", active=True):
    return duplicates.Sighting(lat, lon, T0 + timedelta(minutes=minutes), family, active)


@pytest.mark.parametrize(
    ("existing", "duplicate"),
    [
        (sighting(lat=52.2062, minutes=-20), True),  # 100 m, 20 min, same family
        (sighting(family=""), True),  # not yet classified
        (sighting(lat=52.2233), False),  # 2 km away
        (sighting(minutes=-90), False),  # too long ago
        (sighting(family="theft"), False),  # a different kind of incident
        (sighting(active=False), False),  # already resolved
    ],
)
def test_duplicate_rules(existing, duplicate):
    assert (duplicates.duplicate_reason(sighting(), existing) is not None) is duplicate


def test_the_reason_says_how_close_and_how_recent():
    reason = duplicates.duplicate_reason(sighting(), sighting(lat=52.2062, minutes=-20))

    assert reason == "100 m away, 20 min apart, same kind of incident"


def test_likely_duplicates_are_offered_with_their_reason(db):
    fight = IncidentFactory(
        classification="CRIME-VIOLENCE",
        opened_at=minutes_ago(10),
        status=Incident.Status.AWAITING_DEPLOYMENT,
        grade=1,
    )
    IncidentFactory(classification="CRIME-THEFT", opened_at=minutes_ago(10))
    IncidentFactory(classification="CRIME-VIOLENCE", status=Incident.Status.CLOSED)

    found = likely_duplicates(
        latitude=52.2055, longitude=0.1218, classification="CRIME-WEAPONS", at=minutes_ago(0)
    )

    assert [(i, r.endswith("same kind of incident")) for i, r in found] == [(fight, True)]


def test_a_second_caller_is_linked_to_the_existing_incident(call_handler):
    incident = IncidentFactory()
    second = ContactFactory()

    link_contact(incident, by=call_handler, contact=second, reason="Same fight, second caller")

    assert incident.linked_contacts.get().contact == second
    assert Event.objects.get(action=Action.INCIDENT_CONTACT_LINKED).data["contact"] == second.pk
    with pytest.raises(AlreadyLinked):
        link_contact(incident, by=call_handler, contact=second)


def test_an_incident_raised_in_error_is_closed_as_a_duplicate(dispatcher):
    original, copy = IncidentFactory(), IncidentFactory()

    close_incident(copy, by=dispatcher, closing_code="duplicate", duplicate_of=original)

    copy.refresh_from_db()
    assert (copy.status, copy.duplicate_of, copy.closing_code) == ("closed", original, "duplicate")
