"""Writes for resources. Each runs in one transaction, audits itself and announces on commit."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from demandhub import audit
from demandhub.accounts.models import User
from demandhub.audit.models import Action
from demandhub.core import realtime

from . import workflow
from .assignments import follow_status, lock_incident_of
from .errors import (
    AlreadyBookedOn,
    CommittedUnitCannotBookOff,
    NotBookedOn,
    StatusSetByAssignment,
)
from .models import Position, Resource
from .positions import Fix, problem_with
from .queries import position_bounds

Status = Resource.Status


@transaction.atomic
def change_status(resource: Resource, to: str, *, by: User | None, reason: str = "") -> Resource:
    """Move a unit along its lifecycle at a crew's or dispatcher's request.

    Assigned is refused here: only an assignment sets it. by=None: a system change.

    A unit free of any incident moves in one conditional UPDATE (optimistic: it applies only
    if nobody moved or assigned the unit since it was read). Otherwise, or if that UPDATE
    finds the unit changed, the unit's incident and then the unit are locked and re-read, and
    its assignment follows the move.
    """
    if to in workflow.SET_BY_ASSIGNMENT:
        raise StatusSetByAssignment(resource.call_sign)
    old = resource.status
    if workflow.move_if_free_and_unchanged(resource, to, by=by, reason=reason) is None:
        lock_incident_of(resource)
        resource = Resource.objects.select_for_update().get(pk=resource.pk)
        old = resource.status
        workflow.move(resource, to, by=by, reason=reason)
        resource.save(update_fields=["status", "status_changed_at"])
        follow_status(resource, old, to, by=by)
    audit.record(
        Action.RESOURCE_STATUS_CHANGED,
        actor=by,
        subject=resource,
        call_sign=resource.call_sign,
        old=old,
        new=to,
        reason=reason,
    )
    realtime.announce("resources", "resource.status", resource.pk)
    return resource


@transaction.atomic
def book_on(resource: Resource, *, by: User) -> Resource:
    """The officer `by` joins the unit's crew; an off-duty unit comes on duty as available."""
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    current = by.crewed_resources.exclude(pk=resource.pk).first()
    if current is not None:
        raise AlreadyBookedOn(current.call_sign)
    if resource.crew.filter(pk=by.pk).exists():
        return resource
    resource.crew.add(by)
    if resource.status == Status.OFF_DUTY:
        workflow.move(resource, Status.AVAILABLE, by=by, reason="booked on")
        resource.save(update_fields=["status", "status_changed_at"])
    audit.record(
        Action.RESOURCE_BOOKED_ON,
        actor=by,
        subject=resource,
        call_sign=resource.call_sign,
        status=resource.status,
    )
    realtime.announce("resources", "resource.crew", resource.pk)
    return resource


@transaction.atomic
def book_off(resource: Resource, *, by: User) -> Resource:
    """The officer `by` leaves the crew; when the last one leaves a free unit goes off duty."""
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    if not resource.crew.filter(pk=by.pk).exists():
        raise NotBookedOn(resource.call_sign)
    last = resource.crew.count() == 1
    if last and resource.status in workflow.COMMITTED:
        raise CommittedUnitCannotBookOff(resource.call_sign, resource.status)
    resource.crew.remove(by)
    if last and resource.status != Status.OFF_DUTY:
        workflow.move(resource, Status.OFF_DUTY, by=by, reason="last crew member booked off")
        resource.save(update_fields=["status", "status_changed_at"])
    audit.record(
        Action.RESOURCE_BOOKED_OFF,
        actor=by,
        subject=resource,
        call_sign=resource.call_sign,
        status=resource.status,
    )
    realtime.announce("resources", "resource.crew", resource.pk)
    return resource


def insert_new_positions(track: list[Position]) -> int:
    """Insert the fixes the track does not have yet, skipping those it has (the unique unit
    and recorded time), in one statement per batch of rows: INSERT ... ON CONFLICT DO
    NOTHING, on SQLite and PostgreSQL alike. Returns how many were stored.

    bulk_create(ignore_conflicts=True) sends the same statement but does not say how many
    rows it stored, which the report's audit entry counts (`already_stored`)."""
    if not track:
        return 0
    meta = Position._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    key = ", ".join(qn(meta.get_field(name).column) for name in ("resource", "recorded_at"))
    row = f"({', '.join(['%s'] * len(fields))})"
    size = max(1, connection.ops.bulk_batch_size(fields, track))
    stored = 0
    with connection.cursor() as cursor:
        for start in range(0, len(track), size):
            batch = track[start : start + size]
            cursor.execute(
                f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES "  # noqa: S608 (quoted names)
                f"{', '.join([row] * len(batch))} ON CONFLICT ({key}) DO NOTHING",
                [
                    f.get_db_prep_save(getattr(p, f.attname), connection)
                    for p in batch
                    for f in fields
                ],
            )
            stored += cursor.rowcount
    return stored


@dataclass(frozen=True)
class FixOutcome:
    index: int
    call_sign: str
    accepted: bool
    error: str = ""


@transaction.atomic
def report_positions(fixes: list[Fix], *, by: User | None) -> list[FixOutcome]:
    """Store the acceptable fixes in the track and move each unit's latest position forward.

    Unacceptable fixes (off the map, outside the force, from the future, unknown call sign) are
    refused one by one with the reason; the good ones in the same report are kept. A fix older
    than the unit's latest joins the track without moving the latest position (devices resend
    after losing signal). A fix the track already has (same unit, same recorded time: the
    natural key of a position report, unique in the table) is a retry: accepted again, as the
    first time, and not stored twice (INSERT ... ON CONFLICT DO NOTHING: the database, not a
    read before the write, finds it); the units' row locks serialise two reports naming the
    same unit. A constant number of queries whatever the number of fixes (up to a batch).
    """
    now = timezone.now()
    bounds = position_bounds()
    skew = timedelta(seconds=settings.DISPATCH_CLOCK_SKEW_SECONDS)
    # Locked in primary-key order so two reports naming the same units cannot deadlock.
    units = {
        r.call_sign: r
        for r in Resource.objects.select_for_update()
        .filter(call_sign__in={f.call_sign for f in fixes})
        .order_by("pk")
        .only("pk", "call_sign", "latitude", "longitude", "position_at")
    }
    seen: set[tuple[int, object]] = set()  # the same unit and time twice in this report
    outcomes: list[FixOutcome] = []
    track: list[Position] = []
    moved: dict[int, Resource] = {}
    for index, fix in enumerate(fixes):
        unit = units.get(fix.call_sign)
        problem = "no unit has this call sign" if unit is None else None
        problem = problem or problem_with(fix, now=now, clock_skew=skew, bounds=bounds)
        if problem or unit is None:
            outcomes.append(FixOutcome(index, fix.call_sign, False, problem or ""))
            continue
        outcomes.append(FixOutcome(index, fix.call_sign, True))
        if (unit.pk, fix.recorded_at) in seen:
            continue
        seen.add((unit.pk, fix.recorded_at))
        track.append(
            Position(
                resource=unit,
                latitude=fix.latitude,
                longitude=fix.longitude,
                recorded_at=fix.recorded_at,
                received_at=now,
                speed_kmh=fix.speed_kmh,
                heading=fix.heading,
                accuracy_m=fix.accuracy_m,
            )
        )
        if unit.position_at is None or fix.recorded_at > unit.position_at:
            unit.latitude, unit.longitude = fix.latitude, fix.longitude
            unit.position_at = fix.recorded_at
            moved[unit.pk] = unit
    stored = insert_new_positions(track)
    retried = sum(o.accepted for o in outcomes) - stored
    if moved:
        Resource.objects.bulk_update(list(moved.values()), ["latitude", "longitude", "position_at"])
    refused = [o for o in outcomes if not o.accepted]
    audit.record(
        Action.POSITIONS_REPORTED,
        actor=by,
        subject_type="dispatch.position",
        subject_id="",
        accepted=stored + retried,
        already_stored=retried,
        refused=len(refused),
        moved=len(moved),
        units=sorted(u.call_sign for u in moved.values())[:100],
        refusals=[{"index": o.index, "call_sign": o.call_sign, "error": o.error} for o in refused][
            :50
        ],
    )
    if moved:
        # Many units at once: no one record to name (pk 0); boards re-fetch what they show.
        realtime.announce("resources", "resource.positions", 0)
    return outcomes
