"""The one websocket consumer: joins a live group the user may see and forwards its notices.

Notices are coalesced per console: the first after a quiet spell goes out at once, as
{"type": "changed", "kind", "pk"}; those arriving within COALESCE_SECONDS of the last frame wait
and go together as {"type": "changes", "changes": [{"kind", "pk"}, ...]}, in the order they
came, in frames under MAX_FRAME_BYTES. A surge then costs a console about ten frames a second
instead of one per change, and nothing is dropped or reordered (live.js reads both shapes).
"""

import asyncio
import json
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .realtime import GROUPS, user_group

# Close codes in the application range: the browser sees why it was refused.
NOT_SIGNED_IN = 4401
FORBIDDEN = 4403
UNKNOWN_GROUP = 4404

COALESCE_SECONDS = 0.1
MAX_FRAME_BYTES = 2048


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


class LiveConsumer(UserSocketMixin, AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    """/ws/live/<group>/: a signed-in user holding the group's permission (realtime.GROUPS)."""

    group: str = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pending: list[dict[str, str]] = []
        self.last_frame_at = float("-inf")
        self.flusher: asyncio.Task[None] | None = None

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
        await self.join_user_group()
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.flusher is not None:
            self.flusher.cancel()
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)
        await self.leave_user_group()

    async def session_revoked(self, event: dict[str, Any]) -> None:
        # Notices still waiting for their coalesced frame are dropped: the user's sessions are
        # over, and the page re-fetches everything if it signs in again.
        if self.flusher is not None:
            self.flusher.cancel()
            self.flusher = None
        self.pending = []
        await super().session_revoked(event)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        # Consoles only listen; a ping keeps idle connections open through proxies.
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_json({"type": "error", "detail": "this socket only accepts ping"})

    async def changed(self, event: dict[str, Any]) -> None:
        await self._queue([{"kind": event["kind"], "pk": event["pk"]}])

    async def changes(self, event: dict[str, Any]) -> None:
        """Several notices one transaction published together (realtime.messages)."""
        await self._queue([{"kind": c["kind"], "pk": c["pk"]} for c in event["changes"]])

    async def _queue(self, changes: list[dict[str, str]]) -> None:
        self.pending.extend(changes)
        if self.flusher is not None:
            return  # a frame is due shortly and will carry this one too
        wait = self.last_frame_at + COALESCE_SECONDS - asyncio.get_running_loop().time()
        if wait <= 0:
            await self._send_pending()
        else:
            self.flusher = asyncio.create_task(self._send_later(wait))

    async def _send_later(self, wait: float) -> None:
        await asyncio.sleep(wait)
        # Only this task sends while it lives; notices that arrive during a send join the next
        # frame, a window later.
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
