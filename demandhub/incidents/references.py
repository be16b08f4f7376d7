"""Human incident references: <force code>-<YYYYMMDD>-<NNNN>, unique per force and day."""

from datetime import date

from django.db import transaction
from django.db.models import F

from .models import ReferenceCounter


def format_reference(force_code: str, day: date, number: int) -> str:
    return f"{force_code}-{day:%Y%m%d}-{number:04d}"


def next_reference(force_code: str, day: date) -> str:
    """The next reference for `day`. The counter row is locked by the UPDATE until the caller's
    transaction ends, so concurrent callers get consecutive numbers, never the same one."""
    with transaction.atomic():
        ReferenceCounter.objects.get_or_create(force_code=force_code, day=day)
        ReferenceCounter.objects.filter(force_code=force_code, day=day).update(last=F("last") + 1)
        number = ReferenceCounter.objects.get(force_code=force_code, day=day).last
    return format_reference(force_code, day, number)
