"""Data migrations of crimes: 0007 audits the restrictions 0004 created without an entry."""

import importlib
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from demandhub.accounts import need_to_know
from demandhub.accounts.models import Restriction, Team
from demandhub.audit import chain
from demandhub.audit.models import Action, Event
from demandhub.audit.queries import events_in_chain_order
from demandhub.crimes.offences import RESTRICTED_TEAM

from .factories import crime

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("demandhub.crimes.migrations.0007_audit_restrictions_from_flag")
from_flag_0004 = importlib.import_module("demandhub.crimes.migrations.0004_restrictions_from_flag")


@pytest.fixture(scope="module")
def historical_apps():  # type: ignore[no-untyped-def]
    """The models as the migration sees them (its project state), not the current ones."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return loader.project_state(("crimes", "0007_audit_restrictions_from_flag")).apps


def _run(apps) -> None:  # type: ignore[no-untyped-def]
    MIGRATION.audit_restrictions(apps, SimpleNamespace(connection=connection))


def _restricted_by_0004(record) -> Restriction:  # type: ignore[no-untyped-def]
    """What crimes/0004 wrote for a crime carrying the old flag: a restriction, no entry."""
    restriction = Restriction.objects.create(
        subject_type="crimes.crimerecord",
        subject_id=str(record.pk),
        category="sexual_offence",
        reason=from_flag_0004.REASON,
        created_at=timezone.now(),
    )
    restriction.teams.add(Team.objects.get(name=RESTRICTED_TEAM))
    return restriction


def test_the_reason_is_the_one_0004_wrote():
    assert MIGRATION.FROM_FLAG_REASON == from_flag_0004.REASON


def test_each_restriction_from_the_flag_gets_one_entry_and_a_rerun_adds_none(historical_apps):
    first, second = crime(summary="Burglary one"), crime(summary="Burglary two")
    from_flag = [_restricted_by_0004(first), _restricted_by_0004(second)]
    # Restricted since, through need_to_know.restrict(): already audited, left alone.
    audited = crime(summary="Burglary three")
    need_to_know.restrict(audited, by=None, category="other", reason="Staff victim", teams=[])
    before = Event.objects.count()

    _run(historical_apps)

    added = list(Event.objects.filter(pk__gt=Event.objects.order_by("id")[before - 1].pk))
    assert [(e.action, e.subject_type, e.subject_id) for e in added] == [
        (Action.RECORD_RESTRICTED, "crimes.crimerecord", str(first.pk)),
        (Action.RECORD_RESTRICTED, "crimes.crimerecord", str(second.pk)),
    ]
    assert [e.data["restriction"] for e in added] == [r.pk for r in from_flag]
    entry = added[0]
    assert entry.actor_id is None
    assert entry.data["category"] == "sexual_offence"
    assert entry.data["teams"] == [RESTRICTED_TEAM]
    assert entry.data["reason"] == from_flag_0004.REASON
    assert entry.data["by_migration"] == "crimes.0004_restrictions_from_flag"
    assert entry.data["lifted_at"] is None
    assert chain.verify(events_in_chain_order()).ok

    _run(historical_apps)  # again: every such restriction has its entry now
    assert Event.objects.count() == before + 2
    assert chain.verify(events_in_chain_order()).ok


def test_a_lifted_restriction_from_the_flag_is_audited_with_when_it_was_lifted(historical_apps):
    restriction = _restricted_by_0004(crime())
    Restriction.objects.filter(pk=restriction.pk).update(lifted_at=timezone.now())

    _run(historical_apps)

    entry = Event.objects.get(action=Action.RECORD_RESTRICTED, subject_id=restriction.subject_id)
    assert entry.data["restriction"] == restriction.pk
    assert entry.data["lifted_at"] is not None
    assert chain.verify(events_in_chain_order()).ok


def test_nothing_to_audit_writes_nothing(historical_apps):
    crime()
    before = Event.objects.count()
    _run(historical_apps)
    assert Event.objects.count() == before
