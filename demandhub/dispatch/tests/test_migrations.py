"""The dispatch migrations that change stored rows, run forwards on real rows."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from demandhub.forces.tests.factories import StationFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("dispatch", "0004_response_times_permission")
AFTER = ("dispatch", "0005_position_once_per_fix")


def _migrate(target: tuple[str, str]):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return MigrationExecutor(connection).loader.project_state([target]).apps


@pytest.fixture(autouse=True)
def _back_to_the_latest():  # type: ignore[no-untyped-def]
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_0005_removes_duplicate_fixes_keeping_the_first_stored_then_refuses_them():
    station = StationFactory()
    apps = _migrate(BEFORE)
    Resource = apps.get_model("dispatch", "Resource")
    Position = apps.get_model("dispatch", "Position")
    a = Resource.objects.create(call_sign="A01", kind="response_car", home_station_id=station.pk)
    b = Resource.objects.create(call_sign="B01", kind="response_car", home_station_id=station.pk)
    t0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)

    def fix(unit, at: datetime, latitude: float):  # type: ignore[no-untyped-def]
        return Position.objects.create(
            resource=unit, latitude=latitude, longitude=0.1, recorded_at=at, received_at=at
        ).pk

    kept = fix(a, t0, 52.1)
    fix(a, t0, 52.2)  # a retry stored twice before the constraint
    fix(a, t0, 52.3)  # and a third time
    later = fix(a, t0 + timedelta(seconds=30), 52.4)
    other = fix(b, t0, 52.5)  # another unit at the same time is another fix

    apps = _migrate(AFTER)
    Position = apps.get_model("dispatch", "Position")

    assert sorted(Position.objects.values_list("pk", flat=True)) == sorted([kept, later, other])
    assert Position.objects.get(pk=kept).latitude == 52.1
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(
            resource_id=a.pk, latitude=52.6, longitude=0.1, recorded_at=t0, received_at=t0
        )
