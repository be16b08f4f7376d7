"""Live notices to open consoles: which record changed, never its content.

Consoles re-fetch what changed through the normal, permission-checked views, so a websocket
never needs its own authorisation for content and a restricted record cannot leak through a
broadcast (../shared/STYLE.md 3.12).
"""

import asyncio
import json
import logging
import os
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from asgiref.sync import SyncToAsync
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


# How long a publish may take before the caller stops waiting for it (it is logged as lost).
PUBLISH_TIMEOUT = 5.0

T = TypeVar("T")


class _Loop:
    """The process's own event loop, on a daemon thread, for code that has none (a WSGI worker,
    a management command, a test): the channel layer keeps one connection per event loop
    (channels_redis's pub/sub layer), so publishing through one long-lived loop reuses one
    Redis connection for every publish of the process, where async_to_sync would build a new
    thread, loop and connection for each. Started on first use, and again in a forked child
    (gunicorn's workers), whose copy of the parent's thread does not run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = 0
        self.started = 0  # loops started in this process (tests count them)

    def get(self) -> asyncio.AbstractEventLoop:
        loop = self._loop
        if loop is not None and self._pid == os.getpid():
            return loop
        with self._lock:
            if self._loop is None or self._pid != os.getpid():
                self._loop = self._start()
                self._pid = os.getpid()
            return self._loop

    def _start(self) -> asyncio.AbstractEventLoop:
        loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(loop)
            loop.call_soon(ready.set)
            loop.run_forever()

        threading.Thread(target=run, name="demandhub-realtime", daemon=True).start()
        ready.wait()
        self.started += 1
        return loop

    def forget(self) -> None:
        """In a forked child: the parent's loop (and its connections) are not ours to use or
        close; the next publish starts a loop of the child's own."""
        self._loop, self._pid = None, 0


LOOP = _Loop()
os.register_at_fork(after_in_child=LOOP.forget)

# Tasks started from inside a running event loop, held until done (asyncio keeps only weak
# references to tasks).
_background: set["asyncio.Task[Any]"] = set()


def _server_loop() -> asyncio.AbstractEventLoop | None:
    """The ASGI server's event loop when this is its sync code (a view run by sync_to_async):
    publishing there shares the connection the websockets already use, and the in-memory layer
    of the embedded server works only on the loop its consumers wait on."""
    threadlocal = SyncToAsync.threadlocal
    if getattr(threadlocal, "main_event_loop_pid", None) != os.getpid():
        return None
    loop: asyncio.AbstractEventLoop | None = getattr(threadlocal, "main_event_loop", None)
    return loop if loop is not None and loop.is_running() else None


def run(
    work: Callable[[], Awaitable[T]], *, timeout: float = PUBLISH_TIMEOUT, failed: str = ""
) -> T | None:
    """Run `work()` on the process's event loop and return its result: the ASGI server's loop
    for its sync code, else the process's own (LOOP). Called from inside a running loop (async
    code calling sync code), it is started there as a task and not waited for, so the loop is
    never blocked: None, and a failure is logged as `failed`."""
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is not None:
        task = running.create_task(work())  # type: ignore[arg-type]
        _background.add(task)
        task.add_done_callback(lambda t: _log_failure(t, failed))
        return None
    loop = _server_loop() or LOOP.get()

    async def bounded() -> T:
        return await asyncio.wait_for(work(), timeout)

    future = asyncio.run_coroutine_threadsafe(bounded(), loop)
    try:
        return future.result(timeout + 1)
    except FutureTimeout:
        future.cancel()
        raise TimeoutError(f"no answer from the channel layer within {timeout:g} s") from None


def _log_failure(task: "asyncio.Task[Any]", failed: str) -> None:
    _background.discard(task)
    if not task.cancelled() and (error := task.exception()) is not None:
        logger.error("%s", failed or "channel layer call failed", exc_info=error)


def _publish(group: str, message: dict[str, Any], what: str) -> None:
    """Publish now (see _publish_all)."""
    _publish_all([(group, message, what)])


def _publish_all(sends: list[tuple[str, dict[str, Any], str]]) -> None:
    """Publish (group, message, what) in order, now, in one trip to the event loop (a trip
    costs more than the in-memory layer's send). A channel layer that is down (Redis
    restarting) loses the notice, never the change: it is committed already, and consoles
    re-fetch what they show when their socket reconnects (live.js "live:connected"), so the
    request still succeeds. Each send has PUBLISH_TIMEOUT of its own."""
    layer = get_channel_layer()
    if layer is None or not sends:
        return

    async def send_all() -> None:
        for group, message, what in sends:
            try:
                await asyncio.wait_for(layer.group_send(group, message), PUBLISH_TIMEOUT)
            except Exception:
                logger.exception("%s", _failed(group, what))

    failed = _failed(sends[0][0], sends[0][2])
    try:
        run(send_all, timeout=PUBLISH_TIMEOUT * len(sends), failed=failed)
    except Exception:
        logger.exception("%s", failed)


def _failed(group: str, what: str) -> str:
    return f"live notice {what} on {group!r} not sent: channel layer unavailable"


def send(group: str, message: dict[str, Any], what: str) -> None:
    """Send one channel-layer message to `group` now, on the process's event loop (run), for
    the groups that carry content of their own (a chat's messages, scene signalling) rather
    than the live notices. A layer that is down loses it, logged, and the caller carries on:
    what it describes is stored, and those pages catch up when their socket reconnects."""
    _publish(group, message, what)


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
        sends = []
        for group, changes in self.groups.items():
            found = [{"kind": kind, "pk": pk} for kind, pk in changes]
            sends.extend((group, message, f"{len(found)} change(s)") for message in messages(found))
        _publish_all(sends)


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
        failed = f"sockets of user {user_pk} not closed: channel layer unavailable"
        message = {"type": "session.revoked"}
        try:
            run(lambda: layer.group_send(user_group(user_pk), message), failed=failed)
        except Exception:
            logger.exception("%s", failed)

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
