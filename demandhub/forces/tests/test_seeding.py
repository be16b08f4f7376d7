"""The demo seed: a fictional force over real Cambridgeshire coordinates, seeded once."""

from collections import Counter

from demandhub.accounts.models import User
from demandhub.accounts.roles import ROLES
from demandhub.audit.models import Action, Event
from demandhub.dispatch.models import Resource
from demandhub.forces import demo_data
from demandhub.forces.models import Force, PolicingArea, Station
from demandhub.forces.seeding import seed_demo_force


def test_the_seed_creates_areas_stations_about_forty_resources_and_a_login_per_role():
    force = seed_demo_force()

    assert force is not None
    assert PolicingArea.objects.count() == 4
    assert set(PolicingArea.objects.values_list("area_type", flat=True)) == {"urban", "rural"}
    assert Station.objects.count() == 9
    assert 35 <= Resource.objects.count() <= 50
    assert {"response_car", "armed_response", "dog_unit", "cid"} <= set(
        Counter(Resource.objects.values_list("kind", flat=True))
    )
    for role in ROLES:
        user = User.objects.get(username=role.name)
        assert user.role_names == [role.name]
        assert user.check_password(demo_data.DEMO_PASSWORD)
    assert Event.objects.filter(action=Action.FORCE_SEEDED, subject_id=str(force.pk)).exists()


def test_seeding_again_changes_nothing():
    seed_demo_force()
    counts = (Force.objects.count(), Resource.objects.count(), User.objects.count())

    assert seed_demo_force() is None
    assert (Force.objects.count(), Resource.objects.count(), User.objects.count()) == counts


def test_every_station_lies_inside_its_area_boundary():
    seed_demo_force()

    for station in Station.objects.select_related("area"):
        (west, south), _, (east, north), *_ = station.area.boundary["coordinates"][0]
        assert west <= station.longitude <= east, station.name
        assert south <= station.latitude <= north, station.name


def test_the_demo_names_one_member_of_staff_per_role():
    assert set(demo_data.DEMO_STAFF) == {role.name for role in ROLES}
