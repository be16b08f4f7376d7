"""Reads for dispatch: the board, a crew's unit, the positions box."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from demandhub.accounts.models import User
from demandhub.demand.training import exercise_of
from demandhub.forces.models import PolicingArea

from .models import Resource
from .positions import Bounds, haversine_km, is_stale
from .recommendation import Fleet, Unit
from .travel import turnout_table


def position_bounds() -> Bounds | None:
    """The box reported positions must fall in: the setting, else the force's areas widened."""
    if settings.DISPATCH_POSITION_BOUNDS:
        try:
            return Bounds.parse(settings.DISPATCH_POSITION_BOUNDS)
        except ValueError as e:
            raise ImproperlyConfigured(f"DISPATCH_POSITION_BOUNDS: {e}") from e
    points = [
        (lat, lon)
        for boundary in PolicingArea.objects.values_list("boundary", flat=True)
        for ring in (boundary or {}).get("coordinates", [])[:1]
        for lon, lat in ring
    ]
    box = Bounds.around(points)
    return box.widened(settings.DISPATCH_POSITION_MARGIN_KM) if box else None


def turnout() -> dict[str, float]:
    """Turn-out seconds: travel.TURNOUT_SECONDS with DISPATCH_TURNOUT_SECONDS applied."""
    try:
        return turnout_table(settings.DISPATCH_TURNOUT_SECONDS)
    except (ValueError, AttributeError) as e:
        raise ImproperlyConfigured(f"DISPATCH_TURNOUT_SECONDS: {e}") from e


def resources_for_board(user: User | None = None) -> QuerySet[Resource]:
    """Every unit with what the board shows of it, in call-sign order. None for a trainee in
    a running exercise: every unit is live, and an exercise has no fleet of its own."""
    qs = Resource.objects.select_related("home_station__area").prefetch_related("crew")
    if in_training(user):
        qs = qs.none()
    return qs.order_by("call_sign")


def in_training(user: User | None) -> bool:
    """Whether `user` is a trainee in (or the gateway of) a running exercise."""
    return exercise_of(user) is not None


def unit_of(user: User) -> Resource | None:
    """The unit `user` is booked on to, if any."""
    return Resource.objects.select_related("home_station__area").filter(crew=user).first()


def units_to_book_on() -> QuerySet[Resource]:
    return Resource.objects.select_related("home_station").order_by("call_sign")


def fleet_snapshot(*, now: datetime, commitment_grades: dict[int, int] | None = None) -> Fleet:
    """Every on-duty unit as the recommender needs it, in one query.

    A unit that has never reported is placed at its home station (located=False); it is at
    its station then, or when its latest fix is within DISPATCH_AT_STATION_METRES of it.
    commitment_grades: resource pk -> grade of the incident it is committed to.
    """
    grades = commitment_grades or {}
    beside_km = settings.DISPATCH_AT_STATION_METRES / 1000
    max_age = timedelta(seconds=settings.DISPATCH_STALE_POSITION_SECONDS)
    rows = (
        Resource.objects.exclude(status=Resource.Status.OFF_DUTY)
        .values_list(
            "pk",
            "call_sign",
            "kind",
            "capabilities",
            "status",
            "latitude",
            "longitude",
            "position_at",
            "home_station__latitude",
            "home_station__longitude",
        )
        .order_by("call_sign")
    )
    units = [
        Unit(
            pk=pk,
            call_sign=call_sign,
            kind=kind,
            capabilities=frozenset(capabilities or ()),
            status=status,
            latitude=lat if at is not None else home_lat,
            longitude=lon if at is not None else home_lon,
            located=at is not None,
            stale=is_stale(at, now=now, max_age=max_age),
            at_station=at is None or haversine_km(lat, lon, home_lat, home_lon) <= beside_km,
            commitment_grade=grades.get(pk),
        )
        for pk, call_sign, kind, capabilities, status, lat, lon, at, home_lat, home_lon in rows
    ]
    return Fleet(units, turnout=turnout())
