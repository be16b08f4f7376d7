"""Reads for the dispatcher console and the supervisor's alerts: the stack of incidents awaiting
deployment, the deployed incidents with their units and response times, recommendations."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from demandhub.accounts.models import User
from demandhub.incidents import grading
from demandhub.incidents.models import Incident
from demandhub.incidents.queries import warnings_for

from . import deadlines
from .models import Assignment
from .queries import fleet_snapshot
from .recommendation import Recommendation, Target, recommend
from .requirements import required_capabilities
from .routing import configured_road_seconds

IncidentStatus = Incident.Status
DEPLOYED = (IncidentStatus.RESOURCES_ASSIGNED, IncidentStatus.AT_SCENE)
# Not yet attended: the attendance clock is still running.
UNATTENDED = (IncidentStatus.AWAITING_DEPLOYMENT, IncidentStatus.RESOURCES_ASSIGNED)
# The fleet is live: no unit belongs to an exercise, and live units are never sent to an
# exercise's incident (assignments.assign_resources refuses, training_incident).
NO_TRAINING_UNITS = (
    "Training exercise: it has no units of its own, and live units are never sent to its "
    "incidents. Practise grading and the stack; deployments are not possible."
)


def area_type_of(incident: Incident) -> str:
    return incident.area.area_type if incident.area else grading.UNKNOWN_AREA_TYPE


def target_of(incident: Incident) -> timedelta | None:
    if incident.grade is None:
        return None
    return grading.attendance_target(
        incident.grade, area_type_of(incident), force_code=settings.FORCE_CODE
    )


def annotate_countdowns(incidents: list[Incident], *, now: datetime) -> list[Incident]:
    for incident in incidents:
        target = target_of(incident)
        incident.target = target  # type: ignore[attr-defined]
        incident.warn_seconds = int(deadlines.warning_window(target).total_seconds())  # type: ignore[attr-defined]
        incident.countdown = deadlines.countdown(  # type: ignore[attr-defined]
            incident.attendance_deadline, now=now, target=target
        )
    return incidents


def incidents_awaiting_deployment(user: User | None = None) -> QuerySet[Incident]:
    """The dispatcher's stack: most urgent grade first, then the oldest. Live incidents, or a
    trainee's running exercise's (`seen_by`)."""
    return (
        Incident.objects.seen_by(user)
        .filter(status=IncidentStatus.AWAITING_DEPLOYMENT)
        .select_related("area")
        .order_by("grade", "opened_at", "pk")
    )


def deployed_incidents(user: User | None = None) -> QuerySet[Incident]:
    """Incidents with units on the way or at scene, each with its active assignments."""
    active = Assignment.objects.filter(cleared_at__isnull=True).select_related("resource")
    return (
        Incident.objects.seen_by(user)
        .filter(status__in=DEPLOYED)
        .select_related("area")
        .prefetch_related(Prefetch("assignments", queryset=active, to_attr="active_assignments"))
        .order_by("grade", "opened_at", "pk")
    )


def commitment_grades() -> dict[int, int]:
    """Resource pk -> grade of the incident it is assigned to, for every active assignment."""
    return dict(
        Assignment.objects.filter(
            cleared_at__isnull=True, incident__grade__isnull=False
        ).values_list("resource_id", "incident__grade")
    )


@dataclass
class Recommendations:
    incident: Incident
    items: list[Recommendation]
    required: frozenset[str]
    warnings: list[object]
    computed_at: datetime
    problem: str = ""


def recommendations_for(incident: Incident, *, now: datetime, limit: int = 8) -> Recommendations:
    warnings = list(warnings_for(incident))
    required = required_capabilities(incident.classification, [w.code for w in warnings])
    result = Recommendations(incident, [], required, warnings, now)
    if incident.latitude is None or incident.longitude is None:
        result.problem = "The incident has no location yet: set one to get recommendations."
        return result
    if incident.grade is None:
        result.problem = "The incident is not graded yet."
        return result
    if incident.exercise_id is not None:
        result.problem = NO_TRAINING_UNITS
        return result
    target = Target(
        latitude=incident.latitude,
        longitude=incident.longitude,
        grade=incident.grade,
        area_type=area_type_of(incident),
        required=required,
        deadline=incident.attendance_deadline,
    )
    fleet = fleet_snapshot(now=now, commitment_grades=commitment_grades())
    result.items = recommend(
        target, fleet, now=now, limit=limit, road_seconds=configured_road_seconds()
    )
    if not result.items:
        needs = f" with {', '.join(sorted(required))}" if required else ""
        result.problem = f"No suitable unit{needs} is available."
    return result


@dataclass(frozen=True)
class ResponseTimes:
    """One deployment's times from the call, against the grade's attendance target."""

    to_dispatch: timedelta
    to_arrive: timedelta | None
    target: timedelta | None
    met: bool | None


def response_times(assignment: Assignment, incident: Incident) -> ResponseTimes:
    to_arrive = assignment.arrived_at - incident.opened_at if assignment.arrived_at else None
    met = None
    if assignment.arrived_at and incident.attendance_deadline:
        met = assignment.arrived_at <= incident.attendance_deadline
    return ResponseTimes(
        to_dispatch=assignment.assigned_at - incident.opened_at,
        to_arrive=to_arrive,
        target=target_of(incident),
        met=met,
    )


@dataclass(frozen=True)
class DeadlineAlert:
    incident: Incident
    level: str
    seconds_left: int


def deadline_alerts(*, now: datetime, user: User | None = None) -> list[DeadlineAlert]:
    """Unattended incidents close to or past their attendance deadline, most pressing first."""
    candidates = (
        Incident.objects.seen_by(user)
        .filter(status__in=UNATTENDED, attendance_deadline__isnull=False)
        .select_related("area")
        .order_by("attendance_deadline")
    )
    alerts = []
    for incident in candidates:
        target = target_of(incident)
        lvl = deadlines.level(incident.attendance_deadline, now=now, target=target)
        if lvl in (deadlines.DUE_SOON, deadlines.BREACHED):
            left = int((incident.attendance_deadline - now).total_seconds())  # type: ignore[operator]
            alerts.append(DeadlineAlert(incident, lvl, left))
    return alerts


def deployments_between(start: datetime, end: datetime) -> QuerySet[Assignment]:
    """Every deployment made in [start, end), with its incident, for response-time reports."""
    return (
        Assignment.objects.filter(assigned_at__gte=start, assigned_at__lt=end)
        .filter(incident__exercise__isnull=True)  # a training exercise's are not statistics
        .select_related("incident__area", "resource")
        .order_by("assigned_at", "pk")
    )
