"""Reads for dispatch: the board, a crew's unit, the positions box."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet

from demandhub.accounts.models import User
from demandhub.forces.models import PolicingArea

from .models import Resource
from .positions import Bounds


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


def resources_for_board() -> QuerySet[Resource]:
    """Every unit with what the board shows of it, in call-sign order."""
    return Resource.objects.select_related("home_station__area").order_by("call_sign")


def unit_of(user: User) -> Resource | None:
    """The unit `user` is booked on to, if any."""
    return Resource.objects.select_related("home_station__area").filter(crew=user).first()


def units_to_book_on() -> QuerySet[Resource]:
    return Resource.objects.select_related("home_station").order_by("call_sign")
