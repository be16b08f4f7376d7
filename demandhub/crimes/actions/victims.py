"""Victim care under the Victims' Code: updates, first contact, key decisions, entitlement.
Updates given through the tracking page appear there through contacts' reporter updates."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from demandhub import audit
from demandhub.accounts.models import User
from demandhub.audit.models import Action
from demandhub.core import realtime

from .. import victims_code
from ..errors import CrimeError
from ..models import CrimeRecord, VictimUpdate

Kind = VictimUpdate.Kind
Channel = VictimUpdate.Channel

# Updates that tell the victim of the key decision awaiting them.
MEETS_KEY_DECISION = frozenset({Kind.KEY_DECISION, Kind.OUTCOME, Kind.FIRST_CONTACT})


def can_use_tracking_page(crime: CrimeRecord) -> bool:
    """Whether the reporter has a tracking page (a public channel with a private link)."""
    return crime.contact is not None and bool(crime.contact.public_token_hash)


def tell_victim(
    crime: CrimeRecord,
    *,
    by: User | None,
    kind: str,
    text: str,
    channel: str = "",
) -> VictimUpdate | None:
    """Record an update for the victim, in the caller's transaction; the caller holds the
    lock and saves `crime`'s Victims' Code fields.

    With no channel given, the update goes to the tracking page when the reporter has one;
    without one, nothing is recorded (None) and the deadline stays for the officer to meet.
    """
    if not channel:
        if not can_use_tracking_page(crime):
            return None
        channel = Channel.TRACKING_PAGE
    now = timezone.now()
    meets = kind in MEETS_KEY_DECISION
    update = VictimUpdate.objects.create(
        crime=crime,
        kind=kind,
        channel=channel,
        text=text.strip(),
        given_at=now,
        given_by=by,
        key_decision_due_at=crime.key_decision_due_at if meets else None,
    )
    if channel == Channel.TRACKING_PAGE:
        if not can_use_tracking_page(crime):
            raise CrimeError("this reporter has no tracking page: give the update another way")
        from demandhub.contacts.actions import add_reporter_update

        add_reporter_update(crime.contact, by=by, text=text.strip())  # type: ignore[arg-type]
    if meets:
        crime.key_decision_due_at = None
    if crime.officer_id is not None:
        crime.victim_update_due_at = victims_code.next_update_due(
            now, every_days=crime.update_every_days
        )
    crime.save(update_fields=["key_decision_due_at", "victim_update_due_at"])
    audit.record(Action.CRIME_VICTIM_UPDATED, actor=by, subject=crime, kind=kind, channel=channel)
    return update


@transaction.atomic
def update_victim(
    crime: CrimeRecord, *, by: User, text: str, channel: str, kind: str = Kind.REGULAR
) -> VictimUpdate:
    """An officer's update to the victim (regular, or telling them of a key decision)."""
    crime = CrimeRecord.objects.select_for_update().get(pk=crime.pk)
    if not text.strip():
        raise CrimeError("an update needs some words for the victim")
    update = tell_victim(crime, by=by, kind=kind, text=text, channel=channel)
    assert update is not None  # a channel was given
    realtime.announce("crimes", "crime.changed", crime.pk)
    return update


@transaction.atomic
def record_first_contact(
    crime: CrimeRecord, *, by: User, channel: str, note: str = ""
) -> CrimeRecord:
    """The investigating officer's first contact with the victim, with its time."""
    crime = CrimeRecord.objects.select_for_update().get(pk=crime.pk)
    if crime.victim_first_contact_at is not None:
        raise CrimeError("the first contact with the victim is already recorded")
    crime.victim_first_contact_at = timezone.now()
    crime.save(update_fields=["victim_first_contact_at"])
    tell_victim(
        crime,
        by=by,
        kind=Kind.FIRST_CONTACT,
        channel=channel,
        text=note
        or f"{by.get_full_name() or by.username} is investigating {crime.reference} "
        "and has been in touch with you.",
    )
    realtime.announce("crimes", "crime.changed", crime.pk)
    return crime


@transaction.atomic
def set_victim_care(
    crime: CrimeRecord, *, by: User, enhanced: bool, update_every_days: int
) -> CrimeRecord:
    """Record the victim's entitlement to enhanced services and the agreed update frequency."""
    crime = CrimeRecord.objects.select_for_update().get(pk=crime.pk)
    if not 1 <= update_every_days <= 90:
        raise CrimeError("agree an update frequency between 1 and 90 days")
    key_decision_was_due = crime.key_decision_due_at
    if key_decision_was_due is not None and enhanced != crime.enhanced_entitlement:
        # The pending key decision is due as the new entitlement says (Victims' Code:
        # 1 working day for enhanced rights, else 5), counted from the same decision.
        crime.key_decision_due_at = victims_code.rescale_key_decision_deadline(
            key_decision_was_due, enhanced=enhanced
        )
    crime.enhanced_entitlement = enhanced
    crime.update_every_days = update_every_days
    last = crime.victim_updates.order_by("-given_at").values_list("given_at", flat=True).first()
    if crime.officer_id is not None:
        crime.victim_update_due_at = victims_code.next_update_due(
            last or crime.assigned_at or timezone.now(), every_days=update_every_days
        )
    crime.save(
        update_fields=[
            "enhanced_entitlement",
            "update_every_days",
            "victim_update_due_at",
            "key_decision_due_at",
        ]
    )
    rescaled: dict[str, object] = {}
    if crime.key_decision_due_at != key_decision_was_due:
        rescaled = {
            "key_decision_was_due": key_decision_was_due,
            "key_decision_due": crime.key_decision_due_at,
        }
    audit.record(
        Action.CRIME_VICTIM_CARE_SET,
        actor=by,
        subject=crime,
        enhanced=enhanced,
        update_every_days=update_every_days,
        **rescaled,
    )
    realtime.announce("crimes", "crime.changed", crime.pk)
    return crime


def await_key_decision_update(crime: CrimeRecord, *, decided_at: datetime) -> None:
    """Set the deadline to tell the victim of a key decision made at `decided_at` (the caller
    holds the lock and saves). A deadline already pending and earlier is kept: one update
    tells the victim of every decision awaiting them, and a later decision must not push back
    (or hide the breach of) the deadline of one they are still waiting to hear about."""
    due = victims_code.key_decision_deadline(decided_at, enhanced=crime.enhanced_entitlement)
    if crime.key_decision_due_at is None or due < crime.key_decision_due_at:
        crime.key_decision_due_at = due


@transaction.atomic
def record_key_decision(crime: CrimeRecord, *, by: User, decision: str) -> CrimeRecord:
    """A decision the victim must be told of (arrest, interview, charge, bail, release...):
    sets the deadline, 1 working day for enhanced entitlement or else 5, unless an earlier
    one is still pending (await_key_decision_update)."""
    crime = CrimeRecord.objects.select_for_update().get(pk=crime.pk)
    if not decision.strip():
        raise CrimeError("say what was decided")
    await_key_decision_update(crime, decided_at=timezone.now())
    crime.save(update_fields=["key_decision_due_at"])
    audit.record(
        Action.CRIME_KEY_DECISION,
        actor=by,
        subject=crime,
        decision=decision.strip(),
        due=crime.key_decision_due_at,
    )
    realtime.announce("crimes", "crime.changed", crime.pk)
    return crime
