"""Who may watch scene streams, manage links and open evidence. Missing and forbidden give 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from demandhub import audit
from demandhub.accounts.models import User
from demandhub.audit.models import Action
from demandhub.incidents.models import Incident
from demandhub.incidents.permissions import access_incident

from .models import Evidence, SceneLink


def can_watch(user: User) -> bool:
    """Create, send and revoke links, watch streams and capture evidence."""
    return user.has_perm("scene.watch_stream") and user.has_perm("incidents.view_incident")


def can_view_evidence(user: User) -> bool:
    return user.has_perm("scene.view_evidence") and user.has_perm("incidents.view_incident")


def access_scene(user: User, pk: int) -> Incident:
    """The incident, if `user` may watch its scene streams; Http404 otherwise."""
    if not can_watch(user):
        raise Http404
    return access_incident(user, pk)


def access_link(user: User, incident: Incident, link_pk: int) -> SceneLink:
    if not can_watch(user):
        raise Http404
    return get_object_or_404(
        SceneLink.objects.select_related("incident"), pk=link_pk, incident=incident
    )


def access_evidence(user: User, pk: int) -> Evidence:
    """The evidence, if `user` may open it; Http404 otherwise. Opening it is audited."""
    if not can_view_evidence(user):
        raise Http404
    item = get_object_or_404(Evidence.objects.select_related("incident"), pk=pk)
    access_incident(user, item.incident_id)
    audit.record(
        Action.SCENE_EVIDENCE_VIEWED,
        actor=user,
        subject=item,
        incident=item.incident.reference,
        sha256=item.sha256,
    )
    return item
