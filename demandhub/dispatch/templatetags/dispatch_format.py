"""Formatting for dispatch pages: durations and ETAs the way a control room reads them."""

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    """12:05 for twelve minutes five seconds; 1:02:03 past the hour."""
    if value is None:
        return ""
    total = int(value.total_seconds())
    sign = "-" if total < 0 else ""
    minutes, seconds = divmod(abs(total), 60)
    hours, minutes = divmod(minutes, 60)
    return (
        f"{sign}{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{sign}{minutes}:{seconds:02d}"
    )


@register.filter
def minutes(seconds: float | None) -> str:
    """Whole minutes, rounded up for an ETA (a crew 4.2 minutes away is not there in 4)."""
    if seconds is None:
        return ""
    value = abs(seconds) / 60
    whole = int(value) if value == int(value) else int(value) + 1
    return str(whole)


@register.filter
def kind_label(kind: str) -> str:
    from demandhub.dispatch.models import Resource

    try:
        return str(Resource.Kind(kind).label)
    except ValueError:
        return kind
