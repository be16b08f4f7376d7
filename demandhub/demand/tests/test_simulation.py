"""Simulated staff and units doing their job through the real API of a live server: exact
counts at fixed simulated times, with a fixed seed."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from demandhub.accounts.actions import issue_token
from demandhub.accounts.tests.factories import UserFactory
from demandhub.contacts.models import Contact
from demandhub.contacts.tests.factories import ContactFactory
from demandhub.demand.client import ApiClient
from demandhub.demand.generator import TELEPHONY, Send
from demandhub.demand.simulation import Config, Drive, Script, Simulation, distance_km, road_route
from demandhub.dispatch.models import Assignment, Position, Resource
from demandhub.dispatch.tests.factories import ResourceFactory
from demandhub.incidents.models import Incident, LinkedContact

T0 = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
PLACE = (52.2053, 0.1218)


def _client(live_server, user) -> ApiClient:  # type: ignore[no-untyped-def]
    _, secret = issue_token(user, by=None, name="simulation")
    return ApiClient(live_server.url, secret)


def _caller(script: Script, call_id: str, incident: str, line: str = "999") -> Contact:
    script.heard(
        Send(
            T0,
            1,
            TELEPHONY,
            {"call_id": call_id, "event": "offered", "line": line},
            channel=line,
            classification="CRIME-VIOLENCE",
            incident=incident,
            latitude=PLACE[0],
            longitude=PLACE[1],
            place="12 Mill Road, Cambridge",
        )
    )
    return ContactFactory(channel=line, external_id=call_id, ago=30)  # type: ignore[no-any-return]


@pytest.fixture
def world(transactional_db, live_server, call_handler, dispatcher):  # type: ignore[no-untyped-def]
    locator = UserFactory(username="vehicle_locator", roles=["vehicle_locator"])
    ResourceFactory(call_sign="R01", latitude=52.21, longitude=0.13, position_at=timezone.now())
    script = Script()
    config = Config(
        call_handlers=2,
        handling_seconds={"999": (60.0, 60.0), "101": (60.0, 60.0)},
        dispatch_after_seconds=30.0,
        on_scene_minutes=(10.0, 10.0),
        urgent_999=1.0,  # every 999 call here is Grade 1
        priority_101=0.0,  # every 101 call Grade 3
    )
    sim = Simulation(
        handler_api=_client(live_server, call_handler),
        dispatcher_api=_client(live_server, dispatcher),
        locator_api=_client(live_server, locator),
        script=script,
        config=config,
        seed=7,
    )
    return sim, script


def test_calls_become_graded_incidents_a_unit_drives_to_and_clears(world):
    sim, script = world
    first = _caller(script, "c1", incident="i1")
    second = _caller(script, "c2", incident="i1")  # another caller about the same fight

    sim.step(T0)  # both calls answered
    sim.step(T0 + timedelta(seconds=60))  # incident raised, graded; the second caller linked
    sim.step(T0 + timedelta(seconds=90))  # deployed after 30 s on the stack; sets off
    sim.step(T0 + timedelta(seconds=120))  # driving
    sim.step(T0 + timedelta(minutes=30))  # arrived
    sim.step(T0 + timedelta(minutes=41))  # clear after 10 minutes at scene

    incident = Incident.objects.get()
    assert (incident.grade, incident.contact_id) == (1, first.pk)
    assert incident.classification == "CRIME-VIOLENCE"  # what the caller said it was
    assert (incident.latitude, incident.longitude) == PLACE
    assert LinkedContact.objects.get().contact_id == second.pk
    assert set(Contact.objects.values_list("status", flat=True)) == {Contact.Status.COMPLETED}
    job = Assignment.objects.get()
    assert job.resource.call_sign == "R01"
    assert job.en_route_at < job.arrived_at < job.cleared_at
    assert job.clear_reason == Assignment.ClearReason.COMPLETED
    unit = Resource.objects.get()
    assert unit.status == Resource.Status.AVAILABLE
    assert distance_km((unit.latitude, unit.longitude), PLACE) < 0.001  # where it went
    assert Position.objects.filter(resource=unit).count() == 3  # a fix each step on the road
    assert sim.tally == {
        "contacts taken": 2,
        "incidents raised": 1,
        "graded 1": 1,
        "contacts linked": 1,
        "units assigned": 1,
        "status en_route": 1,
        "status at_scene": 1,
        "status available": 1,
        "positions accepted": 3,
    }


def test_simulated_handlers_leave_contacts_a_person_holds(world, supervisor):
    sim, script = world
    _caller(script, "c1", incident="i1")
    held = ContactFactory(
        channel="999", status=Contact.Status.IN_PROGRESS, handled_by=supervisor, external_id="x"
    )

    sim.step(T0)
    sim.step(T0 + timedelta(seconds=60))

    held.refresh_from_db()
    assert (held.status, held.handled_by) == (Contact.Status.IN_PROGRESS, supervisor)
    assert sim.tally["contacts taken"] == 1


def test_the_dispatcher_leaves_grade_3_appointments_to_a_person(world):
    sim, script = world
    _caller(script, "c1", incident="i1", line="101")  # 101, low risk: Grade 3

    for seconds in (0, 60, 120, 240):
        sim.step(T0 + timedelta(seconds=seconds))

    assert Incident.objects.get().grade == 3
    assert not Assignment.objects.exists()
    assert sim.tally["units assigned"] == 0


def test_a_unit_drives_a_road_like_route_to_the_end():
    import random

    route = road_route((52.0, 0.0), (52.1, 0.1), random.Random(1))
    drive = Drive(1, 1, "R01", "response_car", route, route[0], expected="en_route")
    arrived = drive.advance(distance_km(route[0], route[1]) / 2)

    assert not arrived
    assert drive.advance(100.0)
    assert drive.position == route[-1]
    straight = distance_km(route[0], route[-1])
    driven = distance_km(route[0], route[1]) + distance_km(route[1], route[2])
    assert 1.1 < driven / straight < 1.45


def test_the_demo_opens_with_at_least_half_an_hour_and_enough_contacts_of_its_shift():
    from demandhub.demand.background import WARM_LEAST, WARM_MOST, warm_start
    from demandhub.demand.profile import Profile

    afternoon = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # about 80 contacts an hour
    small_hours = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)  # a handful an hour

    assert afternoon - warm_start(Profile(), afternoon) == WARM_LEAST
    assert WARM_LEAST < small_hours - warm_start(Profile(), small_hours) <= WARM_MOST


def test_a_unit_a_person_moves_is_left_to_them(world, supervisor):
    from demandhub.dispatch.actions import change_status

    sim, script = world
    _caller(script, "c1", incident="i1")
    sim.step(T0)
    sim.step(T0 + timedelta(seconds=60))
    sim.step(T0 + timedelta(seconds=90))  # assigned and en route
    unit = Resource.objects.get()
    change_status(unit, Resource.Status.AT_SCENE, by=supervisor, reason="crew called it in")

    sim.step(T0 + timedelta(minutes=30))
    sim.step(T0 + timedelta(minutes=60))

    unit.refresh_from_db()
    assert unit.status == Resource.Status.AT_SCENE  # nobody but the person clears it
    assert sim.tally["status en_route"] == 1
    assert sim.tally["status at_scene"] == 0
    assert sim.tally["status available"] == 0
    assert sim.units is not None
    assert sim.units.drives == {}
