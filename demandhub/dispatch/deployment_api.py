"""The dispatch API for deployments: recommendations, assigning units, standing them down,
reassigning them."""

from datetime import UTC, datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from demandhub.accounts.auth import holding
from demandhub.core.api_schemas import InvalidRequestOut
from demandhub.incidents.permissions import access_incident

from . import assignments, stack
from .models import Assignment, Resource

router = Router(tags=["dispatch"])


class RecommendationOut(Schema):
    resource_id: int
    call_sign: str
    kind: str
    status: str
    distance_km: float
    eta_seconds: float = Field(..., description="turn-out plus travel")
    turnout_seconds: float = Field(..., description="of eta_seconds, before the unit is moving")
    eta_source: str
    arrives_at: datetime
    margin_seconds: float | None
    diversion: bool
    position_stale: bool


class RecommendationsOut(Schema):
    incident: str
    required_capabilities: list[str]
    warnings: list[str]
    problem: str
    recommendations: list[RecommendationOut]


class AssignIn(Schema):
    call_signs: list[str] = Field(..., min_length=1, max_length=20)


class AssignmentOut(Schema):
    id: int
    incident: str
    call_sign: str
    assigned_at: datetime
    diversion: bool
    en_route_at: datetime | None
    arrived_at: datetime | None
    cleared_at: datetime | None
    clear_reason: str


class ActiveAssignmentOut(AssignmentOut):
    incident_id: int
    incident_status: str
    incident_grade: int | None
    incident_latitude: float | None
    incident_longitude: float | None
    resource_id: int
    resource_status: str


class ResponseTimeOut(Schema):
    assignment_id: int
    incident: str
    grade: int | None
    area_type: str
    call_sign: str
    diversion: bool
    assigned_at: datetime
    arrived_at: datetime | None
    seconds_to_dispatch: int
    seconds_to_arrive: int | None
    target_seconds: int | None
    met: bool | None


class ResponseTimesQuery(Schema):
    start: datetime | None = Field(None, description="from this instant; default: end - 24 h")
    end: datetime | None = Field(None, description="until this one (within 31 days); default: now")


class StandDownIn(Schema):
    reason: str = Field("", max_length=200)


class ReassignIn(Schema):
    incident_id: int = Field(..., ge=1, le=2**63 - 1, description="the incident to send it to")


def _require_dispatcher(request: HttpRequest) -> None:
    if not request.user.has_perm("dispatch.assign_resource"):
        raise PermissionDenied


def _out(a: Assignment) -> AssignmentOut:
    return AssignmentOut(
        id=a.pk,
        incident=a.incident.reference,
        call_sign=a.resource.call_sign,
        assigned_at=a.assigned_at,
        diversion=a.diversion,
        en_route_at=a.en_route_at,
        arrived_at=a.arrived_at,
        cleared_at=a.cleared_at,
        clear_reason=a.clear_reason,
    )


@router.get(
    "/incidents/{int:pk}/recommendations",
    response=RecommendationsOut,
    summary="Suitable units for an incident, soonest arrival first",
)
def recommendations(request: HttpRequest, pk: int) -> RecommendationsOut:
    _require_dispatcher(request)
    incident = access_incident(request.user, pk)  # type: ignore[arg-type]
    found = stack.recommendations_for(incident, now=timezone.now())
    return RecommendationsOut(
        incident=incident.reference,
        required_capabilities=sorted(found.required),
        warnings=[w.code for w in found.warnings],  # type: ignore[attr-defined]
        problem=found.problem,
        recommendations=[
            RecommendationOut(
                resource_id=r.unit.pk,
                call_sign=r.unit.call_sign,
                kind=r.unit.kind,
                status=r.unit.status,
                distance_km=round(r.distance_km, 3),
                eta_seconds=round(r.eta_seconds, 1),
                turnout_seconds=round(r.turnout_seconds, 1),
                eta_source=r.eta_source,
                arrives_at=r.arrives_at,
                margin_seconds=None if r.margin_seconds is None else round(r.margin_seconds, 1),
                diversion=r.diversion,
                position_stale=r.unit.stale,
            )
            for r in found.items
        ],
    )


@router.post(
    "/incidents/{int:pk}/assignments",
    response={201: list[AssignmentOut], 422: InvalidRequestOut},
    summary="Assign one or more units to an incident, all or none",
    auth=holding("dispatch.assign_resource"),  # the role before the body (403, not 422)
)
def assign(request: HttpRequest, pk: int, body: AssignIn) -> JsonResponse:
    _require_dispatcher(request)
    incident = access_incident(request.user, pk)  # type: ignore[arg-type]
    wanted = {c.strip().upper() for c in body.call_signs}
    units = list(Resource.objects.filter(call_sign__in=wanted))
    missing = wanted - {u.call_sign for u in units}
    if missing:
        detail = f"No unit has the call sign {', '.join(sorted(missing))}."
        return JsonResponse({"detail": detail}, status=422)
    made = assignments.assign_resources(incident, units, by=request.user)  # type: ignore[arg-type]
    return JsonResponse([_out(a).model_dump() for a in made], safe=False, status=201)


@router.get(
    "/assignments",
    response=list[ActiveAssignmentOut],
    summary="Every unit's current deployment and where its incident is (the crews' jobs)",
)
def active_assignments(request: HttpRequest) -> list[ActiveAssignmentOut]:
    if not request.user.has_perm("dispatch.view_resource"):
        raise PermissionDenied
    found = (
        Assignment.objects.filter(cleared_at__isnull=True)
        .select_related("incident", "resource")
        .order_by("assigned_at", "pk")
    )
    return [
        ActiveAssignmentOut(
            **_out(a).model_dump(),
            incident_id=a.incident_id,
            incident_status=a.incident.status,
            incident_grade=a.incident.grade,
            incident_latitude=a.incident.latitude,
            incident_longitude=a.incident.longitude,
            resource_id=a.resource_id,
            resource_status=a.resource.status,
        )
        for a in found
    ]


@router.post(
    "/assignments/{int:pk}/stand-down", response=AssignmentOut, summary="Stand a unit down"
)
def stand_down(request: HttpRequest, pk: int, body: StandDownIn) -> AssignmentOut:
    _require_dispatcher(request)
    assignment = get_object_or_404(Assignment.objects.select_related("resource"), pk=pk)
    access_incident(request.user, assignment.incident_id)  # type: ignore[arg-type]
    done = assignments.stand_down(assignment, by=request.user, reason=body.reason)  # type: ignore[arg-type]
    return _out(Assignment.objects.select_related("incident", "resource").get(pk=done.pk))


@router.post(
    "/assignments/{int:pk}/reassign",
    response={200: AssignmentOut, 422: InvalidRequestOut},
    summary="Move a deployed unit to another incident in one step",
)
def reassign(request: HttpRequest, pk: int, body: ReassignIn) -> AssignmentOut | JsonResponse:
    _require_dispatcher(request)
    assignment = get_object_or_404(Assignment.objects.select_related("resource"), pk=pk)
    access_incident(request.user, assignment.incident_id)  # type: ignore[arg-type]
    try:
        to = access_incident(request.user, body.incident_id)  # type: ignore[arg-type]
    except Http404:  # unknown, or not one this user may see: the same answer
        detail = f"No incident {body.incident_id} to send {assignment.resource.call_sign} to."
        return JsonResponse({"detail": detail}, status=422)
    made = assignments.reassign(assignment, to, by=request.user)  # type: ignore[arg-type]
    return _out(Assignment.objects.select_related("incident", "resource").get(pk=made.pk))


@router.get(
    "/response-times",
    response=list[ResponseTimeOut],
    summary="Time to dispatch and to arrive for every deployment, against the grade's target",
)
def response_times(request: HttpRequest, query: Query[ResponseTimesQuery]) -> list[ResponseTimeOut]:
    if not request.user.has_perm("dispatch.view_response_times"):
        raise PermissionDenied
    try:
        # In UTC: PostgreSQL refuses offsets beyond +-15:59, which ISO 8601 allows.
        end = (query.end or timezone.now()).astimezone(UTC)
        start = (query.start or end - timedelta(hours=24)).astimezone(UTC)
    except (OverflowError, ValueError) as error:
        message = "start and end must be moments between the years 1 and 9999."
        raise HttpError(422, message) from error
    if end <= start or end - start > timedelta(days=31):
        raise HttpError(422, "end must be after start, and at most 31 days later.")
    out = []
    for a in stack.deployments_between(start, end):
        times = stack.response_times(a, a.incident)
        out.append(
            ResponseTimeOut(
                assignment_id=a.pk,
                incident=a.incident.reference,
                grade=a.incident.grade,
                area_type=stack.area_type_of(a.incident),
                call_sign=a.resource.call_sign,
                diversion=a.diversion,
                assigned_at=a.assigned_at,
                arrived_at=a.arrived_at,
                seconds_to_dispatch=int(times.to_dispatch.total_seconds()),
                seconds_to_arrive=(
                    int(times.to_arrive.total_seconds()) if times.to_arrive is not None else None
                ),
                target_seconds=int(times.target.total_seconds()) if times.target else None,
                met=times.met,
            )
        )
    return out
