"""Reads of the organisation reference data."""

from django.db.models import Count, QuerySet

from .models import PolicingArea


def areas_with_stations() -> QuerySet[PolicingArea]:
    return (
        PolicingArea.objects.select_related("force")
        .prefetch_related("stations")
        .annotate(resource_count=Count("stations__resources"))
        .order_by("force__name", "name")
    )
