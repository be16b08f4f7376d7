"""Site-wide views: health check and the error pages (a message, never a traceback)."""

import asyncio
import logging
import sys
import uuid
import weakref
from typing import Any

from channels.layers import get_channel_layer
from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET

from . import realtime

logger = logging.getLogger(__name__)

# The database refused or lost the connection (PostgreSQL restarting, out of connections):
# the request failed before changing anything, and a retry shortly after is expected to work.
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5

# How long the channel layer may take to carry the probe message before it counts as down.
CHANNEL_LAYER_TIMEOUT = 2.0


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("health check: the database did not answer")
        # A broken connection must not be reused by the next request on this thread.
        connection.close_if_unusable_or_obsolete()
        return False


class _Probe:
    """One channel and its lock per event loop and channel layer, made once: a probe sends a
    token to the channel and waits for it to come back, one probe at a time (a round trip
    takes well under a millisecond), so no request leaves a channel (a Redis subscription)
    behind."""

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.channel = ""
        self.lock = asyncio.Lock()

    async def round_trip(self) -> bool:
        async with self.lock:
            try:
                if not self.channel:
                    self.channel = await self.layer.new_channel("healthz.")
                token = uuid.uuid4().hex
                await self.layer.send(self.channel, {"type": "healthz.probe", "token": token})
                while True:  # a probe that timed out may have left its answer behind
                    message = await self.layer.receive(self.channel)
                    if message.get("token") == token:
                        return True
            except BaseException:
                # A timed-out receive unsubscribes the channel (channels_redis), and Redis may
                # have restarted: the next probe starts on a new channel.
                self.channel = ""
                raise


_probes: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Probe]" = (
    weakref.WeakKeyDictionary()
)


async def _round_trip() -> bool:
    layer = get_channel_layer()
    if layer is None:
        return False
    loop = asyncio.get_running_loop()
    probe = _probes.get(loop)
    if probe is None or probe.layer is not layer:  # new settings (tests) mean a new layer
        probe = _probes[loop] = _Probe(layer)
    return await probe.round_trip()


def _channel_layer_ok() -> bool:
    """A message sent through the channel layer (Redis, when configured) comes back, on the
    process's long-lived event loop (realtime.run), as the live notices go."""
    try:
        return bool(realtime.run(_round_trip, timeout=CHANNEL_LAYER_TIMEOUT))
    except Exception:
        logger.exception("health check: the channel layer did not carry a message")
        return False


@require_GET
@login_not_required  # public: load balancers probe it; it names the parts that failed, no more
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers and the channel layer carries a message; 503 naming
    which of them failed otherwise (the reasons go to the log, not to the prober)."""
    checks = {
        "database": "ok" if _database_ok() else "unavailable",
        "channel_layer": "ok" if _channel_layer_ok() else "unavailable",
    }
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": message}, status=status)
    return render(
        request, "error.html", {"status": status, "title": title, "message": message}, status=status
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "Bad request", "The request could not be understood.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request, 403, "Not allowed", "Your role does not allow this. Ask a supervisor if it should."
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "Not found", "There is nothing at this address.")


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After. Rendered without touching the database (no base.html, whose
    chrome reads the signed-in user), and the broken connection is dropped so the next request
    on this thread opens a fresh one."""
    connection.close_if_unusable_or_obsolete()
    message = "The database is not answering just now. Nothing was changed; try again shortly."
    response: HttpResponse
    if _wants_json(request):
        response = JsonResponse({"detail": message, "code": "database_unavailable"}, status=503)
    else:
        html = render_to_string("unavailable.html", {"message": message})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's last resort for an exception no view or middleware handled (it is still the
    one being handled here): the database being down is a 503, anything else a 500."""
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return database_unavailable(request)
    return _error(
        request,
        500,
        "Something went wrong",
        "The error has been logged. Nothing you had saved is lost; try again.",
    )
