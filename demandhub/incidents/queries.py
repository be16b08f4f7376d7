"""Reads for incidents: queues, history, warnings, duplicates, timelines and reports."""

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from demandhub.forces.models import PolicingArea

from . import duplicates
from .classifications import catalogue
from .history import HistoryPolicy, policy
from .locations import distance_m, point_in_boundary
from .models import (
    Assessment,
    Incident,
    LogEntry,
    Person,
    QualityReview,
    StatusChange,
    WarningMarker,
)
from .workflow import ACTIVE

if TYPE_CHECKING:
    from demandhub.demand.models import Exercise


def area_for(latitude: float, longitude: float) -> PolicingArea | None:
    """The force's policing area whose boundary contains the point (point in polygon)."""
    areas = PolicingArea.objects.filter(force__code=settings.FORCE_CODE).order_by("pk")
    for area in areas:
        if area.boundary and point_in_boundary(latitude, longitude, area.boundary):
            return area
    return None


def _box(latitude: float, longitude: float, radius_m: float) -> Q:
    """A bounding box around the point for an index-friendly first cut; callers then measure."""
    dlat = radius_m / 111_320
    dlon = radius_m / (111_320 * max(math.cos(math.radians(latitude)), 0.01))
    return Q(
        latitude__gte=latitude - dlat,
        latitude__lte=latitude + dlat,
        longitude__gte=longitude - dlon,
        longitude__lte=longitude + dlon,
    )


def incidents_near(
    latitude: float,
    longitude: float,
    *,
    radius_m: float,
    since: datetime,
    exclude: int | None = None,
) -> list[tuple[Incident, float]]:
    """Incidents opened since `since` within `radius_m`, nearest first, with their distance."""
    candidates = Incident.objects.filter(
        _box(latitude, longitude, radius_m), opened_at__gte=since
    ).exclude(pk=exclude)
    found = []
    for incident in candidates.order_by("-opened_at")[:200]:
        metres = distance_m(latitude, longitude, incident.latitude, incident.longitude)  # type: ignore[arg-type]
        if metres <= radius_m:
            found.append((incident, metres))
    return sorted(found, key=lambda pair: pair[1])


@dataclass
class PersonKey:
    """How a person is recognised across incidents: name and date of birth, or phone."""

    name: str = ""
    date_of_birth: date | None = None
    phone: str = ""
    role: str = ""

    def q(self, prefix: str = "") -> Q | None:
        parts = Q()
        matched = False
        if self.name.strip() and self.date_of_birth:
            parts |= Q(**{f"{prefix}name__iexact": self.name.strip()}) & Q(
                **{f"{prefix}date_of_birth": self.date_of_birth}
            )
            matched = True
        if self.phone.strip():
            parts |= Q(**{f"{prefix}phone": self.phone.strip()})
            matched = True
        return parts if matched else None


@dataclass
class History:
    nearby: list[tuple[Incident, float]] = field(default_factory=list)
    same_people: list[Incident] = field(default_factory=list)
    repeat_location: bool = False
    repeat_victims: list[str] = field(default_factory=list)


def history_for(
    *,
    latitude: float | None,
    longitude: float | None,
    people: list[PersonKey],
    caller_number: str = "",
    exclude: int | None = None,
    now: datetime | None = None,
    rules: HistoryPolicy | None = None,
) -> History:
    """Earlier incidents near the place and involving the same caller or persons, with the
    repeat-location and repeat-victim flags (history.HistoryPolicy)."""
    rules = rules or policy()
    since = (now or timezone.now()) - rules.lookback
    result = History()
    if latitude is not None and longitude is not None:
        result.nearby = incidents_near(
            latitude, longitude, radius_m=rules.radius_m, since=since, exclude=exclude
        )
        close = [i for i, m in result.nearby if m <= rules.repeat_location_radius_m]
        result.repeat_location = len(close) >= rules.repeat_location_threshold
    keys = [*people, PersonKey(phone=caller_number)] if caller_number else list(people)
    person_q = Q()
    any_key = False
    for key in keys:
        if (q := key.q()) is not None:
            person_q |= q
            any_key = True
    if any_key:
        earlier = (
            Person.objects.filter(person_q, incident__opened_at__gte=since)
            .exclude(incident_id=exclude)
            .select_related("incident")
            .order_by("-incident__opened_at")
        )
        seen: dict[int, Incident] = {}
        for person in earlier[:200]:
            seen.setdefault(person.incident_id, person.incident)
        if caller_number:
            for incident in Incident.objects.filter(
                contact__caller_number=caller_number, opened_at__gte=since
            ).exclude(pk=exclude)[:50]:
                seen.setdefault(incident.pk, incident)
        result.same_people = sorted(seen.values(), key=lambda i: i.opened_at, reverse=True)
        for key in people:
            if key.role != Person.Role.VICTIM or (q := key.q()) is None:
                continue
            times = (
                Person.objects.filter(q, role=Person.Role.VICTIM, incident__opened_at__gte=since)
                .exclude(incident_id=exclude)
                .values("incident_id")
                .distinct()
                .count()
            )
            if times >= rules.repeat_victim_threshold:
                result.repeat_victims.append(key.name or key.phone)
    return result


@dataclass(frozen=True)
class Warning:
    code: str
    label: str
    details: str
    applies_to: str  # "the address" or the person's name

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "label": self.label,
            "details": self.details,
            "applies_to": self.applies_to,
        }


def warnings_at(
    *, latitude: float | None, longitude: float | None, people: list[PersonKey]
) -> list[Warning]:
    """Active warning markers on the place and the people given."""
    found: list[Warning] = []
    markers = WarningMarker.objects.filter(withdrawn_at__isnull=True)
    if latitude is not None and longitude is not None:
        # Markers carry their own radius (at most 1 km in practice), so cut by 1 km then measure.
        for marker in markers.filter(_box(latitude, longitude, 1000)):
            metres = distance_m(latitude, longitude, marker.latitude, marker.longitude)  # type: ignore[arg-type]
            if metres <= marker.radius_m:
                found.append(
                    Warning(marker.code, marker.label, marker.details, marker.address or "address")
                )
    person_q = Q(pk__in=[])
    any_key = False
    for key in people:
        if key.q() is not None:
            person_q |= _marker_q(key)
            any_key = True
    if any_key:
        for marker in markers.filter(person_q):
            found.append(
                Warning(
                    marker.code, marker.label, marker.details, marker.person_name or marker.phone
                )
            )
    return found


def _marker_q(key: PersonKey) -> Q:
    q = Q(pk__in=[])
    if key.name.strip() and key.date_of_birth:
        q |= Q(person_name__iexact=key.name.strip(), date_of_birth=key.date_of_birth)
    if key.phone.strip():
        q |= Q(phone=key.phone.strip())
    return q


def people_of(incident: Incident) -> list[PersonKey]:
    keys = [PersonKey(p.name, p.date_of_birth, p.phone, p.role) for p in incident.persons.all()]
    if incident.contact_id and incident.contact.caller_number:  # type: ignore[union-attr]
        keys.append(PersonKey(phone=incident.contact.caller_number))  # type: ignore[union-attr]
    return keys


def warnings_for(incident: Incident) -> list[Warning]:
    """Warning markers on the incident's address and persons, for handlers and dispatch."""
    return warnings_at(
        latitude=incident.latitude, longitude=incident.longitude, people=people_of(incident)
    )


def likely_duplicates(
    *,
    latitude: float,
    longitude: float,
    classification: str,
    at: datetime,
    exclude: int | None = None,
    thresholds: duplicates.Thresholds = duplicates.DEFAULT,
) -> list[tuple[Incident, str]]:
    """Active incidents that are probably the same event, with the reason for each."""
    family = _family(classification)
    candidates = Incident.objects.filter(
        _box(latitude, longitude, thresholds.radius_m),
        status__in=ACTIVE,
        opened_at__gte=at - thresholds.window,
        opened_at__lte=at + thresholds.window,
    ).exclude(pk=exclude)
    new = duplicates.Sighting(latitude, longitude, at, family)
    found = []
    for incident in candidates.order_by("-opened_at")[:50]:
        existing = duplicates.Sighting(
            incident.latitude,  # type: ignore[arg-type]
            incident.longitude,  # type: ignore[arg-type]
            incident.opened_at,
            _family(incident.classification),
        )
        if reason := duplicates.duplicate_reason(new, existing, thresholds):
            found.append((incident, reason))
    return found


def _family(code: str) -> str:
    classification = catalogue().get(code) if code else None
    return classification.family if classification else ""


def incidents_on_the_board(exercise: "Exercise | None" = None) -> QuerySet[Incident]:
    """Active incidents for the console list, most urgent first, then oldest: live ones, or
    those of a training `exercise`."""
    return (
        Incident.objects.in_exercise(exercise)
        .filter(status__in=ACTIVE)
        .select_related("area", "contact")
        .order_by("grade", "opened_at")
    )


def resolution_queue() -> QuerySet[Incident]:
    return (
        Incident.objects.live()
        .filter(status=Incident.Status.WITH_RESOLUTION_TEAM)
        .select_related("area", "contact")
        .order_by("graded_at")
    )


def reviews_awaiting() -> QuerySet[QualityReview]:
    return (
        QualityReview.objects.filter(reviewed_at__isnull=True)
        .select_related("resolution__incident", "resolution__resolved_by")
        .order_by("sampled_at")
    )


@dataclass(frozen=True)
class TimelineItem:
    at: datetime
    kind: str  # log | status | assessment
    item: Any


def timeline(incident: Incident) -> list[TimelineItem]:
    """Log entries, status changes and assessments, oldest first."""
    items = [
        *(
            TimelineItem(e.written_at, "log", e)
            for e in LogEntry.objects.filter(incident=incident).select_related(
                "author", "stricken_by"
            )
        ),
        *(
            TimelineItem(c.changed_at, "status", c)
            for c in StatusChange.objects.filter(incident=incident).select_related("changed_by")
        ),
        *(
            TimelineItem(a.assessed_at, "assessment", a)
            for a in Assessment.objects.filter(incident=incident).select_related("assessed_by")
        ),
    ]
    order = {"status": 0, "assessment": 1, "log": 2}
    return sorted(items, key=lambda t: (t.at, order[t.kind]))


@dataclass(frozen=True)
class QualityReport:
    sampled: int
    reviewed: int
    average_score: float | None
    by_score: dict[int, int]
    by_officer: list[dict[str, Any]]


def quality_report(
    *, since: datetime | None = None, until: datetime | None = None
) -> QualityReport:
    """Results of resolution-without-deployment quality reviews in the period."""
    reviews = QualityReview.objects.all()
    if since:
        reviews = reviews.filter(sampled_at__gte=since)
    if until:
        reviews = reviews.filter(sampled_at__lt=until)
    done = reviews.filter(reviewed_at__isnull=False)
    by_score = {row["score"]: row["n"] for row in done.values("score").annotate(n=Count("id"))}
    by_officer = list(
        done.values("resolution__resolved_by__username")
        .annotate(reviews=Count("id"), average=Avg("score"))
        .order_by("resolution__resolved_by__username")
    )
    return QualityReport(
        sampled=reviews.count(),
        reviewed=done.count(),
        average_score=done.aggregate(a=Avg("score"))["a"],
        by_score={s: by_score.get(s, 0) for s in range(1, 6)},
        by_officer=[
            {
                "officer": row["resolution__resolved_by__username"] or "system",
                "reviews": row["reviews"],
                "average": round(row["average"], 2),
            }
            for row in by_officer
        ],
    )
