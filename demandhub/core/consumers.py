"""The one websocket consumer: joins a live group the user may see and forwards its notices.

A process holds ONE channel-layer subscription per live group, whatever the number of consoles
on it: a per-process hub (_Hub) joins the group with a channel of its own, reads that channel
in one task, decodes each message once, encodes its frames once, and hands the same text to
every local console of the group. The consoles never join the live group themselves (they
still join their user's group, for session revocation: UserSocketMixin). With 100 consoles a
node this is one decode and one encode a notice instead of a hundred, and no per-console
dispatch (Channels runs a database connection clean-up in a thread for every message a
consumer dispatches). If the hub's reader fails (the channel layer errs) or is cancelled, its
channel leaves the group and its consoles are closed with 1011 so the pages reconnect (to a new
reader) and re-fetch, rather than staying open and deaf.

Notices are coalesced per console: the first after a quiet spell goes out at once, as
{"type": "changed", "kind", "pk"}; those arriving within COALESCE_SECONDS of the last frame wait
and go together as {"type": "changes", "changes": [{"kind", "pk"}, ...]}, in the order they
came, in frames under MAX_FRAME_BYTES. A surge then costs a console about ten frames a second
instead of one per change, and nothing is dropped or reordered (live.js reads both shapes).
"""

import asyncio
import json
import logging
import weakref
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .realtime import GROUPS, user_group

# Close codes in the application range: the browser sees why it was refused.
NOT_SIGNED_IN = 4401
FORBIDDEN = 4403
UNKNOWN_GROUP = 4404
# The server's own failure (RFC 6455): live.js reconnects, and re-fetches what it shows.
INTERNAL_ERROR = 1011

COALESCE_SECONDS = 0.1
MAX_FRAME_BYTES = 2048
# The hub hands a frame to its consoles one after another; a socket that stops reading (its
# write buffer full) would hold up the whole group on this node until the server's ping drops
# it (uvicorn: 20 s + 20 s). Past this it is closed instead, and the others go on.
SEND_TIMEOUT_SECONDS = 5.0

logger = logging.getLogger(__name__)


def _dumps(message: dict[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"))


def frames(changes: list[dict[str, str]]) -> list[str]:
    """`changes` as websocket frames, in order: one change alone keeps the single-notice shape;
    several are packed greedily into "changes" frames each under MAX_FRAME_BYTES."""
    if len(changes) == 1:
        return [_dumps({"type": "changed", **changes[0]})]
    out: list[str] = []
    batch: list[str] = []
    size = len('{"type":"changes","changes":[]}')
    for change in changes:
        item = _dumps(change)
        if batch and size + len(item) + 1 >= MAX_FRAME_BYTES:
            out.append(_pack(batch))
            batch, size = [], len('{"type":"changes","changes":[]}')
        batch.append(item)
        size += len(item) + 1
    if len(batch) == 1:
        out.append(_dumps({"type": "changed", **json.loads(batch[0])}))
    elif batch:
        out.append(_pack(batch))
    return out


def _pack(items: list[str]) -> str:
    return '{"type":"changes","changes":[' + ",".join(items) + "]}"


class UserSocketMixin:
    """For consumers that serve a signed-in member of staff: the socket joins the user's own
    group (realtime.user_group), and ending that user's sessions (accounts.actions
    .revoke_sessions, reset_second_factor) closes it with 4401. Call join_user_group after the
    checks and before accept, leave_user_group in disconnect."""

    user_group_name: str = ""

    async def join_user_group(self) -> None:
        self.user_group_name = user_group(self.scope["user"].pk)  # type: ignore[attr-defined]
        await self.channel_layer.group_add(self.user_group_name, self.channel_name)  # type: ignore[attr-defined]

    async def leave_user_group(self) -> None:
        if self.user_group_name:
            await self.channel_layer.group_discard(self.user_group_name, self.channel_name)  # type: ignore[attr-defined]

    async def session_revoked(self, event: dict[str, Any]) -> None:
        await self.close(code=NOT_SIGNED_IN)  # type: ignore[attr-defined]


def _changes_of(message: dict[str, Any]) -> list[dict[str, str]] | None:
    """The (kind, pk) changes a live-group message carries (realtime.messages' two shapes)."""
    if message.get("type") == "changed":
        return [{"kind": message["kind"], "pk": message["pk"]}]
    if message.get("type") == "changes":
        return [{"kind": c["kind"], "pk": c["pk"]} for c in message["changes"]]
    return None


class _Subscription:
    """One live group in one process: the hub's channel in it, its reader and local consoles."""

    def __init__(self, group: str, channel: str) -> None:
        self.group = group
        self.channel = channel
        # Insertion-ordered, so consoles are served in the order they connected.
        self.consumers: dict[LiveConsumer, None] = {}
        self.reader: asyncio.Task[None] | None = None


class _Hub:
    """The fan-out of one channel layer on one event loop (in production: one per process).

    join/leave hold a lock only while a subscription is made or dropped, so a console that
    connects while the group's subscription is being set up waits for it, and the last
    console leaving and a new one arriving cannot cross."""

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.subscriptions: dict[str, _Subscription] = {}
        self.lock = asyncio.Lock()
        self.closing: set[asyncio.Future[None]] = set()

    async def join(self, group: str, consumer: "LiveConsumer") -> _Subscription:
        async with self.lock:
            subscription = self.subscriptions.get(group)
            if subscription is None:
                channel = await self.layer.new_channel(prefix="live-hub.")
                await self.layer.group_add(group, channel)
                subscription = _Subscription(group, channel)
                subscription.reader = asyncio.ensure_future(self._read(subscription))
                subscription.reader.add_done_callback(
                    lambda _, subscription=subscription: self._reader_ended(subscription)
                )
                self.subscriptions[group] = subscription
            subscription.consumers[consumer] = None
            return subscription

    async def leave(self, subscription: _Subscription, consumer: "LiveConsumer") -> None:
        # At once, before any await: nothing more is handed to this console.
        subscription.consumers.pop(consumer, None)
        async with self.lock:
            if (
                subscription.consumers
                or self.subscriptions.get(subscription.group) is not subscription
            ):
                return
            del self.subscriptions[subscription.group]
            await self._drop(subscription)

    async def _drop(self, subscription: _Subscription) -> None:
        reader = subscription.reader
        if reader is not None and reader is not asyncio.current_task():
            reader.cancel()
        try:
            await self.layer.group_discard(subscription.group, subscription.channel)
        except Exception:
            logger.exception("live group %r: leaving the channel layer failed", subscription.group)

    async def _read(self, subscription: _Subscription) -> None:
        try:
            while True:
                message = await self.layer.receive(subscription.channel)
                changes = _changes_of(message)
                if changes is None:
                    logger.warning(
                        "live group %r: ignored a %r message",
                        subscription.group,
                        message.get("type"),
                    )
                    continue
                await self._fan_out(subscription, changes)
        except asyncio.CancelledError:
            raise  # by _drop, or from outside: _reader_ended
        except Exception:
            logger.exception(
                "live group %r: reading the channel layer failed; closing its %d console(s) "
                "with %d so they reconnect",
                subscription.group,
                len(subscription.consumers),
                INTERNAL_ERROR,
            )
            await self._fail(subscription)

    def _reader_ended(self, subscription: _Subscription) -> None:
        """However the reader ended, its subscription must not stay registered: a reader that
        failed has ended it already (_fail), and _drop (the last console left) has too. One
        cancelled from outside, even before it first ran, is ended here as on a failure, so
        its consoles reconnect to a new reader and its channel leaves the group."""
        if self.subscriptions.get(subscription.group) is not subscription:
            return
        logger.warning(
            "live group %r: its reader stopped; closing its %d console(s) with %d",
            subscription.group,
            len(subscription.consumers),
            INTERNAL_ERROR,
        )
        ending = asyncio.ensure_future(self._fail(subscription))
        self.closing.add(ending)  # held until done, so it is not collected midway
        ending.add_done_callback(self.closing.discard)

    async def _fan_out(self, subscription: _Subscription, changes: list[dict[str, str]]) -> None:
        """Encode once; every console free to send now gets the same frames, the others queue
        the changes for their coalesced frame."""
        sends: list[dict[str, str]] | None = None
        for consumer in list(subscription.consumers):
            if not consumer.offer(changes):
                continue
            if sends is None:
                sends = [{"type": "websocket.send", "text": f} for f in frames(changes)]
            try:
                async with asyncio.timeout(SEND_TIMEOUT_SECONDS):
                    for send in sends:
                        await consumer.base_send(send)
            except TimeoutError:
                logger.warning(
                    "live group %r: a console took no frame for %s s; closing it",
                    subscription.group,
                    SEND_TIMEOUT_SECONDS,
                )
                subscription.consumers.pop(consumer, None)
                # In a task of its own: the close frame may wait on the same stuck socket.
                closing = asyncio.ensure_future(consumer.close_for_error())
                self.closing.add(closing)  # held until done, so it is not collected mid-close
                closing.add_done_callback(self.closing.discard)
            except Exception:
                # That socket is closing (the client went away); its disconnect unregisters it.
                logger.debug("live group %r: a console did not take its frame", subscription.group)

    async def _fail(self, subscription: _Subscription) -> None:
        """End a subscription whose reader stopped: a later console gets a new one, the old
        channel leaves the group first (so closing a console that errs cannot leave it behind
        for every later reader to sit beside), then its consoles are closed."""
        if self.subscriptions.get(subscription.group) is subscription:
            del self.subscriptions[subscription.group]
        consumers = list(subscription.consumers)
        subscription.consumers.clear()
        await self._drop(subscription)
        for consumer in consumers:
            try:
                await consumer.close_for_error()
            except Exception:
                logger.exception("live group %r: closing a console failed", subscription.group)


# One hub per channel layer and event loop (uvicorn runs one loop a process; tests one a test).
_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, _Hub]]" = (
    weakref.WeakKeyDictionary()
)


def hub_for(layer: Any) -> _Hub:
    by_layer = _hubs.setdefault(asyncio.get_running_loop(), {})
    hub = by_layer.get(id(layer))
    if hub is None or hub.layer is not layer:
        hub = by_layer[id(layer)] = _Hub(layer)
    return hub


class LiveConsumer(UserSocketMixin, AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    """/ws/live/<group>/: a signed-in user holding the group's permission (realtime.GROUPS).

    The group's notices come from the process's hub (offer), not through this consumer's own
    channel, which carries only its user's group (session.revoked)."""

    group: str = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pending: list[dict[str, str]] = []
        self.last_frame_at = float("-inf")
        self.flusher: asyncio.Task[None] | None = None
        self.subscription: _Subscription | None = None
        self.hub: _Hub | None = None
        self.closing = False

    async def connect(self) -> None:
        user = self.scope.get("user")
        group = self.scope["url_route"]["kwargs"]["group"]
        if user is None or not user.is_authenticated:
            await self.close(code=NOT_SIGNED_IN)
            return
        if group not in GROUPS:
            await self.close(code=UNKNOWN_GROUP)
            return
        # database_sync_to_async (not Django's ahas_perm) so the thread's connection is
        # released like any other request's.
        if not await database_sync_to_async(user.has_perm)(GROUPS[group]):
            await self.close(code=FORBIDDEN)
            return
        self.group = group
        await self.join_user_group()
        self.hub = hub_for(self.channel_layer)
        try:
            self.subscription = await self.hub.join(group, self)
        except Exception:
            logger.exception("live group %r: joining the channel layer failed", group)
            await self.close(code=INTERNAL_ERROR)
            return
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self._stop()
        await self.leave_user_group()

    async def _stop(self) -> None:
        """No more notices: leave the hub, drop what waits for a coalesced frame."""
        self.closing = True
        if self.flusher is not None:
            self.flusher.cancel()
            self.flusher = None
        self.pending = []
        subscription, self.subscription = self.subscription, None
        if subscription is not None and self.hub is not None:
            await self.hub.leave(subscription, self)

    async def session_revoked(self, event: dict[str, Any]) -> None:
        # Notices still waiting for their coalesced frame are dropped: the user's sessions are
        # over, and the page re-fetches everything if it signs in again.
        await self._stop()
        await super().session_revoked(event)

    async def close_for_error(self) -> None:
        """The hub can no longer feed this console: close it so the page reconnects."""
        await self._stop()
        try:
            await self.close(code=INTERNAL_ERROR)
        except Exception:
            logger.debug("live group %r: a console was already closed", self.group)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        # Consoles only listen; a ping keeps idle connections open through proxies.
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_json({"type": "error", "detail": "this socket only accepts ping"})

    def offer(self, changes: list[dict[str, str]]) -> bool:
        """The hub hands over a group message's changes. True: send its frames now (the hub
        sends the frames it encoded once); False: taken for a coalesced frame, or closing."""
        if self.closing:
            return False
        if self.flusher is not None:
            self.pending.extend(changes)  # a frame is due shortly and will carry these too
            return False
        now = asyncio.get_running_loop().time()
        wait = self.last_frame_at + COALESCE_SECONDS - now
        if wait <= 0:
            self.last_frame_at = now
            return True
        self.pending.extend(changes)
        self.flusher = asyncio.ensure_future(self._send_later(wait))
        return False

    async def _send_later(self, wait: float) -> None:
        await asyncio.sleep(wait)
        # Only this task sends notices while it lives; those that arrive during a send join
        # the next frame, a window later.
        while self.pending:
            await self._send_pending()
            if self.pending:
                await asyncio.sleep(COALESCE_SECONDS)
        self.flusher = None

    async def _send_pending(self) -> None:
        changes, self.pending = self.pending, []
        self.last_frame_at = asyncio.get_running_loop().time()
        for frame in frames(changes):
            await self.send(text_data=frame)
