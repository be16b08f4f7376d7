"""The incidents API: read incidents and grade them with THRIVE+, through the same actions as
the call handler's console. Raising an incident from a contact is the contact's outcome
(POST /api/contacts/{id}/outcome, outcome incident_raised)."""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from demandhub.accounts.auth import holding
from demandhub.demand.training import exercise_of

from . import actions, grading, queries
from .models import Incident
from .permissions import access_incident, can_grade

router = Router(tags=["incidents"])
MAX_LISTED = 200


class IncidentOut(Schema):
    id: int
    reference: str
    status: str
    summary: str
    classification: str
    grade: int | None
    opened_at: datetime
    graded_at: datetime | None
    attendance_deadline: datetime | None
    latitude: float | None
    longitude: float | None
    address: str
    area: str
    contact: int | None


class IncidentsQuery(Schema):
    status: list[Incident.Status] = Field(
        default_factory=list, description="only these statuses; default: every active incident"
    )


class GradeIn(Schema):
    assessment: dict[str, Any] = Field(
        ...,
        description='THRIVE+: {"elements": {"threat": {"level": "high", "rationale": "..."}, '
        '...}, "circumstances": [...], "plus": {...}}',
    )
    grade: int | None = Field(None, description="default: the grade the rules propose")
    override_reason: str = Field("", max_length=2000)


def incident_out(incident: Incident) -> IncidentOut:
    return IncidentOut(
        id=incident.pk,
        reference=incident.reference,
        status=incident.status,
        summary=incident.summary,
        classification=incident.classification,
        grade=incident.grade,
        opened_at=incident.opened_at,
        graded_at=incident.graded_at,
        attendance_deadline=incident.attendance_deadline,
        latitude=incident.latitude,
        longitude=incident.longitude,
        address=incident.address,
        area=incident.area.name if incident.area_id else "",  # type: ignore[union-attr]
        contact=incident.contact_id,
    )


@router.get(
    "",
    response=list[IncidentOut],
    summary="Active incidents, most urgent first, then oldest (at most 200)",
)
def incidents(request: HttpRequest, query: Query[IncidentsQuery]) -> list[IncidentOut]:
    if not request.user.has_perm("incidents.view_incident"):
        raise PermissionDenied
    found = queries.incidents_on_the_board(exercise_of(request.user))  # type: ignore[arg-type]
    if query.status:
        found = (
            Incident.objects.seen_by(request.user)  # type: ignore[arg-type]
            .filter(status__in=query.status)
            .select_related("area", "contact")
            .order_by("grade", "opened_at")
        )
    return [incident_out(i) for i in found[:MAX_LISTED]]


@router.get(
    "/{int:pk}",
    response=IncidentOut,
    summary="One incident",
    auth=holding("incidents.view_incident"),
)
def incident(request: HttpRequest, pk: int) -> IncidentOut:
    return incident_out(access_incident(request.user, pk))  # type: ignore[arg-type]


@router.post(
    "/{int:pk}/grade",
    response=IncidentOut,
    summary="Record the THRIVE+ assessment and grade an open incident",
    auth=holding("incidents.grade_incident"),  # the role before the body (403, not 422)
)
def grade(request: HttpRequest, pk: int, body: GradeIn) -> IncidentOut:
    found = access_incident(request.user, pk)  # type: ignore[arg-type]
    if not can_grade(request.user, found):  # type: ignore[arg-type]
        raise HttpError(409, f"{found.reference} is not open for grading.")
    try:
        assessment = grading.Assessment.from_dict(body.assessment)
    except grading.AssessmentInvalid as e:
        raise HttpError(422, str(e)) from e
    actions.grade_incident(
        found,
        by=request.user,  # type: ignore[arg-type]
        assessment=assessment,
        grade=body.grade,
        override_reason=body.override_reason,
    )
    return incident_out(access_incident(request.user, pk))  # type: ignore[arg-type]
