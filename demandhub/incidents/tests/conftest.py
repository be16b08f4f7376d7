import pytest

from demandhub.forces.models import PolicingArea
from demandhub.forces.tests.factories import PolicingAreaFactory


def _box(west: float, south: float, east: float, north: float) -> dict[str, object]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def cambridge(db: None) -> PolicingArea:
    """An urban area around Cambridge (TL 45 58 lies inside)."""
    return PolicingAreaFactory(
        code="CAM",
        name="Cambridge City",
        area_type="urban",
        boundary=_box(0.05, 52.16, 0.22, 52.25),
    )


@pytest.fixture
def fens(db: None) -> PolicingArea:
    """A rural area north of Cambridge (Ely lies inside)."""
    return PolicingAreaFactory(
        code="FEN", name="Fenland", area_type="rural", boundary=_box(0.05, 52.25, 0.45, 52.75)
    )
