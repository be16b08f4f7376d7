"""Who may see and do what with contacts. Missing and forbidden both answer 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from demandhub.accounts import need_to_know
from demandhub.accounts.models import User

from . import queueing
from .models import Contact
from .references import hash_token

Status = Contact.Status


def access_contact(user: User, pk: int) -> Contact:
    """The contact, if `user` may see it.

    Staff see contacts on channels they may handle; a web chat's transcript is readable only
    by the operator handling it (nobody reads a chat that is not theirs).
    """
    contact = get_object_or_404(
        Contact.objects.select_related("handled_by", "parent", "incident"), pk=pk
    )
    if not user.has_perm("contacts.view_contact"):
        raise Http404
    if contact.channel == Contact.Channel.WEB_CHAT and contact.handled_by_id != user.pk:
        raise Http404
    need_to_know.check(user, contact)  # restricted contacts: named teams, with a reason
    return contact


def access_public_contact(token: str) -> Contact:
    """The chat or report whose private link carries `token`; 404 for anything else."""
    if not token or len(token) > 100:
        raise Http404
    return get_object_or_404(
        Contact.objects.exclude(public_token_hash=""), public_token_hash=hash_token(token)
    )


def can_take(user: User, contact: Contact) -> bool:
    waiting = contact.status == Status.QUEUED or (
        contact.status == Status.IN_PROGRESS and contact.handled_by_id is None
    )
    return waiting and user.has_perm(queueing.permission_for(contact.channel))


def can_work(user: User, contact: Contact) -> bool:
    """Record the outcome, set the location, chat: the handler who holds it."""
    return contact.status == Status.IN_PROGRESS and contact.handled_by_id == user.pk


def channels_for(user: User) -> frozenset[str]:
    return queueing.channels_for(user.get_all_permissions())
