"""Human references for contacts the public quotes back: <prefix>-<YYYYMMDD>-<NNNN>, and the
private tokens in their chat and tracking links."""

import hashlib
import secrets
from datetime import date

from django.db import transaction
from django.db.models import F

from .models import Contact, ReferenceCounter

# Prefixes the public sees: WEB for online reports, CHT for web chats.
PREFIX = {Contact.Channel.ONLINE_REPORT: "WEB", Contact.Channel.WEB_CHAT: "CHT"}


def format_reference(prefix: str, day: date, number: int) -> str:
    return f"{prefix}-{day:%Y%m%d}-{number:04d}"


def next_reference(prefix: str, day: date) -> str:
    """The UPDATE locks the counter row until the caller's transaction ends, so concurrent
    callers get consecutive numbers, never the same one."""
    with transaction.atomic():
        ReferenceCounter.objects.get_or_create(prefix=prefix, day=day)
        ReferenceCounter.objects.filter(prefix=prefix, day=day).update(last=F("last") + 1)
        number = ReferenceCounter.objects.get(prefix=prefix, day=day).last
    return format_reference(prefix, day, number)


def new_public_token() -> str:
    """32 random bytes: unguessable, so the link itself is the reporter's key."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """Only the hash is stored, so a database read does not reveal working links."""
    return hashlib.sha256(token.encode()).hexdigest()
