"""Who may see and change which resource."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from demandhub.accounts.models import User

from .models import Resource


def access_resource(user: User, pk: int) -> Resource:
    """The unit, if `user` may see resources; Http404 otherwise (missing and forbidden alike)."""
    if not user.has_perm("dispatch.view_resource"):
        raise Http404
    return get_object_or_404(Resource.objects.select_related("home_station__area"), pk=pk)


def is_crew(user: User, resource: Resource) -> bool:
    return resource.crew.filter(pk=user.pk).exists()


def can_change_status(user: User, resource: Resource) -> bool:
    """Dispatchers and supervisors change any unit's status; a crew changes its own."""
    if user.has_perm("dispatch.change_resource_status"):
        return True
    return user.has_perm("dispatch.crew_resource") and is_crew(user, resource)


def can_report_positions(user: User) -> bool:
    return user.has_perm("dispatch.report_position")


def can_crew(user: User) -> bool:
    return user.has_perm("dispatch.crew_resource")
