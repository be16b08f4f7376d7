"""The contact consoles: the handler's console, the queue board, waiting web chats and one
contact's page. Thin: input through forms, writes through actions, reads through queries."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from demandhub.accounts import need_to_know
from demandhub.core.errors import DomainError
from demandhub.demand.training import exercise_of
from demandhub.forces.models import PolicingArea

from . import conf, queries
from .actions import (
    add_reporter_update,
    record_outcome,
    release_contact,
    set_location,
    set_staff_state,
    take_contact,
    take_next_contact,
    use_handset_location,
)
from .actions.chat import message_json
from .errors import ContactError
from .forms import OUTCOME_ORDER, LocationForm, OutcomeForm, ReporterUpdateForm
from .models import AmlMessage, Contact
from .permissions import access_contact, can_take, can_work, channels_for
from .phones import for_display

HANDLE = "contacts.handle_contact"


def _can_handle(user: object) -> bool:
    return bool(user.has_perm(HANDLE) or user.has_perm("contacts.handle_emergency_contact"))  # type: ignore[attr-defined]


@require_GET
@permission_required("contacts.view_contact", raise_exception=True)
def console(request: HttpRequest) -> HttpResponse:
    """The handler's console: take next, my contacts, what is waiting for me."""
    channels = channels_for(request.user)  # type: ignore[arg-type]
    context = {
        "mine": need_to_know.redact(queries.held_by(request.user)),  # type: ignore[arg-type]
        "waiting": need_to_know.redact(queries.queue(channels)[:20]),
        "finished": need_to_know.redact(queries.recently_finished(request.user)),  # type: ignore[arg-type]
        "can_handle": bool(channels),
        "my_state": queries.staff_state_of(request.user) if channels else None,  # type: ignore[arg-type]
    }
    template = "contacts/console.html#work" if request.htmx else "contacts/console.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_POST
@permission_required("contacts.view_contact", raise_exception=True)
def take_next(request: HttpRequest) -> HttpResponse:
    channels = channels_for(request.user)  # type: ignore[arg-type]
    if not channels:
        raise PermissionDenied
    contact = take_next_contact(by=request.user, channels=channels)  # type: ignore[arg-type]
    if contact is None:
        messages.info(request, "Nobody is waiting on your channels.")
        return redirect("contacts:console")
    return redirect("contacts:detail", contact.pk)


@require_POST
@permission_required("contacts.view_contact", raise_exception=True)
def staff_state(request: HttpRequest) -> HttpResponse:
    """The handler goes available, on a break or off the floor."""
    if not channels_for(request.user):  # type: ignore[arg-type]
        raise PermissionDenied
    try:
        row = set_staff_state(request.user, state=request.POST.get("state", ""))  # type: ignore[arg-type]
    except ContactError as e:
        messages.error(request, str(e))
    else:
        messages.info(request, f"You are {row.get_state_display().lower()}.")
    return redirect("contacts:console")


@require_GET
@permission_required("contacts.view_contact", raise_exception=True)
def board(request: HttpRequest) -> HttpResponse:
    template = "contacts/board.html#board" if request.htmx else "contacts/board.html"  # type: ignore[attr-defined]
    queues = queries.queue_board(exercise=exercise_of(request.user))
    need_to_know.redact([c for q in queues for c in q.waiting])
    return render(request, template, {"queues": queues})


@require_GET
@permission_required("contacts.view_contact", raise_exception=True)
def search(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")[:100]
    results = need_to_know.redact(queries.search(request.user, text))  # type: ignore[arg-type]
    return render(request, "contacts/search.html", {"q": text, "results": results})


@require_GET
@permission_required(HANDLE, raise_exception=True)
def chats(request: HttpRequest) -> HttpResponse:
    template = "contacts/chats.html#waiting" if request.htmx else "contacts/chats.html"  # type: ignore[attr-defined]
    return render(request, template, {"chats": need_to_know.redact(queries.waiting_chats())})


def _map_data(contact: Contact, handset: list[AmlMessage]) -> dict[str, object]:
    location = None
    if contact.has_location:
        location = {
            "lat": contact.latitude,
            "lon": contact.longitude,
            "text": contact.location_text,
        }
    return {
        "location": location,
        "handset": [
            {"lat": a.latitude, "lon": a.longitude, "accuracy": a.accuracy_m} for a in handset
        ],
    }


def _detail_context(request: HttpRequest, contact: Contact, **forms: object) -> dict[str, object]:
    user = request.user
    handset = queries.handset_locations(contact)
    return {
        "contact": contact,
        "number": for_display(contact.caller_number),
        "can_work": can_work(user, contact),  # type: ignore[arg-type]
        "can_take": can_take(user, contact),  # type: ignore[arg-type]
        "handset_locations": handset,
        "map_data": _map_data(contact, handset),
        "map_tiles": settings.MAP_TILE_URL,
        "outcome_form": forms.get("outcome_form") or OutcomeForm(channel=contact.channel),
        "location_form": forms.get("location_form")
        or LocationForm(
            initial={
                "text": contact.location_text,
                "latitude": contact.latitude,
                "longitude": contact.longitude,
            }
        ),
        "update_form": forms.get("update_form") or ReporterUpdateForm(),
        "shortcuts": {o.value: i + 1 for i, o in enumerate(OUTCOME_ORDER)},
        "chat_messages": [message_json(m) for m in contact.chat_messages.select_related("author")]
        if contact.channel == Contact.Channel.WEB_CHAT
        else [],
        "chat_socket": f"/ws/chat/{contact.pk}/",
        "chat_title": f"Web chat with {contact.caller_name}",
        "chat_ended": not can_work(user, contact),  # type: ignore[arg-type]
        "crimes": contact.crime_records.all(),
        "updates": contact.reporter_updates.all(),
        "attachments": contact.attachments.all(),
        "transfers": contact.transfers.all(),
        "earlier": queries.earlier_contacts(contact),
        "history": contact.status_changes.select_related("changed_by").order_by("id"),
    }


@require_GET
@permission_required("contacts.view_contact", raise_exception=True)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = access_contact(request.user, pk)  # type: ignore[arg-type]
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "contacts/contact.html#live", _detail_context(request, contact))
    context = _detail_context(request, contact)
    context["map_areas"] = list(PolicingArea.objects.values("name", "boundary"))
    return render(request, "contacts/contact.html", context)


@require_POST
@permission_required("contacts.view_contact", raise_exception=True)
def take(request: HttpRequest, pk: int) -> HttpResponse:
    if not _can_handle(request.user):  # before the contact is looked up (see _worked)
        raise PermissionDenied
    contact = get_object_or_404(Contact, pk=pk)
    if not can_take(request.user, contact):  # type: ignore[arg-type]
        # A chat someone else accepted first: say so rather than 404 the operator.
        if contact.status != Contact.Status.QUEUED and _can_handle(request.user):
            messages.warning(request, "Someone else has already taken that contact.")
            return redirect(
                "contacts:chats" if contact.channel == "web_chat" else "contacts:console"
            )
        raise Http404
    try:
        take_contact(contact, by=request.user)  # type: ignore[arg-type]
    except ContactError:
        messages.warning(request, "Someone else has already taken that contact.")
        return redirect("contacts:console")
    return redirect("contacts:detail", contact.pk)


def _worked(request: HttpRequest, pk: int) -> Contact:
    """The contact the caller holds, to work on. Only contact handlers work contacts: anyone
    else (an analyst, a trainer, who may read them) is refused before the contact is looked
    up, so the refusal does not depend on the record (403, not 404)."""
    if not _can_handle(request.user):
        raise PermissionDenied
    contact = access_contact(request.user, pk)  # type: ignore[arg-type]
    if not can_work(request.user, contact):  # type: ignore[arg-type]
        raise PermissionDenied
    return contact


@require_POST
@permission_required("contacts.view_contact", raise_exception=True)
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _worked(request, pk)
    form = OutcomeForm(request.POST, channel=contact.channel)
    if form.is_valid():
        try:
            contact = record_outcome(contact, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as e:  # ours, or the incident's (closed, already linked)
            form.add_error(None, str(e))
        else:
            messages.success(request, f"{contact}: {contact.get_outcome_display()}.")
            # A raised incident is graded next, on its own page.
            if contact.outcome == Contact.Outcome.INCIDENT_RAISED and request.user.has_perm(
                "incidents.view_incident"
            ):
                return redirect("incidents:detail", contact.incident_id)
            return redirect("contacts:detail", contact.pk)
    return render(
        request,
        "contacts/contact.html",
        _detail_context(request, contact, outcome_form=form),
        status=422,
    )


@require_POST
@permission_required("contacts.view_contact", raise_exception=True)
def release(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _worked(request, pk)
    release_contact(contact, by=request.user, reason=request.POST.get("reason", "")[:500])  # type: ignore[arg-type]
    messages.info(request, f"{contact} is back in the queue.")
    return redirect("contacts:console")


@require_POST
@permission_required("contacts.view_contact", raise_exception=True)
def location(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _worked(request, pk)
    form = LocationForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "contacts/contact.html",
            _detail_context(request, contact, location_form=form),
            status=422,
        )
    set_location(contact, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
    return redirect("contacts:detail", contact.pk)


@require_POST
@permission_required("contacts.view_contact", raise_exception=True)
def use_aml(request: HttpRequest, pk: int, aml_pk: int) -> HttpResponse:
    contact = _worked(request, pk)
    message = get_object_or_404(AmlMessage, pk=aml_pk, contact=contact, latitude__isnull=False)
    use_handset_location(contact, by=request.user, message=message)  # type: ignore[arg-type]
    messages.success(request, "Handset location used as the contact's location.")
    return redirect("contacts:detail", contact.pk)


@require_POST
@permission_required(HANDLE, raise_exception=True)
def reporter_update(request: HttpRequest, pk: int) -> HttpResponse:
    contact = access_contact(request.user, pk)  # type: ignore[arg-type]
    if not contact.public_token_hash:
        raise PermissionDenied  # only online reports and chats have a tracking page
    form = ReporterUpdateForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "contacts/contact.html",
            _detail_context(request, contact, update_form=form),
            status=422,
        )
    add_reporter_update(contact, by=request.user, text=form.cleaned_data["text"])  # type: ignore[arg-type]
    messages.success(request, "The reporter will see the update on their tracking page.")
    return redirect("contacts:detail", contact.pk)


@require_GET
@permission_required("contacts.view_contact", raise_exception=True)
def photo(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    contact = access_contact(request.user, pk)  # type: ignore[arg-type]
    attachment = get_object_or_404(contact.attachments, pk=attachment_pk)
    path = Path(conf.uploads_dir()) / attachment.stored_as
    if not path.is_file():
        raise Http404
    response = FileResponse(path.open("rb"), content_type=attachment.content_type)
    # Never rendered as a page of this site: <img> shows it, opening the address downloads it,
    # and a sandbox policy disarms it even if a browser were to render it.
    response["Content-Disposition"] = f'attachment; filename="{attachment.sha256[:16]}"'
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
