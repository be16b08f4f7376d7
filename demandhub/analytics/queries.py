"""Reads for analytics. Only reads: analytics writes nothing in other apps' tables."""

from collections.abc import Iterator
from datetime import datetime

from demandhub.contacts.models import Contact


def contact_offers(*, start: datetime, end: datetime) -> Iterator[tuple[str, datetime]]:
    """(channel, offered_at) of every contact offered in [start, end), oldest first."""
    return (
        Contact.objects.filter(offered_at__gte=start, offered_at__lt=end)
        .order_by("offered_at")
        .values_list("channel", "offered_at")
        .iterator(chunk_size=5000)
    )
