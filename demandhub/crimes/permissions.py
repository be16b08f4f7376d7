"""Who may see and do what with crime records."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from demandhub.accounts import need_to_know
from demandhub.accounts.models import User

from . import workflow
from .models import CrimeRecord
from .queries import area_of


def access_crime(user: User, pk: int) -> CrimeRecord:
    """The crime record, if `user` may see it; Http404 otherwise (missing and forbidden look
    the same). A restricted record (accounts.Restriction: sexual offences by default, see
    actions.recording) opens only to its named teams, the restriction's officer and the
    investigating officer, with a reason, every view audited (accounts/need_to_know.py)."""
    if not user.has_perm("crimes.view_crimerecord"):
        raise Http404
    crime = get_object_or_404(
        CrimeRecord.objects.select_related("contact", "area", "location_area", "officer"), pk=pk
    )
    need_to_know.check(user, crime, allocated_id=crime.officer_id)
    return crime


def can_review(user: User, crime: CrimeRecord) -> bool:
    return user.has_perm("crimes.review_crime") and crime.status in workflow.AWAITING_DECISION


def can_edit_details(user: User, crime: CrimeRecord) -> bool:
    return can_review(user, crime) or can_investigate(user, crime)


def can_assign(user: User, crime: CrimeRecord) -> bool:
    if not user.has_perm("crimes.assign_crime") or crime.status not in workflow.IN_INVESTIGATION:
        return False
    area_id = area_of(user)
    return area_id is None or area_id == crime.area_id


def can_investigate(user: User, crime: CrimeRecord) -> bool:
    """The assigned officer, or a sergeant of the area, works on a crime under investigation."""
    if crime.status not in workflow.IN_INVESTIGATION:
        return False
    if crime.officer_id == user.pk and user.has_perm("crimes.investigate_crime"):
        return True
    return can_assign(user, crime)


def can_cancel(user: User, crime: CrimeRecord) -> bool:
    return (
        user.has_perm("crimes.cancel_crime")
        and workflow.Status.CANCELLED in workflow.NEXT[crime.status]
    )


def can_link(user: User, crime: CrimeRecord) -> bool:
    return user.has_perm("crimes.link_crime")
