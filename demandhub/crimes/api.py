"""The crimes API: read a crime, the IMU queue, and the IMU's and officer's decisions.
Domain errors answer 409 with the reason (config/api.py); the crime is then unchanged."""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from demandhub.accounts import need_to_know
from demandhub.accounts.auth import holding
from demandhub.forces.models import PolicingArea

from . import actions, linking, queries
from .models import CrimeRecord
from .permissions import access_crime, can_investigate, can_review

router = Router(tags=["crimes"])


def _shown(crime: CrimeRecord) -> bool:
    """False for a restricted crime in a list (need_to_know.redact): reference only."""
    return not getattr(crime, "ntk_restricted", False)


# The role is checked before the body is read or the crime looked up (403 before 422 or 404);
# the record's own rules (its status, whose it is) follow in permissions.py.
REVIEWERS = holding("crimes.review_crime")


class CrimeOut(Schema):
    """A crime record. In lists, a restricted crime carries `restricted` and its reference,
    status and dates only: no offence, place, area or officer."""

    id: int
    reference: str
    restricted: bool = False
    status: str
    source: str
    offence_code: str
    offence: str
    reported_at: datetime
    recording_deadline: datetime
    recording_decision: str
    latitude: float | None
    longitude: float | None
    area: str | None
    officer: str | None
    outcome_code: str
    victim_told_on: date | None

    @staticmethod
    def resolve_restricted(crime: CrimeRecord) -> bool:
        listed = getattr(crime, "ntk_restricted", None)
        return need_to_know.is_restricted(crime) if listed is None else listed

    @staticmethod
    def resolve_offence(crime: CrimeRecord) -> str:
        return crime.offence if _shown(crime) else ""

    @staticmethod
    def resolve_offence_code(crime: CrimeRecord) -> str:
        return crime.offence_code if _shown(crime) else ""

    @staticmethod
    def resolve_latitude(crime: CrimeRecord) -> float | None:
        return crime.latitude if _shown(crime) else None

    @staticmethod
    def resolve_longitude(crime: CrimeRecord) -> float | None:
        return crime.longitude if _shown(crime) else None

    @staticmethod
    def resolve_area(crime: CrimeRecord) -> str | None:
        return crime.area.code if crime.area and _shown(crime) else None

    @staticmethod
    def resolve_officer(crime: CrimeRecord) -> str | None:
        return crime.officer.username if crime.officer and _shown(crime) else None


class FileIn(Schema):
    reason: str
    outcome_code: str


class AllocateIn(Schema):
    area: str  # policing area code
    override_reason: str = ""


class OutcomeIn(Schema):
    outcome_code: str
    victim_told_on: date | None = None
    note: str = ""


class SuggestionOut(Schema):
    reference: str
    score: float
    text: float
    near: float
    metres: float | None
    days: float | None


def _user(request: HttpRequest):  # type: ignore[no-untyped-def]
    return request.user


@router.get("/review-queue", response=list[CrimeOut], summary="Crimes awaiting IMU review")
def review_queue(request: HttpRequest) -> list[CrimeRecord]:
    if not request.user.has_perm("crimes.review_crime"):
        raise PermissionDenied
    return need_to_know.redact(
        queries.crimes_awaiting_review(_user(request)).select_related("area", "officer")[:500]
    )


@router.get(
    "/{int:pk}",
    response=CrimeOut,
    summary="A crime record",
    auth=holding("crimes.view_crimerecord"),
)
def crime(request: HttpRequest, pk: int) -> CrimeRecord:
    return access_crime(_user(request), pk)


@router.post(
    "/{int:pk}/file",
    response=CrimeOut,
    summary="File with a reason and outcome code",
    auth=REVIEWERS,
)
def file(request: HttpRequest, pk: int, body: FileIn) -> CrimeRecord:
    record = access_crime(_user(request), pk)
    if not can_review(_user(request), record):
        raise PermissionDenied
    return actions.file_crime(
        record, by=_user(request), reason=body.reason, outcome_code=body.outcome_code
    )


@router.post(
    "/{int:pk}/allocate",
    response=CrimeOut,
    summary="Allocate to a policing area",
    auth=REVIEWERS,
)
def allocate(request: HttpRequest, pk: int, body: AllocateIn) -> CrimeRecord:
    record = access_crime(_user(request), pk)
    if not can_review(_user(request), record):
        raise PermissionDenied
    area = get_object_or_404(PolicingArea, code=body.area)
    return actions.allocate_crime(
        record, by=_user(request), area=area, override_reason=body.override_reason
    )


@router.post(
    "/{int:pk}/outcome",
    response=CrimeOut,
    summary="Close with a Home Office outcome",
    # The assigned officer or a sergeant of the area (permissions.can_investigate).
    auth=holding(any_of=("crimes.investigate_crime", "crimes.assign_crime")),
)
def outcome(request: HttpRequest, pk: int, body: OutcomeIn) -> CrimeRecord:
    record = access_crime(_user(request), pk)
    if not can_investigate(_user(request), record):
        raise PermissionDenied
    return actions.close_crime(
        record,
        by=_user(request),
        outcome_code=body.outcome_code,
        victim_told_on=body.victim_told_on,
        note=body.note,
    )


@router.get(
    "/{int:pk}/suggestions",
    response=list[SuggestionOut],
    summary="Possibly linked crimes",
    auth=holding("crimes.link_crime"),
)
def suggestions(request: HttpRequest, pk: int) -> list[dict[str, object]]:
    record = access_crime(_user(request), pk)
    if not request.user.has_perm("crimes.link_crime"):
        raise PermissionDenied
    found = linking.suggestions_for(record)
    refs = dict(
        CrimeRecord.objects.filter(pk__in=[s.crime_id for s in found]).values_list(
            "pk", "reference"
        )
    )
    return [{**s.__dict__, "reference": refs[s.crime_id]} for s in found if s.crime_id in refs]
