"""The one websocket consumer: joins a live group the user may see and forwards its notices."""

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .realtime import GROUPS

# Close codes in the application range: the browser sees why it was refused.
NOT_SIGNED_IN = 4401
FORBIDDEN = 4403
UNKNOWN_GROUP = 4404


class LiveConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    """/ws/live/<group>/: a signed-in user holding the group's permission (realtime.GROUPS)."""

    group: str = ""

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
        await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        # Consoles only listen; a ping keeps idle connections open through proxies.
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_json({"type": "error", "detail": "this socket only accepts ping"})

    async def changed(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "changed", "kind": event["kind"], "pk": event["pk"]})
