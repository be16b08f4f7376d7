"""Restricted records in lists, queues and search: a reference and "Restricted", never the
content, for anyone (opening the record is where need-to-know decides and audits)."""

import pytest
from django.urls import reverse

from demandhub.accounts import need_to_know
from demandhub.accounts.models import Restriction, Team
from demandhub.audit.models import Action, Event
from demandhub.crimes.tests.factories import crime
from demandhub.incidents.models import Incident
from demandhub.incidents.tests.factories import ContactFactory, IncidentFactory

pytestmark = pytest.mark.django_db


def _restrict(record, team=None):  # type: ignore[no-untyped-def]
    need_to_know.restrict(
        record,
        by=None,
        category=Restriction.Category.CHILD_ABUSE,
        reason="Child at risk",
        teams=[team] if team else [],
    )


def test_redact_marks_only_the_restricted_records_of_a_list_in_one_query(
    django_assert_num_queries,
):
    shown, hidden = IncidentFactory(), IncidentFactory()
    _restrict(hidden)
    listed = list(Incident.objects.filter(pk__in=[shown.pk, hidden.pk]).order_by("pk"))

    with django_assert_num_queries(1):
        need_to_know.redact(listed)

    assert [i.ntk_restricted for i in listed] == [False, True]


def test_the_incident_board_shows_a_restricted_incident_as_its_reference_only(client, dispatcher):
    incident = IncidentFactory(
        summary="Disclosure by a child at school", address="3 Secret Lane", status="open"
    )
    _restrict(incident)
    client.force_login(dispatcher)

    page = client.get(reverse("incidents:board")).content.decode()

    assert incident.reference in page
    assert "Restricted" in page
    assert "Disclosure by a child" not in page
    assert not Event.objects.filter(action=Action.RESTRICTED_RECORD_VIEWED).exists()


def test_an_entitled_team_member_also_gets_the_redacted_row(client, dispatcher):
    team = Team.objects.create(name="caiu", title="Child abuse investigation unit")
    team.members.add(dispatcher)
    incident = IncidentFactory(summary="Disclosure by a child at school", status="open")
    _restrict(incident, team)
    client.force_login(dispatcher)

    page = client.get(reverse("incidents:board")).content.decode()

    assert incident.reference in page
    assert "Disclosure by a child" not in page


def test_contact_search_and_the_queue_never_show_a_restricted_callers_name(client, call_handler):
    hidden = ContactFactory(caller_name="Sam Hidden", caller_number="+447700900555")
    ContactFactory(caller_name="Sam Shown", caller_number="+447700900556")
    _restrict(hidden)
    client.force_login(call_handler)

    found = client.get(reverse("contacts:search"), {"q": "Sam"}).content.decode()
    console = client.get(reverse("contacts:console")).content.decode()
    board = client.get(reverse("contacts:board")).content.decode()

    assert "Sam Shown" in found
    assert "Sam Hidden" not in found
    assert str(hidden) in found
    for page in (console, board):
        assert "Sam Hidden" not in page
        assert "Sam Shown" in page


def test_the_imu_queue_and_the_api_list_show_a_restricted_crime_by_reference_only(
    client, imu_reviewer
):
    record = crime(summary="Rape reported online", offence_code="19C")
    other = crime()
    client.force_login(imu_reviewer)

    page = client.get(reverse("crimes:imu_queue")).content.decode()
    listed = {c["reference"]: c for c in client.get("/api/crimes/review-queue").json()}

    assert record.reference in page
    assert record.offence not in page
    assert listed[record.reference]["restricted"] is True
    assert (listed[record.reference]["offence"], listed[record.reference]["latitude"]) == ("", None)
    assert listed[other.reference]["restricted"] is False
    assert listed[other.reference]["offence"] == other.offence
