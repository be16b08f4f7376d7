"""Applying the retention schedule: find what is due, then anonymise or delete it in batches.

Each batch is one transaction: the records change, each gets its own audit entry (which
names the record type, rule and due date, never the personal data), anonymised ones get a
RetentionDone row. An interrupted run keeps the batches it committed; the next run picks up
the rest. Files are removed only after their batch commits, so a rolled-back batch never
loses a file whose row survives: the batch queues them (FileToRemove, in its transaction)
and removes them once it has committed; a run interrupted in between leaves them queued,
and the next run removes what is queued before anything else.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from demandhub import audit
from demandhub.audit.models import Action
from demandhub.contacts import conf as contacts_conf
from demandhub.contacts.models import (
    AmlMessage,
    Attachment,
    Contact,
    TelephonyEvent,
)
from demandhub.core.models import IdempotencyKey
from demandhub.crimes import offences
from demandhub.crimes.models import CrimeRecord
from demandhub.dispatch.models import Position
from demandhub.incidents.models import Incident, LinkedContact, WarningMarker
from demandhub.safeguarding.models import Referral
from demandhub.scene.evidence import evidence_dir
from demandhub.scene.models import Evidence

from . import anonymise, holds, schedule
from .models import FileToRemove, RetentionDone
from .schedule import ANONYMISE, Rule

BATCH_SIZE = 200


@dataclass(frozen=True)
class RecordType:
    key: str  # the schedule rule
    model: type[models.Model]
    clock: str  # the field the period runs from
    candidates: Callable[[], models.QuerySet]  # type: ignore[type-arg]
    anonymise: Callable[[models.Model], list[Path]] | None = None
    files: Callable[[models.Model], list[Path]] | None = None  # for deleted rows

    @property
    def label(self) -> str:
        return self.model._meta.label_lower


def _done(label: str) -> Exists:
    return Exists(
        RetentionDone.objects.filter(
            record_type=label, record_id=models.functions.Cast(OuterRef("pk"), models.CharField())
        )
    )


def _crimes_in(rule_key: str) -> Callable[[], models.QuerySet]:  # type: ignore[type-arg]
    codes = [
        o.code
        for o in offences.OFFENCES
        if schedule.crime_rule_key(o.group, o.enhanced) == rule_key
    ]

    def candidates() -> models.QuerySet:  # type: ignore[type-arg]
        finished = CrimeRecord.objects.filter(
            status__in=[
                CrimeRecord.Status.CLOSED,
                CrimeRecord.Status.CANCELLED,
                CrimeRecord.Status.FILED,
                CrimeRecord.Status.NOT_RECORDED,
            ]
        )
        if rule_key == "crime_group_3":  # unknown or missing codes: the shortest group
            known = [o.code for o in offences.OFFENCES if o.code not in codes]
            return finished.exclude(offence_code__in=known)
        return finished.filter(offence_code__in=codes)

    return candidates


def _contacts(linked: bool) -> Callable[[], models.QuerySet]:  # type: ignore[type-arg]
    def candidates() -> models.QuerySet:  # type: ignore[type-arg]
        has_crime = Exists(CrimeRecord.objects.filter(contact=OuterRef("pk")))
        has_link = Exists(LinkedContact.objects.filter(contact=OuterRef("pk")))
        ended = Contact.objects.filter(
            status__in=[Contact.Status.COMPLETED, Contact.Status.ABANDONED]
        )
        if not linked:
            return ended.filter(incident__isnull=True).exclude(has_crime).exclude(has_link)
        # Kept while the incident or crime it belongs to is kept: due only once they are done.
        live_incident = Q(incident__isnull=False) & ~Exists(
            RetentionDone.objects.filter(
                record_type="incidents.incident",
                record_id=models.functions.Cast(OuterRef("incident_id"), models.CharField()),
            )
        )
        live_crime = Exists(
            CrimeRecord.objects.filter(contact=OuterRef("pk")).exclude(
                Exists(
                    RetentionDone.objects.filter(
                        record_type="crimes.crimerecord",
                        record_id=models.functions.Cast(OuterRef("pk"), models.CharField()),
                    )
                )
            )
        )
        return (
            ended.filter(Q(incident__isnull=False) | has_crime | has_link)
            .exclude(live_incident)
            .exclude(live_crime)
        )

    return candidates


def _incidents() -> models.QuerySet:  # type: ignore[type-arg]
    # An incident with a crime still kept is kept with it (the crime's evidence trail).
    live_crime = Exists(
        CrimeRecord.objects.filter(incident=OuterRef("pk")).exclude(
            Exists(
                RetentionDone.objects.filter(
                    record_type="crimes.crimerecord",
                    record_id=models.functions.Cast(OuterRef("pk"), models.CharField()),
                )
            )
        )
    )
    return Incident.objects.filter(
        status__in=[Incident.Status.CLOSED, Incident.Status.RESOLVED, Incident.Status.REDIRECTED],
        closed_at__isnull=False,
    ).exclude(live_crime)


def _evidence_file(evidence: models.Model) -> list[Path]:
    return [evidence_dir() / evidence.path]  # type: ignore[attr-defined]


def record_types() -> list[RecordType]:
    """In dependency order: crimes before the incidents and contacts they keep."""
    return [
        RecordType(
            "crime_group_1",
            CrimeRecord,
            "reported_at",
            _crimes_in("crime_group_1"),
            anonymise.crime,
        ),
        RecordType(
            "crime_group_2",
            CrimeRecord,
            "reported_at",
            _crimes_in("crime_group_2"),
            anonymise.crime,
        ),
        RecordType(
            "crime_group_3",
            CrimeRecord,
            "reported_at",
            _crimes_in("crime_group_3"),
            anonymise.crime,
        ),
        RecordType(
            "safeguarding_referral",
            Referral,
            "referred_at",
            Referral.objects.all,
            anonymise.referral,
        ),
        RecordType(
            "scene_evidence", Evidence, "captured_at", Evidence.objects.all, files=_evidence_file
        ),
        RecordType("incident", Incident, "closed_at", _incidents, anonymise.incident),
        RecordType("contact", Contact, "offered_at", _contacts(linked=False), anonymise.contact),
        RecordType(
            "contact_linked", Contact, "offered_at", _contacts(linked=True), anonymise.contact
        ),
        RecordType(
            "warning_marker",
            WarningMarker,
            "withdrawn_at",
            lambda: WarningMarker.objects.filter(withdrawn_at__isnull=False),
            anonymise.warning_marker,
        ),
        RecordType("position", Position, "recorded_at", Position.objects.all),
        RecordType(
            "aml_unmatched",
            AmlMessage,
            "received_at",
            lambda: AmlMessage.objects.filter(contact__isnull=True),
        ),
        RecordType(
            "telephony_rejected",
            TelephonyEvent,
            "received_at",
            lambda: TelephonyEvent.objects.filter(contact__isnull=True),
        ),
        RecordType("idempotency_key", IdempotencyKey, "created_at", IdempotencyKey.objects.all),
        RecordType("session", Session, "expire_date", Session.objects.all),
    ]


@dataclass
class Outcome:
    key: str
    label: str
    action: str
    days: int | None
    basis: str
    due: int = 0
    done: int = 0
    held: list[tuple[str, int]] = field(default_factory=list)  # (record id, hold id)


def _due(kind: RecordType, rule: Rule, now: Any) -> models.QuerySet:  # type: ignore[type-arg]
    cutoff = now - timedelta(days=rule.days or 0)
    queryset = kind.candidates().filter(**{f"{kind.clock}__lt": cutoff})
    if rule.action == ANONYMISE:
        queryset = queryset.exclude(_done(kind.label))
    return queryset.order_by("pk")


def plan(now: Any = None) -> Iterator[tuple[RecordType, Rule, Outcome, list[Any]]]:
    """For each record type in turn: the due primary keys (held ones left out)."""
    now = now or timezone.now()
    rules = schedule.rules()
    for kind in record_types():
        rule = rules[kind.key]
        outcome = Outcome(kind.key, rule.label, rule.action, rule.days, rule.basis)
        if rule.days is None:
            yield kind, rule, outcome, []
            continue
        kept = holds.protected().get(kind.label, {})
        due = []
        for pk in _due(kind, rule, now).values_list("pk", flat=True).iterator():
            if str(pk) in kept:
                outcome.held.append((str(pk), kept[str(pk)]))
            else:
                due.append(pk)
        outcome.due = len(due)
        yield kind, rule, outcome, due


def dry_run(now: Any = None) -> list[Outcome]:
    return [outcome for _, _, outcome, _ in plan(now)]


def queued_files() -> int:
    """Files an earlier run queued and has not removed yet (it was interrupted)."""
    return FileToRemove.objects.count()


def apply(now: Any = None, batch_size: int = BATCH_SIZE) -> list[Outcome]:
    now = now or timezone.now()
    remove_queued_files()  # what an interrupted run left, first
    outcomes = []
    for kind, rule, outcome, due in plan(now):
        for start in range(0, len(due), batch_size):
            outcome.done += _apply_batch(kind, rule, due[start : start + batch_size], now)
        outcomes.append(outcome)
    return outcomes


def _apply_batch(kind: RecordType, rule: Rule, pks: list[Any], now: Any) -> int:
    files: list[Path] = []
    done = 0
    with transaction.atomic():
        # Re-read under the transaction: a record changed, held or handled by a concurrent run
        # since the plan is left alone.
        current = set(_due(kind, rule, now).filter(pk__in=pks).values_list("pk", flat=True))
        kept = holds.protected().get(kind.label, {})
        for record in kind.model._default_manager.select_for_update().filter(pk__in=current):
            if str(record.pk) in kept:
                continue
            clock = getattr(record, kind.clock)
            entry = {
                "record_type": kind.key,
                "rule_days": rule.days,
                "basis": rule.basis,
                "due_since": (clock + timedelta(days=rule.days or 0)).date().isoformat(),
            }
            if rule.action == ANONYMISE and kind.anonymise is not None:
                files += kind.anonymise(record)
                RetentionDone.objects.create(
                    record_type=kind.label,
                    record_id=str(record.pk),
                    action=rule.action,
                    done_at=now,
                )
                audit.record(Action.RETENTION_ANONYMISED, actor=None, subject=record, **entry)
            else:
                if kind.files is not None:
                    files += kind.files(record)
                pk = str(record.pk)
                record.delete()
                audit.record(
                    Action.RETENTION_DELETED,
                    actor=None,
                    subject_type=kind.label,
                    subject_id=pk,
                    **entry,
                )
            done += 1
        if files:
            FileToRemove.objects.bulk_create(
                FileToRemove(path=str(path), queued_at=now) for path in files
            )
            transaction.on_commit(remove_queued_files)
    return done


def remove_queued_files() -> int:
    """Remove every queued file, then forget it: the rows go only after their files, so an
    interruption at any point leaves a row for each file that may still be there (removing
    a file already gone is harmless). An upload another contact has stored since it was
    queued (photos are stored once by their hash) is kept. Returns how many rows it cleared."""
    queued = list(FileToRemove.objects.values_list("pk", "path"))
    if not queued:
        return 0
    in_use = _uploads_in_use([Path(path) for _, path in queued])
    for _, path in queued:
        if Path(path) not in in_use:
            Path(path).unlink(missing_ok=True)
    FileToRemove.objects.filter(pk__in=[pk for pk, _ in queued]).delete()
    return len(queued)


def _uploads_in_use(paths: list[Path]) -> set[Path]:
    root = Path(contacts_conf.uploads_dir())
    relative = {}
    for path in paths:
        try:
            relative[str(path.relative_to(root))] = path
        except ValueError:
            continue  # not an upload (scene evidence)
    if not relative:
        return set()
    used = Attachment.objects.filter(stored_as__in=relative).values_list("stored_as", flat=True)
    return {relative[name] for name in used}


def data_dir() -> Path:
    return Path(settings.DATA_DIR)
