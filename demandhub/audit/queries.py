"""Reads of the audit trail."""

from django.db.models import QuerySet

from .models import Event


def events_for_review(
    *, action: str = "", actor: str = "", subject_type: str = "", subject_id: str = ""
) -> QuerySet[Event]:
    """Newest first, filtered as the audit console asks."""
    events = Event.objects.select_related("actor").order_by("-id")
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(actor__username=actor)
    if subject_type:
        events = events.filter(subject_type=subject_type)
    if subject_id:
        events = events.filter(subject_id=subject_id)
    return events


def events_in_chain_order() -> QuerySet[Event]:
    return Event.objects.order_by("id")
