"""Handset locations (AML): keep every message, parse it, attach it to the caller's 999 call.

A handset position is stored as a candidate on the contact; only the handler's choice
(handling.use_handset_location) makes it the contact's location.
"""

from datetime import datetime

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from demandhub import audit
from demandhub.accounts.models import User
from demandhub.audit.models import Action
from demandhub.core import realtime

from .. import aml, conf
from ..models import AmlMessage, Contact
from ..phones import to_e164

OPEN = (Contact.Status.QUEUED, Contact.Status.IN_PROGRESS)


def matching_call(number: str, at: datetime) -> Contact | None:
    """The live 999 call from `number`, else the most recent one offered within the window."""
    if not number:
        return None
    calls = Contact.objects.filter(channel=Contact.Channel.EMERGENCY_CALL, caller_number=number)
    recent = Q(status__in=OPEN) | Q(offered_at__gte=at - conf.aml_match_window())
    return (
        calls.filter(recent, offered_at__lte=at + conf.aml_match_window())
        .order_by("-offered_at")
        .first()
    )


@transaction.atomic
def receive_aml(raw: str, *, by: User | None, transport: str, sender: str = "") -> AmlMessage:
    """Store and parse one AML message and match it to a 999 call. Never raises for bad
    content: a message that cannot be used is kept as discarded with the reason.

    `sender`: the number an SMS came from (the SMS body does not carry it).
    """
    now = timezone.now()
    message = AmlMessage(received_at=now, transport=transport, raw=raw)
    key = conf.aml_hmac_key()
    try:
        if transport == AmlMessage.Transport.HTTPS:
            if key:
                verdict = aml.verify_hmac(raw, key)
                if verdict is not True:
                    raise aml.AmlError("HMAC missing" if verdict is None else "HMAC does not match")
            position = aml.parse_https(raw)
        else:
            position = aml.parse_sms(raw)
            position.device_number = to_e164(sender)
            if not position.device_number:
                raise aml.AmlError(f"sender: {sender!r} is not a phone number")
    except aml.AmlError as e:
        message.status = AmlMessage.Status.DISCARDED
        message.error = str(e)
        message.device_number = to_e164(sender)
        message.save()
        audit.record(Action.AML_RECEIVED, actor=by, subject=message, status=message.status)
        return message

    message.parsed = position.as_json()
    message.warnings = position.warnings
    message.device_number = position.device_number
    message.method = position.method
    message.positioned_at = position.positioned_at
    message.accuracy_m = position.accuracy_m
    if position.has_position:
        message.latitude, message.longitude = position.latitude, position.longitude
    message.contact = matching_call(position.device_number, now)
    message.status = AmlMessage.Status.MATCHED if message.contact else AmlMessage.Status.UNMATCHED
    message.save()
    audit.record(
        Action.AML_RECEIVED,
        actor=by,
        subject=message,
        status=message.status,
        contact=message.contact_id,
        warnings=position.warnings,
    )
    if message.contact_id:
        realtime.announce("contacts", "contact.aml", message.contact_id)
    return message


# The table's name is the model's; every value is a parameter.
_WAITING_SQL = (
    f"SELECT id FROM {AmlMessage._meta.db_table} WHERE status = %s AND device_number = %s "  # noqa: S608
    "AND received_at >= %s AND received_at <= %s ORDER BY id"
)


def attach_waiting_aml(contact: Contact) -> int:
    """Attach unmatched AML from the caller's number that arrived shortly before the 999
    call was reported (handsets often send it as the call connects). The caller owns the
    transaction. Returns how many were attached."""
    window = conf.aml_match_window()
    # Every 999 call asks, and nearly always finds none: plain SQL, as the ORM would write it
    # (the (device_number, received_at) index), costs a fifth of building the query.
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            _WAITING_SQL,
            [
                AmlMessage.Status.UNMATCHED.value,
                contact.caller_number,
                ops.adapt_datetimefield_value(contact.offered_at - window),
                ops.adapt_datetimefield_value(contact.offered_at + window),
            ],
        )
        ids = [row[0] for row in cursor.fetchall()]
    if ids:
        AmlMessage.objects.filter(pk__in=ids).update(
            contact=contact, status=AmlMessage.Status.MATCHED
        )
        for pk in ids:
            audit.record(
                Action.AML_MATCHED,
                actor=None,
                subject_type="contacts.amlmessage",
                subject_id=str(pk),
                contact=contact.pk,
            )
    return len(ids)
