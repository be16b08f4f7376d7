"""Reads for the contact consoles: the queues, a handler's own contacts, one contact."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, ExpressionWrapper, F, Q, QuerySet
from django.db.models import DurationField as _Duration
from django.utils import timezone

from demandhub.accounts.models import User

from .actions.handling import waiting
from .models import AmlMessage, Contact, StaffState

if TYPE_CHECKING:
    from demandhub.demand.models import Exercise

Status = Contact.Status


def queue(channels: Iterable[str], exercise: "Exercise | None" = None) -> QuerySet[Contact]:
    """Contacts waiting on `channels`, in the order they will be taken: live ones, or those of
    a training `exercise`."""
    return (
        Contact.objects.in_exercise(exercise)
        .filter(waiting(channels))
        .select_related("parent")
        .order_by("priority", "offered_at", "id")
    )


@dataclass
class ChannelQueue:
    channel: str
    label: str
    waiting: list[Contact] = field(default_factory=list)
    in_progress: int = 0
    answered_today: int = 0
    abandoned_today: int = 0
    answered_within_target: int = 0

    @property
    def answer_standard(self) -> int | None:
        """Percent of today's answered contacts answered within ANSWER_TARGET (999 only)."""
        if self.channel != Contact.Channel.EMERGENCY_CALL or not self.answered_today:
            return None
        return round(100 * self.answered_within_target / self.answered_today)

    @property
    def oldest(self) -> datetime | None:
        return min((c.offered_at for c in self.waiting), default=None)


# The national 999 standard: 90% answered within 10 seconds (../shared/DOMAIN.md section 4).
ANSWER_TARGET = timedelta(seconds=10)


def queue_board(
    now: datetime | None = None, exercise: "Exercise | None" = None
) -> list[ChannelQueue]:
    """One row per channel, most urgent first: who is waiting, and today's answered and
    abandoned counts. Two queries whatever the queue length. Live contacts only, or only
    those of a training `exercise`."""
    now = now or timezone.now()
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    rows = {
        channel: ChannelQueue(channel, str(label))
        for channel, label in sorted(
            Contact.Channel.choices, key=lambda c: (queue_priority(c[0]), c[0])
        )
    }
    for contact in queue(rows, exercise):
        rows[contact.channel].waiting.append(contact)
    counts = (
        Contact.objects.in_exercise(exercise)
        .filter(Q(status=Status.IN_PROGRESS) | Q(offered_at__gte=start_of_day))
        .annotate(wait=ExpressionWrapper(F("answered_at") - F("offered_at"), _Duration()))
        .values("channel")
        .annotate(
            in_progress=Count("id", filter=Q(status=Status.IN_PROGRESS)),
            answered=Count("id", filter=Q(answered_at__gte=start_of_day)),
            abandoned=Count("id", filter=Q(status=Status.ABANDONED, offered_at__gte=start_of_day)),
            within_target=Count(
                "id", filter=Q(answered_at__gte=start_of_day, wait__lte=ANSWER_TARGET)
            ),
        )
    )
    for row in counts:
        queue_row = rows[row["channel"]]
        queue_row.in_progress = row["in_progress"]
        queue_row.answered_today = row["answered"]
        queue_row.abandoned_today = row["abandoned"]
        queue_row.answered_within_target = row["within_target"]
    return list(rows.values())


def queue_priority(channel: str) -> int:
    from .queueing import priority_of

    return priority_of(channel)


def held_by(user: User) -> QuerySet[Contact]:
    """The contacts this member of staff has taken and not finished."""
    return Contact.objects.filter(handled_by=user, status=Status.IN_PROGRESS).order_by(
        "priority", "answered_at"
    )


def waiting_chats() -> QuerySet[Contact]:
    return (
        Contact.objects.live()
        .filter(channel=Contact.Channel.WEB_CHAT, status=Status.QUEUED)
        .annotate(message_count=Count("chat_messages"))
        .order_by("offered_at", "id")
    )


def handset_locations(contact: Contact) -> list[AmlMessage]:
    """AML positions attached to this contact, newest first (the candidates to use)."""
    return list(
        contact.aml_messages.filter(latitude__isnull=False).order_by("-positioned_at", "-id")
    )


def recently_finished(user: User, limit: int = 10) -> QuerySet[Contact]:
    return Contact.objects.filter(handled_by=user, status=Status.COMPLETED).order_by(
        "-outcome_recorded_at"
    )[:limit]


def earlier_contacts(contact: Contact, limit: int = 5) -> list[Contact]:
    """Earlier contacts from the same number or email: repeat callers matter to risk."""
    same = Q()
    if contact.caller_number:
        same |= Q(caller_number=contact.caller_number)
    if contact.caller_email:
        same |= Q(caller_email__iexact=contact.caller_email)
    if not same:
        return []
    return list(
        Contact.objects.in_exercise(contact.exercise_id)  # type: ignore[arg-type]
        .filter(same, offered_at__lt=contact.offered_at)
        .exclude(pk=contact.pk)
        .select_related("incident")
        .order_by("-offered_at")[:limit]
    )


def search(user: User, text: str, limit: int = 50) -> list[Contact]:
    """Contacts whose reference, call id, caller number, name or email matches `text`, newest
    first. Web chats appear only to the operator who handled them (permissions.access_contact)."""
    from .phones import to_e164

    text = text.strip()
    if not text:
        return []
    match = (
        Q(reference__iexact=text)
        | Q(external_id=text)
        | Q(caller_name__icontains=text)
        | Q(caller_email__iexact=text)
        | Q(caller_number_as_given=text)
    )
    if number := to_e164(text):
        match |= Q(caller_number=number)
    return list(
        Contact.objects.seen_by(user)
        .filter(match)
        .exclude(Q(channel=Contact.Channel.WEB_CHAT) & ~Q(handled_by=user))
        .select_related("handled_by", "incident")
        .order_by("-offered_at")[:limit]
    )


def staff_state_of(user: User) -> StaffState | None:
    """The member of staff's state on the floor; None before they first set one."""
    return StaffState.objects.filter(user=user).first()
