"""Reads for scene video: links by token, an incident's links, positions and evidence."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from demandhub.incidents.models import Incident

from . import links
from .links import LinkState
from .models import Evidence, SceneLink, SceneLocation


def link_for_token(token: str) -> SceneLink | None:
    """The link whose token this is, or None (forged, mistyped or malformed)."""
    if not links.looks_like_token(token):
        return None
    return (
        SceneLink.objects.select_related("incident").filter(token_hash=links.digest(token)).first()
    )


@dataclass(frozen=True)
class LinkRow:
    link: SceneLink
    state: LinkState

    @property
    def usable(self) -> bool:
        return self.state in (LinkState.WAITING, LinkState.BOUND)


def links_for(incident: Incident, now: datetime) -> list[LinkRow]:
    """The incident's links, newest first, each with its state at `now`."""
    rows = SceneLink.objects.filter(incident=incident).select_related("created_by")
    return [LinkRow(link, links.state_of(link, now)) for link in rows.order_by("-created_at")]


def live_link_ids(incident: Incident, now: datetime) -> list[int]:
    """Links a caller has consented on and that still work: the streams staff may watch."""
    return [row.link.pk for row in links_for(incident, now) if row.state == LinkState.BOUND]


def recent_locations(incident: Incident, limit: int = 5) -> QuerySet[SceneLocation]:
    return SceneLocation.objects.filter(incident=incident).order_by("-reported_at", "-pk")[:limit]


def evidence_for(incident: Incident) -> QuerySet[Evidence]:
    return (
        Evidence.objects.filter(incident=incident)
        .select_related("captured_by")
        .order_by("-captured_at", "-pk")
    )
