"""Scene fixtures: an incident, a controlled clock and the evidence folder in tmp_path."""

import copy
import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from demandhub.incidents.models import Incident
from demandhub.incidents.tests.factories import IncidentFactory


class Clock:
    """timezone.now() for the whole app, moved on by hand."""

    def __init__(self) -> None:
        self.now = timezone.now()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    current = Clock()
    monkeypatch.setattr(timezone, "now", current)
    return current


@pytest.fixture
def incident(db: None) -> Incident:
    return IncidentFactory()


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.SCENE_EVIDENCE_DIR = str(tmp_path / "evidence")
    return tmp_path / "evidence"


@pytest.fixture(autouse=True)
def _own_channel_prefix(settings) -> None:  # type: ignore[no-untyped-def]
    """On Redis, each test process signals in its own key space: parallel workers (and other
    runs sharing the server) reuse incident and link ids, so their groups would otherwise meet."""
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    config = layers["default"].get("CONFIG")
    if config is not None and "hosts" in config:
        config["prefix"] = f"{config.get('prefix', 'demandhub')}-scene-test-{os.getpid()}"
        settings.CHANNEL_LAYERS = layers
