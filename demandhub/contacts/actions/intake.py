"""A contact arrives: any channel, from the telephony system, a gateway or a public form."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from demandhub import audit
from demandhub.accounts.models import User
from demandhub.audit.models import Action
from demandhub.core import realtime
from demandhub.core.inserts import insert
from demandhub.demand.training import exercise_id_for

from .. import queueing, workflow
from ..models import Contact
from ..phones import to_e164
from ..references import PREFIX, hash_token, new_public_token, next_reference


# No savepoint inside a caller's transaction (telephony, chat, online reports, a 101 call
# transferred): none of them carries on after a failure here, and a savepoint costs two
# statements per contact.
@transaction.atomic(savepoint=False)
def receive_contact(
    *,
    by: User | None,
    channel: str,
    offered_at: datetime | None = None,
    caller_number: str = "",
    public_link: bool = False,
    **fields: Any,
) -> tuple[Contact, str]:
    """Queue a new contact. by=None: it came from the public or a gateway.

    `caller_number` is kept as given and normalised to E.164 (GB default). With
    `public_link`, a private token is made for the reporter's chat or tracking link; it is
    returned (only its hash is stored), else "" is.
    """
    now = timezone.now()
    token = new_public_token() if public_link else ""
    # An exercise's gateway (or a trainee) makes training records; a transfer keeps its call's.
    fields.setdefault("exercise_id", exercise_id_for(by, made_from=fields.get("parent")))
    contact = Contact(
        channel=channel,
        priority=queueing.priority_of(channel),
        offered_at=offered_at or now,
        caller_number_as_given=caller_number[:64],
        caller_number=to_e164(caller_number),
        public_token_hash=hash_token(token) if token else "",
        **fields,
    )
    if channel in PREFIX:
        contact.reference = next_reference(PREFIX[channel], timezone.localdate(now))
    insert(contact)
    workflow.start(contact, by=by)
    audit.record(
        Action.CONTACT_RECEIVED,
        actor=by,
        subject=contact,
        channel=channel,
        reference=contact.reference,
        external_id=contact.external_id,
    )
    if channel == Contact.Channel.EMERGENCY_CALL and contact.caller_number:
        from .aml import attach_waiting_aml

        attach_waiting_aml(contact)
    realtime.announce("contacts", "contact.received", contact.pk)
    return contact, token


@transaction.atomic
def receive_message(
    *,
    by: User | None,
    channel: str,
    external_id: str,
    body: str,
    sender: str = "",
    sender_name: str = "",
    subject: str = "",
    received_at: datetime | None = None,
) -> tuple[Contact, bool]:
    """A social media post, email or emergency SMS from a gateway. Returns (contact,
    created); the same message id twice gives the first contact back unchanged."""
    existing = Contact.objects.filter(channel=channel, external_id=external_id).first()
    if existing is not None:
        return existing, False
    identity: dict[str, str] = {}
    if channel == Contact.Channel.EMAIL:
        identity["caller_email"] = sender
    elif channel == Contact.Channel.EMERGENCY_SMS:
        identity["caller_number"] = sender  # normalised to E.164 by receive_contact
    else:
        identity["caller_handle"] = sender
    contact, _ = receive_contact(
        by=by,
        channel=channel,
        offered_at=received_at,
        external_id=external_id,
        caller_name=sender_name,
        subject=subject,
        message=body,
        **identity,
    )
    return contact, True
