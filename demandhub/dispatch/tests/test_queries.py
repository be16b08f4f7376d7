from datetime import timedelta

from django.utils import timezone

from demandhub.dispatch.models import Resource
from demandhub.dispatch.queries import fleet_snapshot
from demandhub.forces.tests.factories import StationFactory

from .factories import ResourceFactory


def test_the_fleet_snapshot_places_units_and_leaves_off_duty_ones_out(django_assert_num_queries):
    now = timezone.now()
    station = StationFactory(latitude=52.57, longitude=-0.29)
    ResourceFactory(call_sign="HOME", home_station=station)
    ResourceFactory(
        call_sign="MOVING",
        home_station=station,
        latitude=52.2,
        longitude=0.12,
        position_at=now - timedelta(minutes=10),
        capabilities=["firearms"],
    )
    ResourceFactory(call_sign="ASLEEP", status=Resource.Status.OFF_DUTY)

    with django_assert_num_queries(1):
        fleet = fleet_snapshot(now=now, commitment_grades={})

    home, moving = fleet.units
    assert (home.call_sign, home.latitude, home.longitude, home.located) == (
        "HOME",
        52.57,
        -0.29,
        False,
    )
    assert (moving.latitude, moving.longitude, moving.located, moving.stale) == (
        52.2,
        0.12,
        True,
        True,
    )
    assert moving.capabilities == {"firearms"}
