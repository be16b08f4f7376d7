"""Reads: the policing areas demand is placed in."""

from django.db import DatabaseError

from demandhub.forces.models import PolicingArea

from .geography import Area, demo_areas, weighted


def policing_areas() -> list[Area]:
    """The force's areas from this installation's database; the demo force's when it has none
    with a usable boundary (or no database), e.g. when driving another server."""
    try:
        rows = list(PolicingArea.objects.values_list("code", "name", "area_type", "boundary"))
    except DatabaseError:
        rows = []
    return weighted(rows) or demo_areas()
