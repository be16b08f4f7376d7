"""The supervisor's floor view: staff states and time in them, queues with the longest wait,
incidents near or past their deadline, wellbeing prompts; a fixed number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from demandhub.accounts.tests.factories import UserFactory
from demandhub.analytics import floor
from demandhub.contacts.actions import set_staff_state
from demandhub.contacts.models import Contact, StaffState, StaffStateChange
from demandhub.contacts.tests.factories import ContactFactory
from demandhub.incidents.models import Incident

URL = reverse("analytics:floor")


_SEQUENCE = [0]


def _handled(user, *, minutes_ago, grade=None, qualifiers=()):  # type: ignore[no-untyped-def]
    _SEQUENCE[0] += 1
    n = _SEQUENCE
    at = timezone.now() - timedelta(minutes=minutes_ago)
    incident = Incident.objects.create(
        reference=f"CC-FLOOR-{n[0]:04d}",
        summary="x",
        opened_at=at,
        status="graded",
        grade=grade or 3,
        qualifiers=list(qualifiers),
    )
    return Contact.objects.create(
        channel="999",
        status="completed",
        outcome="incident_raised",
        offered_at=at,
        answered_at=at,
        handled_by=user,
        incident=incident,
    )


def _backdate(user, state, minutes):  # type: ignore[no-untyped-def]
    when = timezone.now() - timedelta(minutes=minutes)
    StaffState.objects.filter(user=user).update(since=when)
    StaffStateChange.objects.filter(user=user, new_state=state).update(changed_at=when)


def test_a_run_of_difficult_contacts_since_the_last_break_earns_a_prompt():
    now = timezone.now()
    contacts = [
        floor.HandledContact(1, now - timedelta(minutes=m), grade, quals)
        for m, grade, quals in [
            (200, 1, ()),  # before the break: not counted
            (50, 1, ()),
            (40, 3, ["domestic"]),
            (30, 3, []),
            (20, 2, ["mental_health"]),
        ]
    ]

    runs = floor.runs_since_break(contacts, {1: now - timedelta(minutes=100)})

    assert runs[1] == floor.Run(contacts=4, difficult=3, since_break=now - timedelta(minutes=100))
    assert runs[1].needs_prompt
    assert floor.runs_since_break(contacts[:3], {})[1].needs_prompt is not False


def test_durations_read_naturally():
    assert floor.format_duration(timedelta(seconds=45)) == "45 s"
    assert floor.format_duration(timedelta(minutes=12, seconds=5)) == "12 min"
    assert floor.format_duration(timedelta(hours=2, minutes=5)) == "2 h 05 min"


@pytest.fixture
def floor_staff(db):
    priya = UserFactory(
        username="priya", first_name="Priya", last_name="Shah", roles=["call_handler"]
    )
    sam = UserFactory(username="sam", first_name="Sam", last_name="Okoro", roles=["call_handler"])
    jo = UserFactory(username="jo", first_name="Jo", last_name="Bell", roles=["call_handler"])
    set_staff_state(priya, state="available")
    set_staff_state(sam, state="break")
    _backdate(sam, "break", 45)
    set_staff_state(jo, state="off")
    for m, grade, quals in [(30, 1, ()), (20, 3, ["domestic"]), (10, 1, ())]:
        _handled(priya, minutes_ago=m, grade=grade, qualifiers=quals)
    ContactFactory(channel="101", ago=125)
    ContactFactory(channel="101", ago=20)
    Incident.objects.create(
        reference="CC-LATE-0001",
        summary="Fight outside the Eagle",
        status="awaiting_deployment",
        opened_at=timezone.now() - timedelta(minutes=30),
        grade=1,
        attendance_deadline=timezone.now() - timedelta(minutes=15),
    )
    return priya, sam, jo


def test_the_supervisor_sees_who_is_doing_what_and_for_how_long(client, supervisor, floor_staff):
    client.force_login(supervisor)

    response = client.get(URL)

    body = response.content.decode()
    assert response.status_code == 200
    assert [p.row.user.username for p in response.context["people"]] == ["priya", "sam"]
    sam = next(p for p in response.context["people"] if p.row.user.username == "sam")
    assert (sam.row.state, sam.time_in_state, sam.long) == ("break", "45 min", True)
    assert {s: n for s, _, n in response.context["states"]} == {
        "available": 1,
        "on_contact": 0,
        "wrap_up": 0,
        "break": 1,
    }
    queue = next(q for q, _ in response.context["queues"] if q.channel == "101")
    assert len(queue.waiting) == 2
    assert {q.channel: w for q, w in response.context["queues"]}["101"] == "2 min"
    assert 'data-reference="CC-LATE-0001"' in body
    assert "15 min over" in body


def test_a_handler_with_three_difficult_contacts_and_no_break_gets_a_wellbeing_prompt(
    client, supervisor, floor_staff
):
    client.force_login(supervisor)

    body = client.get(URL).content.decode()

    assert (
        "Wellbeing check: Priya Shah</strong> has taken 3 difficult contacts with no break" in body
    )
    assert 'class="prompt" data-user="sam"' not in body


def test_the_floor_refreshes_as_a_fragment_in_a_fixed_number_of_queries(
    client, supervisor, floor_staff, django_assert_num_queries
):
    client.force_login(supervisor)

    # session, user, permissions (2), staff, contacts handled, breaks, queue board (2), alerts
    with django_assert_num_queries(10):
        response = client.get(URL, HTTP_HX_REQUEST="true")
    _handled(floor_staff[1], minutes_ago=5, grade=1)
    ContactFactory(channel="999", ago=3)
    with django_assert_num_queries(10):
        client.get(URL, HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert b'id="floor" data-live-group="floor"' in response.content


@pytest.mark.parametrize("role", ["analyst", "call_handler", "dispatcher"])
def test_only_supervisors_see_the_floor(client, request, role):
    client.force_login(request.getfixturevalue(role))

    assert client.get(URL).status_code == 403
