"""Who may see and do what with incidents. Missing and forbidden both give 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from demandhub.accounts import need_to_know
from demandhub.accounts.models import User

from . import workflow
from .models import Incident


def access_incident(user: User, pk: int) -> Incident:
    """The incident, if `user` may see it; Http404 otherwise."""
    if not user.has_perm("incidents.view_incident"):
        raise Http404
    incident = get_object_or_404(Incident.objects.select_related("area", "contact"), pk=pk)
    need_to_know.check(user, incident)  # restricted incidents: named teams, with a reason
    return incident


def access_incident_by_reference(user: User, reference: str) -> Incident:
    if not user.has_perm("incidents.view_incident"):
        raise Http404
    incident = get_object_or_404(
        Incident.objects.select_related("area", "contact"), reference=reference
    )
    need_to_know.check(user, incident)
    return incident


def can_raise(user: User) -> bool:
    return user.has_perm("incidents.raise_incident")


def can_grade(user: User, incident: Incident) -> bool:
    return user.has_perm("incidents.grade_incident") and incident.status in workflow.GRADEABLE


def can_regrade(user: User, incident: Incident) -> bool:
    return user.has_perm("incidents.regrade_incident") and incident.status in workflow.REGRADEABLE


def can_resolve(user: User, incident: Incident) -> bool:
    return (
        user.has_perm("incidents.resolve_incident")
        and incident.status == Incident.Status.WITH_RESOLUTION_TEAM
    )


def can_redirect(user: User, incident: Incident) -> bool:
    return user.has_perm("incidents.redirect_incident") and incident.status in workflow.REDIRECTABLE


def can_close(user: User, incident: Incident) -> bool:
    return user.has_perm("incidents.close_incident") and workflow.can_move(
        incident, Incident.Status.CLOSED
    )


def can_write_log(user: User, incident: Incident) -> bool:
    if incident.status == Incident.Status.CLOSED:
        return user.has_perm("incidents.regrade_incident")
    return (
        user.has_perm("incidents.raise_incident")
        or user.has_perm("incidents.resolve_incident")
        or user.has_perm("incidents.close_incident")
    )


def can_review(user: User) -> bool:
    return user.has_perm("incidents.review_resolution")
