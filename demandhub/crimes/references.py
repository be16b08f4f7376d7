"""Human crime references: CR-<YYYYMMDD>-<NNNN>, unique per day."""

from datetime import date

from django.db import transaction
from django.db.models import F

from .models import ReferenceCounter

PREFIX = "CR"


def format_reference(day: date, number: int) -> str:
    return f"{PREFIX}-{day:%Y%m%d}-{number:04d}"


def next_reference(day: date) -> str:
    """The next reference for `day`. The UPDATE locks the counter row until the caller's
    transaction ends, so concurrent callers get consecutive numbers, never the same one."""
    with transaction.atomic():
        ReferenceCounter.objects.get_or_create(day=day)
        ReferenceCounter.objects.filter(day=day).update(last=F("last") + 1)
        number = ReferenceCounter.objects.get(day=day).last
    return format_reference(day, number)
