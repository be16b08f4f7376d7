"""Reads for crime records: the consoles' lists, the review facts, the series."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from demandhub.accounts.models import User

from . import workflow
from .completeness import ReportFacts
from .deadlines import DUE_SOON_WITHIN
from .models import AreaPosting, CrimeLink, CrimeRecord, InvestigationAction, Party

Status = CrimeRecord.Status


def crimes_awaiting_review(user: User | None = None) -> QuerySet[CrimeRecord]:
    """The IMU queue, the nearest recording deadline first: live crimes, or a trainee's
    running exercise's (`seen_by`)."""
    return (
        CrimeRecord.objects.seen_by(user)
        .filter(status__in=workflow.AWAITING_DECISION)
        .select_related("contact", "location_area")
        .annotate(victims=Count("parties", filter=Q(parties__role=Party.Role.VICTIM)))
        .order_by("recording_deadline", "pk")
    )


def crimes_near_recording_deadline(
    now: datetime | None = None, *, user: User | None = None
) -> QuerySet[CrimeRecord]:
    """Reports without a recording decision whose 24 hours end within DUE_SOON_WITHIN or have
    ended."""
    now = now or timezone.now()
    return crimes_awaiting_review(user).filter(recording_deadline__lte=now + DUE_SOON_WITHIN)


def review_facts(crime: CrimeRecord) -> ReportFacts:
    victims = list(crime.parties.filter(role=Party.Role.VICTIM))
    contactable = any(v.contact_details for v in victims) or (
        crime.contact is not None
        and bool(
            crime.contact.caller_number
            or crime.contact.caller_email
            or crime.contact.public_token_hash
        )
    )
    reporter_is_victim = crime.contact is not None and bool(crime.contact.caller_name)
    return ReportFacts(
        offence_code=crime.offence_code,
        summary=crime.summary,
        has_location=crime.latitude is not None or bool(crime.address.strip()),
        has_time_window=crime.occurred_from is not None,
        victims=len(victims) + (1 if not victims and reporter_is_victim else 0),
        victim_contactable=contactable,
        property_description=crime.property_description,
        modus_operandi=crime.modus_operandi,
    )


# The roles whose members are posted to an area's crime team (AreaPosting).
CRIME_TEAM_ROLES = ("sergeant", "investigating_officer")


def crime_team() -> QuerySet[User]:
    """Active sergeants and investigating officers, each with their posting, by name."""
    return (
        User.objects.filter(is_active=True, groups__name__in=CRIME_TEAM_ROLES)
        .distinct()
        .select_related("posting__area")
        .prefetch_related("groups")
        .order_by("last_name", "first_name", "username")
    )


def area_of(user: User) -> int | None:
    """The policing area a sergeant or officer is posted to (None: not posted; sees all).
    Remembered on the user object for the request (set_posting forgets it)."""
    if "_crimes_area_id" not in user.__dict__:
        user.__dict__["_crimes_area_id"] = (
            AreaPosting.objects.filter(user=user).values_list("area_id", flat=True).first()
        )
    return user.__dict__["_crimes_area_id"]  # type: ignore[no-any-return]


def _in_area(qs: QuerySet[CrimeRecord], area_id: int | None) -> QuerySet[CrimeRecord]:
    return qs if area_id is None else qs.filter(area_id=area_id)


def crimes_awaiting_assignment(user: User) -> QuerySet[CrimeRecord]:
    """Allocated crimes in the sergeant's area with no officer yet, oldest allocation first."""
    qs = CrimeRecord.objects.seen_by(user).filter(status=Status.ALLOCATED).select_related("area")
    return _in_area(qs, area_of(user)).order_by("allocated_at", "pk")


def crimes_under_investigation_in_area(user: User) -> QuerySet[CrimeRecord]:
    qs = (
        CrimeRecord.objects.seen_by(user)
        .filter(status=Status.UNDER_INVESTIGATION)
        .select_related("area", "officer")
    )
    return _in_area(qs, area_of(user)).order_by("assigned_at", "pk")


@dataclass(frozen=True)
class Workload:
    officer: User
    open_crimes: int
    overdue_actions: int
    overdue_updates: int


def officers_for(user: User) -> QuerySet[User]:
    """Investigating officers the sergeant may assign: posted to their area, or everyone with
    the role when the sergeant is not posted."""
    area_id = area_of(user)
    qs = User.objects.filter(is_active=True, groups__name="investigating_officer").distinct()
    if area_id is not None:
        qs = qs.filter(Q(posting__area_id=area_id) | Q(posting__isnull=True))
    return qs.order_by("last_name", "username")


def team_workload(user: User, now: datetime | None = None) -> list[Workload]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    open_q = Q(crimes__status__in=workflow.IN_INVESTIGATION)
    officers = officers_for(user).annotate(
        open_crimes=Count("crimes", filter=open_q, distinct=True),
        overdue_updates=Count(
            "crimes",
            filter=open_q
            & (Q(crimes__victim_update_due_at__lt=now) | Q(crimes__key_decision_due_at__lt=now)),
            distinct=True,
        ),
    )
    overdue_actions = dict(
        InvestigationAction.objects.filter(completed_at__isnull=True, due_on__lt=today)
        .values_list("owner")
        .annotate(n=Count("pk"))
        .values_list("owner", "n")
    )
    return [
        Workload(o, o.open_crimes, overdue_actions.get(o.pk, 0), o.overdue_updates)  # type: ignore[attr-defined]
        for o in officers
    ]


def crimes_for_officer(user: User) -> QuerySet[CrimeRecord]:
    return (
        CrimeRecord.objects.seen_by(user)
        .filter(officer=user, status__in=workflow.IN_INVESTIGATION)
        .select_related("area")
        .order_by("assigned_at", "pk")
    )


def actions_due(user: User) -> QuerySet[InvestigationAction]:
    return (
        InvestigationAction.objects.filter(owner=user, completed_at__isnull=True)
        .select_related("crime")
        .order_by("due_on", "pk")
    )


def overdue_victim_updates(
    now: datetime | None = None,
    *,
    officer: User | None = None,
    area_id: int | None = None,
    user: User | None = None,
) -> QuerySet[CrimeRecord]:
    """Crimes under investigation whose regular update or key-decision update is overdue
    (live ones, or those of `user`'s running exercise), the longest overdue first: by the
    earlier of the two deadlines (`first_due`)."""
    now = now or timezone.now()
    regular, key = F("victim_update_due_at"), F("key_decision_due_at")
    qs = (
        CrimeRecord.objects.seen_by(user)
        .filter(status__in=workflow.IN_INVESTIGATION)
        .filter(Q(victim_update_due_at__lt=now) | Q(key_decision_due_at__lt=now))
        # LEAST is NULL with a NULL argument on SQLite: each side falls back to the other.
        .annotate(first_due=Least(Coalesce(regular, key), Coalesce(key, regular)))
    )
    if officer is not None:
        qs = qs.filter(officer=officer)
    if area_id is not None:
        qs = qs.filter(area_id=area_id)
    return qs.select_related("officer", "area").order_by("first_due", "pk")


def undelivered_key_decisions(
    now: datetime | None = None, *, user: User | None = None
) -> QuerySet[CrimeRecord]:
    """Filed or not-recorded crimes whose victim has yet to be told (no tracking page)."""
    now = now or timezone.now()
    return (
        CrimeRecord.objects.seen_by(user)
        .filter(key_decision_due_at__isnull=False)
        .exclude(status__in=workflow.IN_INVESTIGATION)
        .order_by("key_decision_due_at")
    )


def linked_crimes(crime: CrimeRecord) -> list[CrimeRecord]:
    """The series: every crime reachable through confirmed links, this one included,
    in time order."""
    seen, frontier = {crime.pk}, [crime.pk]
    while frontier:
        pairs = CrimeLink.objects.filter(Q(first__in=frontier) | Q(second__in=frontier))
        found = {p for pair in pairs.values_list("first", "second") for p in pair} - seen
        seen |= found
        frontier = list(found)
    crimes = CrimeRecord.objects.filter(pk__in=seen).select_related("area")
    return sorted(crimes, key=lambda c: c.occurred_from or c.reported_at)


def links_of(crime: CrimeRecord) -> QuerySet[CrimeLink]:
    return CrimeLink.objects.filter(Q(first=crime) | Q(second=crime)).select_related(
        "first", "second", "confirmed_by"
    )


RECENT = timedelta(days=30)
