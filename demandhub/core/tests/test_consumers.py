"""The live consoles' fan-out hub: one channel-layer subscription per group per process.

These run on whichever channel layer the settings give: the in-memory one by default, the
production RedisPubSubChannelLayer with REDIS_URL set.
"""

import asyncio
import json
import logging

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from demandhub.config.asgi import application
from demandhub.core import consumers

ORIGIN = (b"origin", b"http://127.0.0.1")


def _members(layer, group: str) -> set[str]:  # type: ignore[no-untyped-def]
    """The channels the layer holds in `group` in this process."""
    if hasattr(layer, "_get_layer"):  # RedisPubSubChannelLayer: one loop layer per event loop
        loop_layer = layer._get_layer()
        return set(loop_layer.groups.get(loop_layer._get_group_channel_name(group), set()))
    return set(layer.groups.get(group, {}))


async def _open(path: str, cookie: bytes) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, path, headers=[ORIGIN, (b"cookie", cookie)])
    connected, _ = await communicator.connect()
    assert connected
    return communicator


def _unpack(frame: dict) -> list[str]:  # type: ignore[type-arg]
    data = json.loads(frame["text"])
    return [c["pk"] for c in (data["changes"] if data["type"] == "changes" else [data])]


async def _notify(group: str, *pks: int) -> None:
    layer = get_channel_layer()
    for pk in pks:
        await layer.group_send(group, {"type": "changed", "kind": "x.changed", "pk": str(pk)})


@pytest.mark.django_db(transaction=True)
async def test_one_layer_subscription_per_group_however_many_consoles(supervisor_session_cookie):
    layer = get_channel_layer()
    before = _members(layer, "incidents")
    sockets = [await _open("/ws/live/incidents/", supervisor_session_cookie) for _ in range(6)]

    hub = consumers.hub_for(layer)
    subscription = hub.subscriptions["incidents"]
    assert _members(layer, "incidents") - before == {subscription.channel}
    assert len(subscription.consumers) == 6
    # A second group adds its own one subscription, and nothing to the first.
    audit = await _open("/ws/live/audit/", supervisor_session_cookie)
    assert _members(layer, "audit") == {hub.subscriptions["audit"].channel}
    assert _members(layer, "incidents") - before == {subscription.channel}

    for communicator in [*sockets, audit]:
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_every_console_gets_every_change_in_order_from_one_encoding(
    supervisor_session_cookie, monkeypatch
):
    # A window far longer than the burst takes to publish, so the frame count is exact.
    monkeypatch.setattr(consumers, "COALESCE_SECONDS", 3.0)
    sockets = [await _open("/ws/live/incidents/", supervisor_session_cookie) for _ in range(4)]

    await _notify("incidents", *range(40))

    firsts = []
    for communicator in sockets:
        first = await communicator.receive_output(timeout=2)
        rest = await communicator.receive_output(timeout=10)  # the other 39, coalesced
        assert json.loads(first["text"]) == {"type": "changed", "kind": "x.changed", "pk": "0"}
        assert json.loads(rest["text"])["type"] == "changes"
        assert _unpack(first) + _unpack(rest) == [str(n) for n in range(40)]
        assert len(rest["text"].encode()) < consumers.MAX_FRAME_BYTES
        assert await communicator.receive_nothing(timeout=0.1)
        firsts.append(first)
    # The immediate frame was encoded once and the same message handed to every console.
    assert all(first is firsts[0] for first in firsts)

    for communicator in sockets:
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_console_hears_nothing_of_another_group(supervisor_session_cookie):
    audit = await _open("/ws/live/audit/", supervisor_session_cookie)
    incidents = await _open("/ws/live/incidents/", supervisor_session_cookie)

    await _notify("incidents", 7)

    assert _unpack(await incidents.receive_output(timeout=2)) == ["7"]
    assert await audit.receive_nothing(timeout=0.3)
    await _notify("audit", 8)
    assert _unpack(await audit.receive_output(timeout=2)) == ["8"]
    assert await incidents.receive_nothing(timeout=0.3)

    await audit.disconnect()
    await incidents.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_the_last_console_leaving_drops_the_hubs_group_membership(
    supervisor_session_cookie,
):
    layer = get_channel_layer()
    hub = consumers.hub_for(layer)
    first = await _open("/ws/live/resources/", supervisor_session_cookie)
    second = await _open("/ws/live/resources/", supervisor_session_cookie)
    channel = hub.subscriptions["resources"].channel
    assert _members(layer, "resources") == {channel}

    await first.disconnect()
    assert _members(layer, "resources") == {channel}  # one console is still there
    await second.disconnect()

    assert _members(layer, "resources") == set()
    assert "resources" not in hub.subscriptions
    # A console arriving later subscribes afresh and hears the group.
    again = await _open("/ws/live/resources/", supervisor_session_cookie)
    assert _members(layer, "resources") == {hub.subscriptions["resources"].channel}
    await _notify("resources", 3)
    assert _unpack(await again.receive_output(timeout=2)) == ["3"]
    await again.disconnect()
    assert _members(layer, "resources") == set()


@pytest.mark.django_db(transaction=True)
async def test_a_failing_reader_closes_its_consoles_with_1011(
    supervisor_session_cookie, monkeypatch, caplog
):
    layer = get_channel_layer()
    hub = consumers.hub_for(layer)
    sockets = [await _open("/ws/live/incidents/", supervisor_session_cookie) for _ in range(3)]
    audit = await _open("/ws/live/audit/", supervisor_session_cookie)
    channel = hub.subscriptions["incidents"].channel

    async def broken_receive(name: str) -> dict:  # type: ignore[type-arg]
        raise ConnectionError("Redis went away")

    # The hub's reader is waiting in receive already: it takes the next notice, then its
    # next read fails. The consoles' own channels keep the receive they were given.
    real_receive = layer.receive
    monkeypatch.setattr(layer, "receive", broken_receive)
    with caplog.at_level(logging.ERROR, logger="demandhub.core.consumers"):
        await _notify("incidents", 1)
        for communicator in sockets:
            assert _unpack(await communicator.receive_output(timeout=2)) == ["1"]
            assert await communicator.receive_output(timeout=2) == {
                "type": "websocket.close",
                "code": consumers.INTERNAL_ERROR,
            }
    assert "reading the channel layer failed" in caplog.text
    assert "incidents" not in hub.subscriptions
    assert channel not in _members(layer, "incidents")
    # The other group's reader was not the one failing yet (it is still waiting in the
    # receive it started with) and its console stays open.
    await audit.send_json_to({"type": "ping"})
    assert await audit.receive_json_from(timeout=2) == {"type": "pong"}

    # A reconnecting console gets a new subscription that works.
    monkeypatch.setattr(layer, "receive", real_receive)
    again = await _open("/ws/live/incidents/", supervisor_session_cookie)
    await _notify("incidents", 2)
    assert _unpack(await again.receive_output(timeout=2)) == ["2"]
    for communicator in [*sockets, audit, again]:
        await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_cancelled_reader_leaves_the_group_and_a_new_reader_takes_over(
    supervisor_session_cookie, caplog
):
    layer = get_channel_layer()
    hub = consumers.hub_for(layer)
    sockets = [await _open("/ws/live/incidents/", supervisor_session_cookie) for _ in range(2)]
    old = hub.subscriptions["incidents"]
    assert _members(layer, "incidents") == {old.channel}

    with caplog.at_level(logging.WARNING, logger="demandhub.core.consumers"):
        old.reader.cancel()  # not by the hub: the last console did not leave
        for communicator in sockets:
            assert await communicator.receive_output(timeout=2) == {
                "type": "websocket.close",
                "code": consumers.INTERNAL_ERROR,
            }
    assert "its reader stopped" in caplog.text
    assert "incidents" not in hub.subscriptions
    assert _members(layer, "incidents") == set()
    if hasattr(layer, "_get_layer"):  # Redis pub/sub: the channel's own subscription is gone
        assert old.channel not in layer._get_layer().channels

    # A reconnecting console starts a new reader, alone in the group, and hears it.
    again = await _open("/ws/live/incidents/", supervisor_session_cookie)
    new = hub.subscriptions["incidents"]
    assert new is not old
    assert _members(layer, "incidents") == {new.channel}
    await _notify("incidents", 5)
    assert _unpack(await again.receive_output(timeout=2)) == ["5"]
    for communicator in [*sockets, again]:
        await communicator.disconnect()
    assert _members(layer, "incidents") == set()


@pytest.mark.django_db(transaction=True)
async def test_a_reader_cancelled_before_it_ran_leaves_nothing_behind(supervisor_session_cookie):
    layer = get_channel_layer()
    hub = consumers.hub_for(layer)
    real_join = hub.join

    async def join_then_cancel(group, consumer):  # type: ignore[no-untyped-def]
        subscription = await real_join(group, consumer)
        subscription.reader.cancel()  # before the reader's first step
        return subscription

    hub.join = join_then_cancel  # type: ignore[method-assign]
    first = await _open("/ws/live/audit/", supervisor_session_cookie)
    assert await first.receive_output(timeout=2) == {
        "type": "websocket.close",
        "code": consumers.INTERNAL_ERROR,
    }
    assert _members(layer, "audit") == set()
    assert "audit" not in hub.subscriptions
    hub.join = real_join  # type: ignore[method-assign]
    await first.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_console_that_stops_reading_is_closed_and_the_others_go_on(
    supervisor_session_cookie, monkeypatch, caplog
):
    monkeypatch.setattr(consumers, "SEND_TIMEOUT_SECONDS", 0.2)
    sockets = [await _open("/ws/live/incidents/", supervisor_session_cookie) for _ in range(3)]
    subscription = consumers.hub_for(get_channel_layer()).subscriptions["incidents"]
    stuck = next(iter(subscription.consumers))  # the first served: it would hold up the rest
    real_send = stuck.base_send

    async def never_takes_a_frame(message: dict) -> None:  # type: ignore[type-arg]
        if message["type"] == "websocket.send":
            await asyncio.Event().wait()
        await real_send(message)

    stuck.base_send = never_takes_a_frame
    with caplog.at_level(logging.WARNING, logger="demandhub.core.consumers"):
        await _notify("incidents", 1)
        for communicator in sockets[1:]:
            assert _unpack(await communicator.receive_output(timeout=2)) == ["1"]
        assert await sockets[0].receive_output(timeout=2) == {
            "type": "websocket.close",
            "code": consumers.INTERNAL_ERROR,
        }
    assert "took no frame" in caplog.text
    assert stuck not in subscription.consumers
    assert len(subscription.consumers) == 2

    await _notify("incidents", 2)
    for communicator in sockets[1:]:
        assert _unpack(await communicator.receive_output(timeout=2)) == ["2"]
    for communicator in sockets:
        await communicator.disconnect()
