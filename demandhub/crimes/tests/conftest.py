from datetime import datetime

import pytest
from django.utils import timezone

from conftest import persona
from demandhub.contacts.models import Contact
from demandhub.contacts.references import hash_token
from demandhub.contacts.tests.factories import ContactFactory
from demandhub.forces.models import PolicingArea
from demandhub.forces.tests.factories import PolicingAreaFactory

crime_registrar = persona("crime_registrar")

TOKEN = "crime-test-token"


def _box(west: float, south: float, east: float, north: float) -> dict[str, object]:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


@pytest.fixture
def cambridge(db: None) -> PolicingArea:
    return PolicingAreaFactory(
        code="CAM", name="Cambridge City", boundary=_box(0.05, 52.16, 0.22, 52.25)
    )


@pytest.fixture
def fens(db: None) -> PolicingArea:
    return PolicingAreaFactory(
        code="FEN", name="Fenland", area_type="rural", boundary=_box(0.05, 52.25, 0.45, 52.75)
    )


@pytest.fixture
def online_report(db: None) -> Contact:
    """An online crime report whose reporter holds the tracking link (?t=TOKEN)."""
    return ContactFactory(
        channel=Contact.Channel.ONLINE_REPORT,
        caller_email="reporter@example.com",
        public_token_hash=hash_token(TOKEN),
    )


class Clock:
    """timezone.now() for the whole app, set and moved on by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> None:
        self.now = now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """A controlled clock, starting at the real time (tests set it)."""
    current = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", current)
    return current
