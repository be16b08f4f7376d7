"""The scene websockets: the caller's (/ws/scene/<token>/) and the watching staff's
(/ws/scene/incident/<id>/). They relay WebRTC signalling only between a link's caller and the
staff watching that link's incident, and take the caller's positions (protocol.py lists every
message). Video itself flows browser to browser; it never passes through the server.
"""

import json
import secrets
from datetime import datetime
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404
from django.utils import timezone

from demandhub.core.consumers import FORBIDDEN, NOT_SIGNED_IN, UNKNOWN_GROUP, UserSocketMixin

from . import actions, links, protocol, queries
from .links import LinkState
from .models import SceneLink
from .permissions import access_scene, can_watch
from .signalling import incident_group, link_group

# Close codes beyond core's: the caller's page tells the person why.
GONE = 4410  # the link expired or was withdrawn
TOO_MANY_ERRORS = 4400
MAX_ERRORS = 20  # invalid frames a socket may send before it is closed

SESSION_KEY = "scene_devices"  # session: {str(link pk): device key} for links consented on


def device_key(session: Any, link_pk: int) -> str | None:
    devices = session.get(SESSION_KEY, {}) if session is not None else {}
    value = devices.get(str(link_pk)) if isinstance(devices, dict) else None
    return value if isinstance(value, str) else None


def _admit_caller(token: str, session: Any) -> SceneLink | int:
    """The link if this browser session may stream on it; otherwise the close code."""
    link = queries.link_for_token(token)
    if link is None:
        return NOT_SIGNED_IN  # no valid credential: the token is the caller's only one
    state = links.state_of(link, timezone.now())
    if state in (LinkState.EXPIRED, LinkState.REVOKED):
        return GONE
    if state != LinkState.BOUND or not links.is_bound_to(link, device_key(session, link.pk)):
        return FORBIDDEN  # not consented in this browser, or bound to another device
    actions.record_caller_connected(link)
    return link


class _SignallingConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    allowed: dict[str, protocol.Check] = {}
    errors = 0

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(content, cls=DjangoJSONEncoder))

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            message = protocol.parse(text_data, self.allowed)
        except protocol.ProtocolError as e:
            self.errors += 1
            await self.send_json({"type": "error", "detail": str(e)})
            if self.errors >= MAX_ERRORS:
                await self.close(code=TOO_MANY_ERRORS)
            return
        if message["type"] == "ping":
            await self.send_json({"type": "pong"})
            return
        await self.handle(message)

    async def handle(self, message: dict[str, Any]) -> None:
        raise NotImplementedError


class CallerConsumer(_SignallingConsumer):
    """The caller's phone: offers its camera to each watching peer and reports its position."""

    allowed = protocol.CALLER
    link_id: int | None = None
    incident_id: int | None = None
    expires_at: datetime | None = None

    async def connect(self) -> None:
        token = self.scope["url_route"]["kwargs"]["token"]
        admitted = await database_sync_to_async(_admit_caller)(token, self.scope.get("session"))
        if isinstance(admitted, int):
            await self.close(code=admitted)
            return
        self.link_id, self.incident_id = admitted.pk, admitted.incident_id
        self.expires_at = admitted.expires_at
        await self.channel_layer.group_add(link_group(admitted.pk), self.channel_name)
        await self.accept()
        await self.send_json({"type": "welcome", "link": admitted.pk})
        await self._tell_staff({"type": "scene.link", "link": self.link_id, "state": "connected"})

    async def disconnect(self, code: int) -> None:
        if self.link_id is None:
            return
        await self.channel_layer.group_discard(link_group(self.link_id), self.channel_name)
        await self._tell_staff(
            {"type": "scene.link", "link": self.link_id, "state": "disconnected"}
        )

    async def _tell_staff(self, message: dict[str, Any]) -> None:
        assert self.incident_id is not None
        await self.channel_layer.group_send(incident_group(self.incident_id), message)

    async def handle(self, message: dict[str, Any]) -> None:
        assert self.expires_at is not None
        assert self.link_id is not None
        if timezone.now() >= self.expires_at:
            await self.send_json({"type": "expired"})
            await self.close(code=GONE)
            return
        kind = message["type"]
        if kind == "status":
            await self._tell_staff(
                {
                    "type": "scene.link",
                    "link": self.link_id,
                    "state": "connected",
                    "camera": message["camera"],
                    "location": message["location"],
                }
            )
        elif kind == "location":
            await database_sync_to_async(self._record_location)(message)
        else:  # offer, candidate: to one watching peer of this link's incident
            to = message.pop("to")
            await self._tell_staff(
                {"type": "scene.to_staff", "link": self.link_id, "to": to, "payload": message}
            )

    def _record_location(self, message: dict[str, Any]) -> None:
        link = SceneLink.objects.select_related("incident").get(pk=self.link_id)
        if links.state_of(link, timezone.now()) != LinkState.BOUND:
            return  # revoked meanwhile: the revocation notice is on its way
        actions.record_caller_location(
            link,
            latitude=message["latitude"],
            longitude=message["longitude"],
            accuracy_m=message["accuracy"],
        )

    # Group messages, from staff sockets and actions.
    async def scene_watch(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "watch", "peer": event["peer"]})

    async def scene_leave(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "leave", "peer": event["peer"]})

    async def scene_to_caller(self, event: dict[str, Any]) -> None:
        await self.send_json({**event["payload"], "from": event["from"]})

    async def scene_revoked(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "revoked"})
        await self.close(code=GONE)


def _admit_staff(user: Any, pk: int) -> int | None:
    """None if the user may watch this incident's streams, else the close code."""
    if user is None or not user.is_authenticated:
        return NOT_SIGNED_IN
    if not can_watch(user):
        return FORBIDDEN
    try:
        access_scene(user, pk)
    except Http404:
        return UNKNOWN_GROUP
    return None


def _watchable_link(user: Any, incident_id: int, link_pk: int) -> SceneLink | None:
    link = SceneLink.objects.filter(pk=link_pk, incident_id=incident_id).first()
    if link is None or links.state_of(link, timezone.now()) != LinkState.BOUND:
        return None
    actions.record_stream_watched(link, by=user)
    return link


class WatcherConsumer(UserSocketMixin, _SignallingConsumer):
    """A member of staff watching an incident's scene streams: answers each caller's offer."""

    allowed = protocol.STAFF
    incident_id: int | None = None

    async def connect(self) -> None:
        self.peer = secrets.token_hex(8)
        self.watching: set[int] = set()
        pk = self.scope["url_route"]["kwargs"]["pk"]
        refused = await database_sync_to_async(_admit_staff)(self.scope.get("user"), pk)
        if refused is not None:
            await self.close(code=refused)
            return
        self.incident_id = pk
        await self.channel_layer.group_add(incident_group(pk), self.channel_name)
        await self.join_user_group()
        await self.accept()
        await self.send_json({"type": "welcome", "peer": self.peer})

    async def disconnect(self, code: int) -> None:
        if self.incident_id is None:
            return
        await self.leave_user_group()
        await self.channel_layer.group_discard(incident_group(self.incident_id), self.channel_name)
        for link_id in self.watching:
            await self.channel_layer.group_send(
                link_group(link_id), {"type": "scene.leave", "peer": self.peer}
            )

    async def handle(self, message: dict[str, Any]) -> None:
        link_id = message.pop("link")
        if message["type"] == "watch":
            link = await database_sync_to_async(_watchable_link)(
                self.scope["user"], self.incident_id, link_id
            )
            if link is None:
                await self.send_json(
                    {"type": "error", "detail": "that link is not live on this incident"}
                )
                return
            self.watching.add(link_id)
            await self.channel_layer.group_send(
                link_group(link_id), {"type": "scene.watch", "peer": self.peer}
            )
        elif link_id not in self.watching:
            await self.send_json({"type": "error", "detail": "watch the link first"})
        else:  # answer, candidate
            await self.channel_layer.group_send(
                link_group(link_id),
                {"type": "scene.to_caller", "from": self.peer, "payload": message},
            )

    # Group messages, from caller sockets and actions.
    async def scene_link(self, event: dict[str, Any]) -> None:
        await self.send_json({**event, "type": "caller"})

    async def scene_to_staff(self, event: dict[str, Any]) -> None:
        if event["to"] == self.peer:
            await self.send_json({**event["payload"], "link": event["link"]})

    async def scene_location(self, event: dict[str, Any]) -> None:
        await self.send_json({**event, "type": "location"})

    async def scene_evidence(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "evidence", "pk": event["pk"]})
