"""Web chat: a member of the public starts one; both sides post messages.

Each message is stored before it is broadcast, and the broadcast goes out only after the
transaction commits, so a message a participant sees is always one a reconnecting client can
fetch again (by id, through the chat consumer's "sync").
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from demandhub import audit
from demandhub.accounts.models import User
from demandhub.audit.models import Action
from demandhub.core import realtime

from .. import workflow
from ..errors import ChatClosed, ContactNotYours
from ..models import ChatMessage, Contact

MAX_MESSAGE = 2000


def chat_group(contact_pk: int) -> str:
    return f"chat.{contact_pk}"


def message_json(message: ChatMessage) -> dict[str, Any]:
    return {
        "id": message.pk,
        "sender": message.sender,
        "author": (message.author.first_name or "Operator") if message.author_id else "",
        "body": message.body,
        "sent_at": message.sent_at.isoformat(),
    }


def _send(group: str, event: dict[str, Any]) -> None:
    realtime.send(group, event, f"{event['type']} on {group}")


def announce_chat(message: ChatMessage) -> None:
    """Send the stored message to both sides once the transaction commits."""
    event = {"type": "chat.message", "message": message_json(message)}
    group = chat_group(message.contact_id)
    transaction.on_commit(lambda: _send(group, event))


def announce_chat_ended(contact: Contact) -> None:
    group = chat_group(contact.pk)
    transaction.on_commit(lambda: _send(group, {"type": "chat.ended"}))


@transaction.atomic
def start_chat(
    *, name: str, email: str = "", phone: str = "", first_message: str = ""
) -> tuple[Contact, str]:
    """A member of the public starts a web chat; returns it with the private token."""
    from .intake import receive_contact

    contact, token = receive_contact(
        by=None,
        channel=Contact.Channel.WEB_CHAT,
        caller_name=name,
        caller_email=email,
        caller_number=phone,
        message=first_message,
        public_link=True,
    )
    if first_message:
        ChatMessage.objects.create(
            contact=contact,
            sender=ChatMessage.Sender.PUBLIC,
            body=first_message,
            sent_at=contact.offered_at,
        )
    return contact, token


@transaction.atomic
def post_chat_message(contact: Contact, *, body: str, by: User | None) -> ChatMessage:
    """Post to the chat: by=None is the member of the public (authorised by their token),
    else the operator handling it. The caller has checked the body is 1..MAX_MESSAGE long."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.status not in (Contact.Status.QUEUED, Contact.Status.IN_PROGRESS):
        raise ChatClosed()
    if by is not None and contact.handled_by_id != by.pk:
        raise ContactNotYours()
    message = ChatMessage.objects.create(
        contact=contact,
        sender=ChatMessage.Sender.PUBLIC if by is None else ChatMessage.Sender.OPERATOR,
        author=by,
        body=body,
        sent_at=timezone.now(),
    )
    audit.record(Action.CHAT_MESSAGE_POSTED, actor=by, subject=contact, message=message.pk)
    announce_chat(message)
    return message


@transaction.atomic
def leave_chat(contact: Contact) -> Contact:
    """The member of the public ends the chat. Still waiting: it is abandoned (nobody answered
    in time). Already answered: the operator is told, and records the outcome as usual."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    now = timezone.now()
    if contact.status == Contact.Status.QUEUED:
        workflow.move(contact, Contact.Status.ABANDONED, by=None, reason="left before an answer")
        contact.outcome = Contact.Outcome.ABANDONED
        contact.abandoned_at = contact.ended_at = contact.outcome_recorded_at = now
        contact.save()
        audit.record(Action.CONTACT_ABANDONED, actor=None, subject=contact)
        announce_chat_ended(contact)
    elif contact.status == Contact.Status.IN_PROGRESS and contact.ended_at is None:
        contact.ended_at = now
        contact.save(update_fields=["ended_at"])
        audit.record(Action.CONTACT_CALL_UPDATED, actor=None, subject=contact, left=True)
    else:
        return contact
    message = ChatMessage.objects.create(
        contact=contact,
        sender=ChatMessage.Sender.SYSTEM,
        body="The member of the public has left the chat.",
        sent_at=now,
    )
    announce_chat(message)
    realtime.announce("contacts", "contact.left", contact.pk)
    return contact


def transcript(contact: Contact) -> str:
    """The chat as plain text, for the incident or crime record it becomes."""
    lines = []
    for m in contact.chat_messages.select_related("author"):
        who = {
            ChatMessage.Sender.PUBLIC: contact.caller_name or "Public",
            ChatMessage.Sender.OPERATOR: f"Operator {m.author}" if m.author else "Operator",
            ChatMessage.Sender.SYSTEM: "System",
        }[ChatMessage.Sender(m.sender)]
        lines.append(f"[{timezone.localtime(m.sent_at):%H:%M:%S}] {who}: {m.body}")
    return "\n".join(lines)
