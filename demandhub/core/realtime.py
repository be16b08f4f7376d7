"""Live notices to open consoles: which record changed, never its content.

Consoles re-fetch what changed through the normal, permission-checked views, so a websocket
never needs its own authorisation for content and a restricted record cannot leak through a
broadcast (../shared/STYLE.md 3.12).
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

# Each live group and the permission a websocket needs to join it. Apps add their groups here.
GROUPS: dict[str, str] = {
    "audit": "audit.view_event",
    "incidents": "incidents.view_incident",
    "resources": "dispatch.view_resource",
    "contacts": "contacts.view_contact",
    "crimes": "crimes.view_crimerecord",
    "safeguarding": "safeguarding.view_referral",
    "floor": "analytics.view_floor",
}


logger = logging.getLogger(__name__)


def send_now(group: str, kind: str, pk: int | str) -> None:
    """Publish now. A channel layer that is down (Redis restarting) loses the notice, never the
    change: it is committed already, and consoles re-fetch what they show when their socket
    reconnects (live.js "live:connected"), so the request still succeeds."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, {"type": "changed", "kind": kind, "pk": str(pk)})
    except Exception:
        logger.exception(
            "live notice %s %s on %r not sent: channel layer unavailable", kind, pk, group
        )


def user_group(user_pk: int) -> str:
    """The group every staff socket of one user joins (core.consumers.UserSocketMixin), so
    ending that user's sessions can close all their sockets at once."""
    return f"user.{user_pk}"


def close_user_sockets(user_pk: int) -> None:
    """After commit, close every open websocket of the user (their sessions were ended): the
    pages reconnect, and the reconnection is refused like any signed-out socket (4401)."""

    def send() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        try:
            async_to_sync(layer.group_send)(user_group(user_pk), {"type": "session.revoked"})
        except Exception:
            logger.exception("sockets of user %s not closed: channel layer unavailable", user_pk)

    transaction.on_commit(send)


def announce(group: str, kind: str, pk: int | str) -> None:
    """Tell consoles in `group` that `kind` happened to record `pk` once the transaction commits."""
    if group not in GROUPS:
        raise ValueError(f"unknown live group {group!r}; add it to realtime.GROUPS")
    transaction.on_commit(lambda: send_now(group, kind, pk))
