"""The web chat websocket: both sides of one chat exchange messages live.

The public side is authorised by the chat's private token, the operator side by being the
member of staff handling it. Messages are stored (actions.post_chat_message) before they are
broadcast; a client that reconnects sends {"type": "sync", "after": <last id it has>} and gets
everything after it, so a dropped connection loses nothing.

A send may carry a "key" (any string the client picks, up to 255 characters): a send that the
client repeats with the same key after a dropped connection posts the message once
(core/idempotency.py) and is acknowledged with the first message's id each time.

Client -> server: {"type": "sync", "after": 0} | {"type": "send", "body": "...", "key": "..."}
                  | {"type": "ping"}
Server -> client: {"type": "chat.messages", "messages": [...], "ended": bool}
                  {"type": "chat.message", "message": {...}} | {"type": "chat.ended"}
                  {"type": "chat.sent", "key": "...", "message": <id>} (keyed sends only)
                  {"type": "error", "detail": "..."} | {"type": "pong"}
"""

import json
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.http import Http404

from demandhub.core import idempotency
from demandhub.core.consumers import FORBIDDEN, NOT_SIGNED_IN, UserSocketMixin

from . import ratelimit
from .actions import post_chat_message
from .actions.chat import MAX_MESSAGE, chat_group, message_json
from .errors import ContactError
from .models import Contact
from .permissions import access_public_contact

ENDED = (Contact.Status.COMPLETED, Contact.Status.ABANDONED)
NOT_FOUND = 4404


class ChatConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    contact_pk: int = 0
    operator: Any = None  # the member of staff, on the operator side; None for the public

    async def authorise(self) -> int | None:
        """The chat's pk if this socket may join it; else close and return None."""
        raise NotImplementedError

    async def connect(self) -> None:
        pk = await self.authorise()
        if pk is None:
            return
        self.contact_pk = pk
        await self.channel_layer.group_add(chat_group(pk), self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if self.contact_pk:
            await self.channel_layer.group_discard(chat_group(self.contact_pk), self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "sync":
            after = content.get("after", 0)
            if not isinstance(after, int) or after < 0:
                await self.send_json({"type": "error", "detail": "after: a message id (0 or more)"})
                return
            await self.send_json(await self._messages_after(after))
        elif kind == "send":
            await self._send(content.get("body"), content.get("key"))
        else:
            await self.send_json({"type": "error", "detail": "type: sync, send or ping"})

    async def _send(self, body: Any, key: Any = None) -> None:
        if key is not None and (
            not isinstance(key, str) or not key.strip() or len(key) > idempotency.MAX_KEY
        ):
            await self.send_json(
                {
                    "type": "error",
                    "detail": f"key: a string of 1 to {idempotency.MAX_KEY} characters",
                }
            )
            return
        if not isinstance(body, str) or not body.strip():
            await self.send_json({"type": "error", "detail": "Type a message before sending."})
            return
        if len(body) > MAX_MESSAGE:
            await self.send_json(
                {"type": "error", "detail": f"Messages can be up to {MAX_MESSAGE} characters."}
            )
            return
        client = (self.scope.get("client") or ["unknown"])[0]
        # The count lives in the shared cache (the database or Redis): off the event loop.
        if self.operator is None and not await database_sync_to_async(ratelimit.allow)(
            "chat_message", f"{self.contact_pk}:{client}"
        ):
            await self.send_json(
                {"type": "error", "detail": "You are sending messages too quickly. Please wait."}
            )
            return
        try:
            message_id = await self._post(body.strip(), key)
        except ContactError as e:
            await self.send_json({"type": "error", "detail": str(e)})
            return
        except idempotency.KeyReused:
            await self.send_json(
                {"type": "error", "detail": "key: already used for a different message"}
            )
            return
        if key is not None:
            await self.send_json({"type": "chat.sent", "key": key, "message": message_id})

    @database_sync_to_async
    def _post(self, body: str, key: str | None) -> int:
        def post() -> idempotency.Answer:
            contact = Contact.objects.get(pk=self.contact_pk)
            message = post_chat_message(contact, body=body, by=self.operator)
            return idempotency.Answer(status=200, body=json.dumps(message.pk).encode())

        if key is None:
            return int(post().body)
        side = "public" if self.operator is None else f"user:{self.operator.pk}"
        answer = idempotency.once(
            scope=idempotency.digest("chat", str(self.contact_pk), side),
            key=key,
            fingerprint=idempotency.digest(body),
            method="SEND",
            path=f"/ws/chat/{self.contact_pk}/",
            produce=post,
        )
        return int(answer.body)

    @database_sync_to_async
    def _messages_after(self, after: int) -> dict[str, Any]:
        contact = Contact.objects.get(pk=self.contact_pk)
        rows = contact.chat_messages.filter(id__gt=after).select_related("author")[:500]
        return {
            "type": "chat.messages",
            "messages": [message_json(m) for m in rows],
            "ended": contact.status in ENDED,
        }

    async def chat_message(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "chat.message", "message": event["message"]})

    async def chat_ended(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "chat.ended"})


class PublicChatConsumer(ChatConsumer):
    """/ws/chat/public/<token>/: the member of the public, holding the chat's private link."""

    async def authorise(self) -> int | None:
        token = self.scope["url_route"]["kwargs"]["token"]
        client = (self.scope.get("client") or ["unknown"])[0]
        # Counted with the tracking pages: a guesser gets no more tries over the socket.
        allowed = await database_sync_to_async(ratelimit.allow)("track", client)
        pk = await self._find(token) if allowed else None
        if pk is None:
            # No valid credential: the same refusal as an anonymous staff socket.
            await self.close(code=NOT_SIGNED_IN)
        return pk

    @database_sync_to_async
    def _find(self, token: str) -> int | None:
        try:
            contact = access_public_contact(token)
        except Http404:
            return None
        return contact.pk if contact.channel == Contact.Channel.WEB_CHAT else None


class OperatorChatConsumer(UserSocketMixin, ChatConsumer):
    """/ws/chat/<pk>/: the member of staff handling the chat (and nobody else)."""

    async def disconnect(self, code: int) -> None:
        await super().disconnect(code)
        await self.leave_user_group()

    async def authorise(self) -> int | None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=NOT_SIGNED_IN)
            return None
        pk = self.scope["url_route"]["kwargs"]["pk"]
        verdict = await self._check(user, pk)
        if verdict != "ok":
            await self.close(code=FORBIDDEN if verdict == "forbidden" else NOT_FOUND)
            return None
        self.operator = user
        await self.join_user_group()  # before accept, so a revocation cannot slip between
        return int(pk)

    @database_sync_to_async
    def _check(self, user: Any, pk: int) -> str:
        if not user.has_perm("contacts.handle_contact"):
            return "forbidden"
        found = Contact.objects.filter(
            pk=pk, channel=Contact.Channel.WEB_CHAT, handled_by=user
        ).exists()
        return "ok" if found else "not_found"
