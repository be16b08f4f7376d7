"""Reads for analytics. Only reads: analytics writes nothing in other apps' tables."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    CharField,
    DateTimeField,
    Exists,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from demandhub.audit.models import Action, Event
from demandhub.contacts.models import Contact, StaffState, StaffStateChange
from demandhub.crimes.models import CrimeRecord, Review, VictimUpdate
from demandhub.incidents.models import Incident, QualityReview, Resolution

from . import floor, kpis


def contact_offers(*, start: datetime, end: datetime) -> Iterator[tuple[str, datetime]]:
    """(channel, offered_at) of every contact offered in [start, end), oldest first."""
    return (
        counted_contacts()
        .filter(offered_at__gte=start, offered_at__lt=end)
        .order_by("offered_at")
        .values_list("channel", "offered_at")
        .iterator(chunk_size=5000)
    )


# -- KPI reads ---------------------------------------------------------------------------------
# Every KPI read starts from one base queryset per record type below, so that anything which
# must never be counted in statistics is excluded in exactly one place.


def counted_contacts() -> QuerySet[Contact]:
    """Contacts that count in the hub's statistics."""
    return Contact.objects.live()  # training exercises never count


def counted_incidents() -> QuerySet[Incident]:
    """Incidents that count in the hub's statistics."""
    return Incident.objects.live()  # training exercises never count


def counted_crimes() -> QuerySet[CrimeRecord]:
    """Crime records that count in the hub's statistics."""
    return CrimeRecord.objects.live()  # training exercises never count


def counted_quality_reviews() -> QuerySet[QualityReview]:
    """Scored quality reviews of resolutions, of incidents that count."""
    return QualityReview.objects.filter(
        score__isnull=False, resolution__incident__in=counted_incidents()
    )


def counted_imu_reviews() -> QuerySet[Review]:
    """IMU file-or-investigate decisions, on crimes that count."""
    return Review.objects.filter(crime__in=counted_crimes())


def counted_victim_updates() -> QuerySet[VictimUpdate]:
    """Updates given to victims, on crimes that count."""
    return VictimUpdate.objects.filter(crime__in=counted_crimes())


@dataclass(frozen=True)
class Scope:
    """Which records a dashboard counts: [start, end) plus optional channel, area and grade.

    A contact has an area and a grade only through the incident it raised or was linked to;
    a crime has a channel through its contact, a grade through its incident, and an area
    (the one it is allocated to, else the one containing its location).
    """

    start: datetime
    end: datetime
    channel: str = ""
    area: int | None = None
    grade: int | None = None


def _contact_filter(scope: Scope, prefix: str = "") -> Q:
    q = Q()
    if scope.channel:
        q &= Q(**{f"{prefix}channel": scope.channel})
    if scope.area is not None:
        q &= Q(**{f"{prefix}incident__area_id": scope.area})
    if scope.grade is not None:
        q &= Q(**{f"{prefix}incident__grade": scope.grade})
    return q


def _incident_filter(scope: Scope, prefix: str = "") -> Q:
    q = Q()
    if scope.channel:
        q &= Q(**{f"{prefix}contact__channel": scope.channel})
    if scope.area is not None:
        q &= Q(**{f"{prefix}area_id": scope.area})
    if scope.grade is not None:
        q &= Q(**{f"{prefix}grade": scope.grade})
    return q


def _crime_filter(scope: Scope) -> Q:
    q = Q()
    if scope.channel:
        q &= Q(contact__channel=scope.channel)
    if scope.area is not None:
        q &= Q(area_id=scope.area) | Q(area__isnull=True, location_area_id=scope.area)
    if scope.grade is not None:
        q &= Q(incident__grade=scope.grade)
    return q


CONTACT_FIELDS = (
    "channel", "offered_at", "answered_at", "abandoned_at", "outcome", "outcome_recorded_at",
)  # fmt: skip
INCIDENT_FIELDS = (
    "opened_at", "grade", "area__area_type", "attendance_deadline", "first_arrival",
    "deployed", "resolved",
)  # fmt: skip
CRIME_FIELDS = (
    "pk", "reported_at", "recording_deadline", "recording_decision", "recording_decided_at",
    "assigned_at", "update_every_days", "outcome_code", "outcome_at", "status",
    "key_decision_due_at", "victim_told_on", "closed_key_decision_due_at",
)  # fmt: skip


def contact_rows(scope: Scope) -> list[kpis.ContactRow]:
    """Contacts offered in the scope's time range (one query)."""
    rows = (
        counted_contacts()
        .filter(_contact_filter(scope), offered_at__gte=scope.start, offered_at__lt=scope.end)
        .values_list(*CONTACT_FIELDS)
    )
    return [kpis.ContactRow(*row) for row in rows]


def incident_rows(scope: Scope) -> list[kpis.IncidentRow]:
    """Incidents opened in the scope's time range, with their first arrival (one query)."""
    from demandhub.dispatch.models import Assignment

    units = Assignment.objects.filter(incident=OuterRef("pk"))
    first_arrival = (
        units.filter(arrived_at__isnull=False).order_by("arrived_at").values("arrived_at")[:1]
    )
    rows = (
        counted_incidents()
        .filter(_incident_filter(scope), opened_at__gte=scope.start, opened_at__lt=scope.end)
        .annotate(
            first_arrival=Subquery(first_arrival),
            deployed=Exists(units),
            resolved=Exists(Resolution.objects.filter(incident=OuterRef("pk"))),
        )
        .values_list(*INCIDENT_FIELDS)
    )
    return [
        kpis.IncidentRow(
            opened_at=r[0],
            grade=r[1],
            area_type=r[2] or "",
            attendance_deadline=r[3],
            first_arrival_at=r[4],
            deployed=bool(r[5]),
            resolved_without_deployment=bool(r[6]),
        )
        for r in rows
    ]


def quality_rows(scope: Scope) -> list[kpis.QualityRow]:
    """Quality reviews scored in the scope's time range (one query)."""
    rows = counted_quality_reviews().filter(
        _incident_filter(scope, "resolution__incident__"),
        reviewed_at__gte=scope.start,
        reviewed_at__lt=scope.end,
    )
    return [kpis.QualityRow(*r) for r in rows.values_list("reviewed_at", "score")]


def _key_decision_met_by_closing() -> QuerySet[Event]:
    """The crime.closed audit entry of the outer query's crime when closing it met a pending
    key decision, with that deadline as `due`. Closing clears the crime's deadline, and when
    the officer gives the date the victim was told (victim_told_on) no VictimUpdate keeps it:
    this entry, written in the closing transaction, is the one record of it. A closed crime
    is never closed again (workflow.NEXT), so there is at most one."""
    return Event.objects.filter(
        action=Action.CRIME_CLOSED,
        subject_type=CrimeRecord._meta.label_lower,
        subject_id=Cast(OuterRef("pk"), CharField()),
        data__key_decision_met=True,
    ).annotate(due=Cast(KT("data__key_decision_due"), DateTimeField()))


def _crimes_in(scope: Scope) -> QuerySet[CrimeRecord]:
    """Crimes reported, finalised, due a victim update, or with a key-decision deadline
    (pending, met by an update or met by closing) in the range."""
    key_decision_told = VictimUpdate.objects.filter(
        crime=OuterRef("pk"),
        key_decision_due_at__gte=scope.start,
        key_decision_due_at__lt=scope.end,
    )
    key_decision_closed = _key_decision_met_by_closing().filter(
        due__gte=scope.start, due__lt=scope.end
    )
    in_range = (
        Q(reported_at__gte=scope.start, reported_at__lt=scope.end)
        | Q(outcome_at__gte=scope.start, outcome_at__lt=scope.end)
        | (
            Q(assigned_at__lt=scope.end)
            & (Q(outcome_at__isnull=True) | Q(outcome_at__gte=scope.start))
        )
        | Q(key_decision_due_at__gte=scope.start, key_decision_due_at__lt=scope.end)
        | Exists(key_decision_told)
        | Exists(key_decision_closed)
    )
    return counted_crimes().filter(_crime_filter(scope), in_range)


def crime_rows(scope: Scope) -> list[kpis.CrimeRow]:
    """Crimes reported, finalised, under investigation or awaiting a key-decision update in
    the range, with the key-decision deadline closing each met (one query)."""
    closed_due = _key_decision_met_by_closing().values("due")[:1]
    rows = (
        _crimes_in(scope)
        .annotate(closed_key_decision_due_at=Subquery(closed_due, output_field=DateTimeField()))
        .values_list(*CRIME_FIELDS)
    )
    return [
        kpis.CrimeRow(
            *r[:9],
            cancelled=r[9] == CrimeRecord.Status.CANCELLED,
            key_decision_due_at=r[10],
            victim_told_on=r[11],
            closed_key_decision_due_at=r[12],
        )
        for r in rows
    ]


def imu_review_rows(scope: Scope) -> list[kpis.ReviewRow]:
    """Every IMU decision on the crimes crime_rows() returns (one query)."""
    rows = counted_imu_reviews().filter(crime__in=_crimes_in(scope))
    return [kpis.ReviewRow(*r) for r in rows.values_list("crime_id", "reviewed_at", "decision")]


def victim_update_rows(scope: Scope) -> list[kpis.UpdateRow]:
    """Every update given to the victims of the crimes crime_rows() returns, with the
    key-decision deadline each met (one query)."""
    rows = counted_victim_updates().filter(crime__in=_crimes_in(scope))
    return [
        kpis.UpdateRow(*r) for r in rows.values_list("crime_id", "given_at", "key_decision_due_at")
    ]


# -- the floor view ----------------------------------------------------------------------------


def floor_staff() -> QuerySet[StaffState]:
    """Everyone on the floor (not off), with their user and current contact (one query)."""
    return (
        StaffState.objects.exclude(state=StaffState.State.OFF)
        .filter(user__is_active=True)
        .select_related("user", "contact")
        .order_by("user__first_name", "user__username")
    )


def floor_handled_contacts(*, since: datetime) -> list[floor.HandledContact]:
    """Contacts answered by a named member of staff since `since` (one query)."""
    rows = (
        counted_contacts()
        .filter(answered_at__gte=since, handled_by__isnull=False)
        .values_list("handled_by_id", "answered_at", "incident__grade", "incident__qualifiers")
    )
    return [floor.HandledContact(u, at, grade, quals or ()) for u, at, grade, quals in rows]


def floor_last_breaks(*, since: datetime) -> dict[int, datetime]:
    """Each member of staff's latest start of a break since `since` (one query)."""
    rows = (
        StaffStateChange.objects.filter(new_state=StaffState.State.BREAK, changed_at__gte=since)
        .values("user_id")
        .annotate(last=Max("changed_at"))
        .values_list("user_id", "last")
    )
    return dict(rows)
