"""Live notices to open consoles: which record changed, never its content.

Consoles re-fetch what changed through the normal, permission-checked views, so a websocket
never needs its own authorisation for content and a restricted record cannot leak through a
broadcast (../shared/STYLE.md 3.12).
"""

import json
import logging
from typing import Any

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

# A message on the channel layer stays under this, like every frame a console receives.
MAX_MESSAGE_BYTES = 2048


def _publish(group: str, message: dict[str, Any], what: str) -> None:
    """Publish now. A channel layer that is down (Redis restarting) loses the notice, never the
    change: it is committed already, and consoles re-fetch what they show when their socket
    reconnects (live.js "live:connected"), so the request still succeeds."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, message)
    except Exception:
        logger.exception("live notice %s on %r not sent: channel layer unavailable", what, group)


def send_now(group: str, kind: str, pk: int | str) -> None:
    """Publish one notice now (see _publish)."""
    _publish(group, {"type": "changed", "kind": kind, "pk": str(pk)}, f"{kind} {pk}")


def messages(changes: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The changes announced to one group, as few channel-layer messages as fit: one change as
    {"type": "changed", "kind", "pk"}, several as {"type": "changes", "changes": [...]}, in
    order, each message under MAX_MESSAGE_BYTES (one, unless a transaction touched dozens)."""
    if len(changes) == 1:
        return [{"type": "changed", **changes[0]}]
    out: list[dict[str, Any]] = []
    batch: list[dict[str, str]] = []
    size = len(json.dumps({"type": "changes", "changes": []}))
    for change in changes:
        item = len(json.dumps(change)) + 2
        if batch and size + item >= MAX_MESSAGE_BYTES:
            out.append({"type": "changes", "changes": batch})
            batch, size = [], len(json.dumps({"type": "changes", "changes": []}))
        batch.append(change)
        size += item
    out.append(
        {"type": "changes", "changes": batch} if len(batch) > 1 else {"type": "changed", **batch[0]}
    )
    return out


class _Batch:
    """What one transaction announced, by group, published once it commits: one message per
    group, each change once, in the order announced."""

    def __init__(self) -> None:
        self.groups: dict[str, dict[tuple[str, str], None]] = {}
        self.sent = False
        self.callback = self.publish  # one object, to find it among the on-commit callbacks

    def add(self, group: str, kind: str, pk: str) -> None:
        self.groups.setdefault(group, {})[(kind, pk)] = None

    def publish(self) -> None:
        if self.sent:
            return
        self.sent = True
        for group, changes in self.groups.items():
            found = [{"kind": kind, "pk": pk} for kind, pk in changes]
            for message in messages(found):
                _publish(group, message, f"{len(found)} change(s)")


def _batch_of(connection: Any) -> _Batch:
    """The open transaction's batch. Each announcement registers its on-commit callback
    (publish, which runs once: the first to run publishes all), so a savepoint rolled back
    drops only its own callbacks; a batch none of whose callbacks is still waiting (committed,
    rolled back) is done, and the next announcement starts a new one."""
    batch: _Batch | None = getattr(connection, "_live_batch", None)
    if (
        batch is None
        or batch.sent
        # From the end: this batch's latest callback is usually the last one, so a transaction
        # announcing thousands of changes does not scan thousands of callbacks each time.
        or not any(e[1] is batch.callback for e in reversed(connection.run_on_commit))
    ):
        batch = _Batch()
        connection._live_batch = batch
    transaction.on_commit(batch.callback)
    return batch


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
    """Tell consoles in `group` that `kind` happened to record `pk` once the transaction commits.

    The notices of one transaction are published together after the commit, one message per
    group. A notice announced inside a savepoint later rolled back may still go out with the
    rest: harmless, since a notice carries no content and consoles only re-fetch.
    """
    if group not in GROUPS:
        raise ValueError(f"unknown live group {group!r}; add it to realtime.GROUPS")
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        send_now(group, kind, pk)  # autocommit: the change is committed already
        return
    _batch_of(connection).add(group, kind, str(pk))
