"""Need-to-know: restricted records open only to their named teams and allocated officer, and
only with a reason, which the audit trail keeps with every opening.

Role permissions decide who may see a kind of record; a Restriction narrows one record further
(sexual offences, child abuse, a member of staff as the victim). The apps' access functions
(incidents.permissions.access_incident, contacts.permissions.access_contact) call `check`:

  * not restricted: nothing happens;
  * restricted, and the user is neither in a named team nor the allocated officer: Http404,
    as for a record that does not exist;
  * entitled, but no reason given for this record in this session: ReasonNeeded, which
    StaffSessionMiddleware answers with the "why are you opening this record?" page;
  * entitled, with a reason: an audit entry (RESTRICTED_RECORD_VIEWED) naming the reason.

A reason is kept in the session for REASON_MINUTES, so working on a record is not interrupted
at every click; every view in that time is still audited, with that reason.
"""

import contextvars
import time
from collections.abc import Iterable
from typing import Any, TypeVar

from django.db import models, transaction
from django.http import Http404
from django.utils import timezone

from demandhub import audit
from demandhub.audit.models import Action

from .errors import ReasonRequired
from .models import Restriction, Team, User

REASONS_KEY = "demandhub_ntk_reasons"
M = TypeVar("M", bound=models.Model)
REASON_MINUTES = 30


# The request's session, bound by StaffSessionMiddleware, so access functions that take only the
# user (the apps' permissions.py) can read the reasons given.
_session: contextvars.ContextVar[Any] = contextvars.ContextVar(
    "demandhub_ntk_session", default=None
)


def bind_session(session: Any) -> contextvars.Token[Any]:
    return _session.set(session)


def unbind_session(token: contextvars.Token[Any]) -> None:
    _session.reset(token)


class ReasonNeeded(Exception):
    def __init__(self, key: str, label: str) -> None:
        super().__init__(key)
        self.key = key
        self.label = label


def subject_key(record: models.Model) -> str:
    return f"{record._meta.label_lower}:{record.pk}"


def active_restriction(record: models.Model) -> Restriction | None:
    return (
        Restriction.objects.filter(
            subject_type=record._meta.label_lower, subject_id=str(record.pk), lifted_at__isnull=True
        )
        .prefetch_related("teams")
        .first()
    )


def entitled(user: User, restriction: Restriction, *, allocated_id: int | None = None) -> bool:
    """In a named team, the restriction's officer, or the record's allocated officer
    (`allocated_id`: e.g. a crime's investigating officer, who changes as the crime is
    reassigned)."""
    if user.pk is not None and user.pk in (restriction.officer_id, allocated_id):
        return True
    return restriction.teams.filter(members=user).exists()


def check(
    user: User, record: models.Model, session: Any = None, *, allocated_id: int | None = None
) -> None:
    """Let `user` open `record`, or refuse (Http404) or ask for the reason (ReasonNeeded)."""
    session = session if session is not None else _session.get()
    restriction = active_restriction(record)
    if restriction is None:
        return
    if not entitled(user, restriction, allocated_id=allocated_id):
        raise Http404
    key = subject_key(record)
    given = (session.get(REASONS_KEY) or {}).get(key) if session is not None else None
    if not given or time.time() - given["at"] > REASON_MINUTES * 60:
        raise ReasonNeeded(key, str(record))
    audit.record(
        Action.RESTRICTED_RECORD_VIEWED,
        actor=user,
        subject=record,
        reason=given["reason"],
        category=restriction.category,
    )


def is_restricted(record: models.Model) -> bool:
    return active_restriction(record) is not None


def restricted_ids(model: type[models.Model], pks: Iterable[Any]) -> set[str]:
    """Of the records of `model` with these pks, those under an active restriction (as strings,
    as Restriction.subject_id holds them): one query for a whole list."""
    wanted = {str(pk) for pk in pks}
    if not wanted:
        return set()
    return set(
        Restriction.objects.filter(
            subject_type=model._meta.label_lower, subject_id__in=wanted, lifted_at__isnull=True
        ).values_list("subject_id", flat=True)
    )


def redact(records: Iterable[M]) -> list[M]:
    """Mark each record of a list (queue, board, search results) `ntk_restricted` when it is
    under an active restriction. A list never shows a restricted record's content to anyone:
    templates show its reference and "Restricted" only; opening the record goes through the
    app's access function (404, or the reason page, and every view audited). One query for the
    list; the records are all of one model."""
    records = list(records)
    if not records:
        return records
    hidden = restricted_ids(type(records[0]), (r.pk for r in records))
    for record in records:
        record.ntk_restricted = str(record.pk) in hidden  # type: ignore[attr-defined]
    return records


def redact_many(*lists: Iterable[M]) -> list[list[M]]:
    """redact() for the several lists of one page (all of one model), with one query."""
    materialised = [list(records) for records in lists]
    redact([record for records in materialised for record in records])
    return materialised


def give_reason(session: Any, key: str, reason: str) -> None:
    reason = reason.strip()
    if not reason:
        raise ReasonRequired("say why you need to open this record")
    reasons = dict(session.get(REASONS_KEY) or {})
    reasons[key] = {"reason": reason[:500], "at": int(time.time())}
    session[REASONS_KEY] = reasons


@transaction.atomic
def restrict(
    record: models.Model,
    *,
    by: User | None,
    category: str,
    reason: str,
    teams: list[Team],
    officer: User | None = None,
) -> Restriction:
    """Restrict `record` to `teams` and `officer`; audited. Replaces an active restriction."""
    if not reason.strip():
        raise ReasonRequired("say why the record is restricted")
    if category not in Restriction.Category.values:
        raise ValueError(f"unknown restriction category {category!r}")
    now = timezone.now()
    Restriction.objects.filter(
        subject_type=record._meta.label_lower, subject_id=str(record.pk), lifted_at__isnull=True
    ).update(lifted_at=now)
    restriction = Restriction.objects.create(
        subject_type=record._meta.label_lower,
        subject_id=str(record.pk),
        category=category,
        officer=officer,
        reason=reason.strip(),
        created_by=by,
        created_at=now,
    )
    restriction.teams.set(teams)
    audit.record(
        Action.RECORD_RESTRICTED,
        actor=by,
        subject=record,
        category=category,
        teams=sorted(t.name for t in teams),
        officer=officer.username if officer else None,
        reason=reason.strip(),
    )
    return restriction


@transaction.atomic
def lift(record: models.Model, *, by: User | None, reason: str) -> int:
    if not reason.strip():
        raise ReasonRequired("say why the restriction is lifted")
    lifted = Restriction.objects.filter(
        subject_type=record._meta.label_lower, subject_id=str(record.pk), lifted_at__isnull=True
    ).update(lifted_at=timezone.now())
    if lifted:
        audit.record(Action.RESTRICTION_LIFTED, actor=by, subject=record, reason=reason.strip())
    return lifted
