"""Live notices: sent once the transaction commits, only to sockets allowed to hear them."""

import asyncio
import json
import os
import signal
import threading
import uuid
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from channels.testing import WebsocketCommunicator
from django.conf import settings as settings_module
from django.db import transaction

from demandhub import audit
from demandhub.audit.models import Action
from demandhub.config.asgi import application
from demandhub.core import consumers, realtime


def test_a_notice_is_sent_only_when_the_transaction_commits(
    django_capture_on_commit_callbacks, settings
):
    # The message itself, through the in-process layer: a sync test reaches Redis's pub/sub
    # layer on a new event loop per call, where a channel made in the last call does not exist.
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)("resources", channel)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        realtime.announce("resources", "resource.changed", 7)

    assert len(callbacks) == 1
    message = async_to_sync(layer.receive)(channel)
    assert message == {"type": "changed", "kind": "resource.changed", "pk": "7"}


def test_a_rolled_back_change_announces_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                realtime.announce("resources", "resource.changed", 7)
                raise RuntimeError("roll back")
        except RuntimeError:
            pass

    assert callbacks == []


def test_announcing_to_an_unknown_group_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown live group"):
        realtime.announce("no-such-group", "x", 1)


@pytest.mark.django_db(transaction=True)
async def test_a_supervisor_socket_hears_each_new_audit_entry(supervisor_session_cookie):
    communicator = WebsocketCommunicator(
        application,
        "/ws/live/audit/",
        headers=[(b"origin", b"http://127.0.0.1"), (b"cookie", supervisor_session_cookie)],
    )
    connected, _ = await communicator.connect()
    assert connected

    event = await database_sync_to_async(audit.record)(
        Action.TOKEN_ISSUED, actor=None, subject_type="accounts.apitoken", subject_id="1"
    )

    message = await communicator.receive_json_from(timeout=2)
    assert message == {"type": "changed", "kind": "event.recorded", "pk": str(event.pk)}
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=2) == {"type": "pong"}
    await communicator.disconnect()


def test_frames_keep_every_change_in_order_and_stay_under_2_kb():
    changes = [
        {"kind": "incident.changed", "pk": str(10**i % 9973) * (1 + i % 7)} for i in range(500)
    ]

    out = consumers.frames(changes)

    assert all(len(frame.encode()) < consumers.MAX_FRAME_BYTES for frame in out)
    unpacked = [
        c for f in map(json.loads, out) for c in (f["changes"] if f["type"] == "changes" else [f])
    ]
    assert [{"kind": c["kind"], "pk": c["pk"]} for c in unpacked] == changes
    assert len(out) == 13  # packed greedily: about 38 changes a frame
    assert consumers.frames(changes[:1]) == [
        '{"type":"changed","kind":"incident.changed","pk":"1"}'
    ]


@pytest.mark.django_db(transaction=True)
async def test_a_burst_reaches_a_console_coalesced_whole_and_in_order(
    supervisor_session_cookie, monkeypatch
):
    # A window far longer than the burst takes to publish, so the frame count is exact.
    monkeypatch.setattr(consumers, "COALESCE_SECONDS", 3.0)
    communicator = WebsocketCommunicator(
        application,
        "/ws/live/audit/",
        headers=[(b"origin", b"http://127.0.0.1"), (b"cookie", supervisor_session_cookie)],
    )
    connected, _ = await communicator.connect()
    assert connected
    layer = get_channel_layer()
    # 90: the in-memory test layer holds at most 100 messages a channel (Redis has no such cap).
    for n in range(90):
        await layer.group_send("audit", {"type": "changed", "kind": "event.recorded", "pk": str(n)})

    received = []
    while sum(len(f.get("changes", [f])) for f in received) < 90:
        frame = await communicator.receive_from(timeout=10)
        assert len(frame.encode()) < consumers.MAX_FRAME_BYTES
        received.append(json.loads(frame))

    # The first notice goes at once, alone; the other 89 wait for the window and share frames.
    assert received[0] == {"type": "changed", "kind": "event.recorded", "pk": "0"}
    assert [f["type"] for f in received[1:]] == ["changes", "changes"]
    pks = [c["pk"] for f in received for c in f.get("changes", [f])]
    assert pks == [str(n) for n in range(90)]
    assert await communicator.receive_nothing(timeout=0.2)
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
def test_one_transaction_publishes_once_per_group_each_change_once_in_order(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    layer = get_channel_layer()
    resources, incidents = (async_to_sync(layer.new_channel)() for _ in range(2))
    async_to_sync(layer.group_add)("resources", resources)
    async_to_sync(layer.group_add)("incidents", incidents)

    with transaction.atomic():
        realtime.announce("resources", "resource.status", 7)
        realtime.announce("incidents", "incident.status", 3)
        realtime.announce("resources", "resource.assigned", 8)
        realtime.announce("resources", "resource.status", 7)  # the same notice again: once

    assert async_to_sync(layer.receive)(resources) == {
        "type": "changes",
        "changes": [
            {"kind": "resource.status", "pk": "7"},
            {"kind": "resource.assigned", "pk": "8"},
        ],
    }
    assert async_to_sync(layer.receive)(incidents) == {
        "type": "changed",
        "kind": "incident.status",
        "pk": "3",
    }
    # Nothing more: one message a group.
    with pytest.raises(TimeoutError):
        async_to_sync(_receive_soon)(layer, resources)


async def _receive_soon(layer, channel):  # type: ignore[no-untyped-def]
    import asyncio

    return await asyncio.wait_for(layer.receive(channel), timeout=0.05)


@pytest.mark.django_db(transaction=True)
def test_a_savepoint_rolled_back_before_any_other_notice_leaves_the_rest_to_go_out(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)("resources", channel)

    with transaction.atomic():
        try:
            with transaction.atomic():
                realtime.announce("resources", "resource.status", 1)
                raise RuntimeError("roll back the savepoint")
        except RuntimeError:
            pass
        realtime.announce("resources", "resource.status", 2)

    assert async_to_sync(layer.receive)(channel) == {
        "type": "changed",
        "kind": "resource.status",
        "pk": "2",
    }


def test_many_changes_to_one_group_are_split_into_messages_under_2_kb():
    changes = [{"kind": "incident.changed", "pk": str(n)} for n in range(300)]

    out = realtime.messages(changes)

    assert all(len(json.dumps(m).encode()) < realtime.MAX_MESSAGE_BYTES for m in out)
    assert [c for m in out for c in m["changes"]] == changes
    assert len(out) == 7


@pytest.mark.django_db(transaction=True)
async def test_a_console_hears_a_transactions_changes_message_as_one_frame(
    supervisor_session_cookie,
):
    communicator = WebsocketCommunicator(
        application,
        "/ws/live/audit/",
        headers=[(b"origin", b"http://127.0.0.1"), (b"cookie", supervisor_session_cookie)],
    )
    connected, _ = await communicator.connect()
    assert connected
    changes = [{"kind": "event.recorded", "pk": "1"}, {"kind": "event.recorded", "pk": "2"}]

    await get_channel_layer().group_send("audit", {"type": "changes", "changes": changes})

    assert await communicator.receive_json_from(timeout=2) == {
        "type": "changes",
        "changes": changes,
    }
    await communicator.disconnect()


class CountingLayer(InMemoryChannelLayer):
    """The in-memory layer, noting the event loop each publish ran on."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.loops: list[asyncio.AbstractEventLoop] = []
        self.channels_made = 0
        self.sent_on: list[asyncio.AbstractEventLoop] = []

    async def new_channel(self, prefix: str = "specific.") -> str:
        self.channels_made += 1
        return await super().new_channel(prefix)

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        self.sent_on.append(asyncio.get_running_loop())
        await super().send(channel, message)

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        self.loops.append(asyncio.get_running_loop())
        await super().group_send(group, message)


COUNTING = {"default": {"BACKEND": "demandhub.core.tests.test_realtime.CountingLayer"}}


def test_publishes_from_sync_code_reuse_one_long_lived_event_loop(settings):
    """Under WSGI (and in commands) there is no server loop: every publish of the process, from
    any thread, goes through one loop on one thread, never a new loop (and, with Redis, a new
    connection) per publish as async_to_sync made."""
    settings.CHANNEL_LAYERS = COUNTING
    realtime.send_now("resources", "resource.status", 0)  # the process's loop exists now
    started = realtime.LOOP.started

    def publish(n: int) -> None:
        for i in range(10):
            realtime.send_now("resources", "resource.status", n * 10 + i)

    threads = [threading.Thread(target=publish, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    publish(3)
    for t in threads:
        t.join()

    layer = get_channel_layer()
    assert len(layer.loops) == 41
    assert set(layer.loops) == {realtime.LOOP.get()}
    assert realtime.LOOP.started == started  # no loop started for any of the 40


def test_a_forked_child_publishes_on_a_loop_of_its_own(settings):
    """gunicorn forks its workers: the parent's loop thread does not run in the child, so the
    child starts one of its own on its first publish, and keeps it."""
    settings.CHANNEL_LAYERS = COUNTING
    realtime.send_now("resources", "resource.status", 0)
    parent_loop = realtime.LOOP.get()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report, never return into pytest
        signal.alarm(20)  # a hang fails the test rather than stalling the run
        try:
            for i in range(5):
                realtime.send_now("resources", "resource.status", i)
            loops = get_channel_layer().loops[1:]
            ok = len(set(loops)) == 1 and loops[0] is not parent_loop and len(loops) == 5
            os.write(write, b"ok" if ok else b"wrong loops")
        finally:
            os._exit(0)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    with os.fdopen(read, "rb") as answer:
        assert answer.read() == b"ok"
    assert os.waitstatus_to_exitcode(status) == 0
    assert realtime.LOOP.get() is parent_loop


async def test_from_inside_a_running_loop_a_publish_does_not_block_it(settings):
    settings.CHANNEL_LAYERS = COUNTING
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add("resources", channel)

    realtime.send_now("resources", "resource.status", 5)  # returns at once, sent as a task

    assert await asyncio.wait_for(layer.receive(channel), timeout=2) == {
        "type": "changed",
        "kind": "resource.status",
        "pk": "5",
    }
    assert layer.loops == [asyncio.get_running_loop()]


@pytest.mark.skipif(not settings_module.REDIS_URL, reason="needs REDIS_URL")
def test_with_redis_every_publish_of_the_process_goes_over_one_connection(settings):
    import redis

    name = f"dh-test-{uuid.uuid4().hex[:12]}"
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": settings_module.REDIS_URL, "client_name": name}],
                "prefix": name,
            },
        }
    }
    for i in range(25):
        realtime.send_now("resources", "resource.status", i)

    with redis.Redis.from_url(settings_module.REDIS_URL) as client:
        ours = [c for c in client.client_list() if c.get("name") == name]
    assert len(ours) == 1
    assert len(get_channel_layer()._layers) == 1  # one per-loop layer: one loop
