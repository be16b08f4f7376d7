"""Reading the audit trail over the API (for export to a records system)."""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from . import chain
from .models import Event
from .queries import events_in_chain_order

router = Router(tags=["audit"])


class EventOut(Schema):
    id: int
    occurred_at: datetime
    actor: str | None
    action: str
    subject_type: str
    subject_id: str
    data: dict[str, Any]
    ip_address: str | None
    request_id: str
    prev_hash: str
    hash: str


class EventPage(Schema):
    after_id: int = Field(0, ge=0, description="return entries with an id above this")
    limit: int = Field(200, ge=1, le=1000)


class ChainOut(Schema):
    intact: bool
    checked: int
    head: str
    broken_id: int | None
    reason: str


def _require_audit_reader(request: HttpRequest) -> None:
    if not request.user.has_perm("audit.view_event"):
        raise PermissionDenied


@router.get("/events", response=list[EventOut], summary="Audit entries in chain order")
def events(request: HttpRequest, page: Query[EventPage]) -> list[EventOut]:
    _require_audit_reader(request)
    rows = (
        Event.objects.select_related("actor")
        .filter(id__gt=page.after_id)
        .order_by("id")[: page.limit]
    )
    return [
        EventOut(
            id=e.pk,
            occurred_at=e.occurred_at,
            actor=e.actor.username if e.actor else None,
            action=e.action,
            subject_type=e.subject_type,
            subject_id=e.subject_id,
            data=e.data,
            ip_address=e.ip_address,
            request_id=e.request_id,
            prev_hash=e.prev_hash,
            hash=e.hash,
        )
        for e in rows
    ]


@router.get("/chain", response=ChainOut, summary="Verify the whole hash chain")
def chain_status(request: HttpRequest) -> ChainOut:
    _require_audit_reader(request)
    verdict = chain.verify(events_in_chain_order().iterator(chunk_size=2000))
    return ChainOut(
        intact=verdict.ok,
        checked=verdict.checked,
        head=verdict.head,
        broken_id=verdict.broken_id,
        reason=verdict.reason,
    )
