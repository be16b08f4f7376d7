"""A simple per-address rate limit for the public pages, counted in Django's cache.

Fixed windows: at most `limit` requests per `period` seconds per client address and scope.
With the default local-memory cache each server process counts on its own, so N processes
allow up to N times the limit; configure a shared cache (CACHES, e.g. Redis) to count across
processes. Limits can be changed with the CONTACTS_RATE_LIMITS setting.

Every count is atomic, so concurrent requests never slip past the limit: Redis's INCR and
the local-memory cache's incr (under its lock) are; the database cache's incr is a get then
a set, so with the database cache the count is kept in its own table (RateLimitCount) and
added to in one upsert.
"""

import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.db import DatabaseCache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from demandhub.core.middleware import client_ip

from .models import RateLimitCount

# scope -> (requests, per seconds)
DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "report": (10, 600),  # submitting an online report
    "chat_start": (10, 600),  # starting a web chat
    "track": (120, 600),  # tracking pages and chat pages: slows any guessing of links
    "chat_message": (30, 60),  # messages from the public on one chat connection
}


def limits(scope: str) -> tuple[int, int]:
    configured: dict[str, tuple[int, int]] = getattr(settings, "CONTACTS_RATE_LIMITS", {})
    return configured.get(scope, DEFAULT_LIMITS[scope])


def allow(scope: str, key: str) -> bool:
    """Count one request for (scope, key); False once the window's limit is passed."""
    limit, period = limits(scope)
    window = int(time.time() // period)
    cache_key = f"demandhub:rl:{scope}:{key}:{window}"
    if isinstance(cache, DatabaseCache):
        expires_at = datetime.fromtimestamp((window + 1) * period, tz=UTC)
        return _count_in_database(cache_key, expires_at) <= limit
    cache.add(cache_key, 0, timeout=period)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period)
        count = 1
    return count <= limit


def _count_in_database(key: str, expires_at: datetime) -> int:
    """Add one to `key`'s count and return it, in one statement (an upsert, as
    incidents.references does): concurrent requests queue on the row and each sees its own
    number (PostgreSQL and SQLite 3.35+ both support INSERT ... ON CONFLICT ... RETURNING).
    The public pages and sockets count outside any transaction, so the row's lock ends with
    the statement."""
    q = connection.ops.quote_name
    table, k, n, until = (q(RateLimitCount._meta.db_table), q("key"), q("count"), q("expires_at"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({k}, {n}, {until}) VALUES (%s, 1, %s) "  # noqa: S608
            f"ON CONFLICT ({k}) DO UPDATE SET {n} = {table}.{n} + 1 "
            f"RETURNING {n}",
            [key, connection.ops.adapt_datetimefield_value(expires_at)],
        )
        (count,) = cursor.fetchone()
    if count == 1:  # a new window: clear the ones that have ended
        RateLimitCount.objects.filter(expires_at__lt=datetime.now(tz=UTC)).delete()
    return int(count)


def rate_limited(
    scope: str, *, methods: tuple[str, ...] = ("GET", "POST")
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods and not allow(scope, client_ip(request) or "unknown"):
                _, period = limits(scope)
                response = render(request, "contacts/public/too_many.html", status=429)
                response["Retry-After"] = str(period)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
