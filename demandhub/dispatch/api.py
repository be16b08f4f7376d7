"""The dispatch API: bulk positions from vehicle locators, the unit list, status changes."""

from datetime import datetime, timedelta
from typing import Any

import pydantic
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from ninja import Field, Router, Schema

from demandhub.accounts.auth import holding
from demandhub.core.api_schemas import InvalidRequestOut

from . import actions
from .deployment_api import router as deployment_router
from .models import Resource
from .permissions import access_resource, can_change_status, can_report_positions
from .positions import Fix, is_stale
from .queries import resources_for_board

router = Router(tags=["dispatch"])
# Deployments (recommendations, assignments, response times) live in their own module.
router.add_router("", deployment_router)

MAX_FIXES_PER_REPORT = 5000


class FixIn(Schema):
    call_sign: str = Field(..., min_length=1, max_length=16)
    latitude: float
    longitude: float
    recorded_at: datetime = Field(..., description="when the device took the fix, with a zone")
    speed_kmh: float | None = None
    heading: float | None = Field(None, description="degrees clockwise from north, 0..360")
    accuracy_m: float | None = None


class PositionsIn(Schema):
    # Items are checked one by one (see report_positions) so one malformed item cannot cost
    # the others; only the envelope is checked here.
    positions: list[dict[str, Any]] = Field(..., min_length=1, max_length=MAX_FIXES_PER_REPORT)


class FixOutcomeOut(Schema):
    index: int
    call_sign: str
    accepted: bool
    error: str


class PositionsOut(Schema):
    accepted: int
    refused: int
    results: list[FixOutcomeOut]


class ResourceOut(Schema):
    id: int
    call_sign: str
    kind: str
    capabilities: list[str]
    status: str
    status_changed_at: datetime | None
    home_station: str
    latitude: float | None
    longitude: float | None
    position_at: datetime | None
    stale: bool


class StatusIn(Schema):
    status: Resource.Status = Field(..., description="assigned is set only by an assignment")
    reason: str = Field("", max_length=500)


def _parse(index: int, item: dict[str, Any]) -> Fix | FixOutcomeOut:
    try:
        parsed = FixIn.model_validate(item)
    except pydantic.ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "item"
        call_sign = item.get("call_sign") if isinstance(item.get("call_sign"), str) else ""
        return FixOutcomeOut(
            index=index, call_sign=call_sign or "", accepted=False, error=f"{where}: {first['msg']}"
        )
    return Fix(**parsed.model_dump())


@router.post(
    "/positions",
    response={200: PositionsOut, 422: PositionsOut | InvalidRequestOut},
    summary="Report many units' positions in one request",
    auth=holding("dispatch.report_position"),  # the role before the body (403, not 422)
)
def report_positions(request: HttpRequest, body: PositionsIn) -> JsonResponse:
    """Each item is accepted or refused on its own; 200 when any is accepted, 422 when none."""
    if not can_report_positions(request.user):  # type: ignore[arg-type]
        raise PermissionDenied
    parsed = [_parse(i, item) for i, item in enumerate(body.positions)]
    fixes = [p for p in parsed if isinstance(p, Fix)]
    stored = iter(actions.report_positions(fixes, by=request.user) if fixes else [])  # type: ignore[arg-type]
    results: list[FixOutcomeOut] = []
    for index, p in enumerate(parsed):
        if isinstance(p, FixOutcomeOut):
            results.append(p)
        else:
            o = next(stored)
            results.append(
                FixOutcomeOut(
                    index=index, call_sign=o.call_sign, accepted=o.accepted, error=o.error
                )
            )
    accepted = sum(r.accepted for r in results)
    out = PositionsOut(accepted=accepted, refused=len(results) - accepted, results=results)
    return JsonResponse(out.model_dump(), status=200 if accepted else 422)


def _resource_out(r: Resource, now: datetime, max_age: timedelta) -> ResourceOut:
    return ResourceOut(
        id=r.pk,
        call_sign=r.call_sign,
        kind=r.kind,
        capabilities=list(r.capabilities),
        status=r.status,
        status_changed_at=r.status_changed_at,
        home_station=r.home_station.name,
        latitude=r.latitude,
        longitude=r.longitude,
        position_at=r.position_at,
        stale=is_stale(r.position_at, now=now, max_age=max_age),
    )


@router.get("/resources", response=list[ResourceOut], summary="Every unit, its status and position")
def resources(request: HttpRequest) -> list[ResourceOut]:
    if not request.user.has_perm("dispatch.view_resource"):
        raise PermissionDenied
    now = timezone.now()
    max_age = timedelta(seconds=settings.DISPATCH_STALE_POSITION_SECONDS)
    return [_resource_out(r, now, max_age) for r in resources_for_board()]


@router.post(
    "/resources/{int:pk}/status",
    response=ResourceOut,
    summary="Change a unit's status",
    # The roles can_change_status can ever allow, before the body (403, not 422 or 404);
    # whose unit it is follows.
    auth=holding(
        "dispatch.view_resource",
        any_of=("dispatch.change_resource_status", "dispatch.crew_resource"),
    ),
)
def change_status(request: HttpRequest, pk: int, body: StatusIn) -> ResourceOut:
    resource = access_resource(request.user, pk)  # type: ignore[arg-type]
    if not can_change_status(request.user, resource):  # type: ignore[arg-type]
        raise PermissionDenied
    resource = actions.change_status(
        resource,
        body.status,
        by=request.user,  # type: ignore[arg-type]
        reason=body.reason,
    )
    return _resource_out(
        resource, timezone.now(), timedelta(seconds=settings.DISPATCH_STALE_POSITION_SECONDS)
    )
