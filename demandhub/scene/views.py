"""Scene video pages: the staff panel on the incident page, and the caller's page (public, by
one-time link only). Thin: permissions.py decides, actions.py writes."""

from typing import Any

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from demandhub.incidents.models import Incident

from . import actions, evidence, links, permissions, queries
from .consumers import SESSION_KEY, device_key
from .errors import LinkNotUsable, SceneError
from .forms import EvidenceForm, SmsForm
from .ice import ice_servers
from .links import LinkState

PANEL = "scene/panel.html#panel"
LINKS = "scene/panel.html#links"


# --- Staff ---------------------------------------------------------------------------------


def _fragment_status(request: HttpRequest, status: int) -> int:
    """htmx swaps only 2xx answers: a refused fragment goes back as 200 so its error shows."""
    return 200 if getattr(request, "htmx", False) else status


def caller_url(request: HttpRequest, token: str) -> str:
    path = reverse("scene:caller", args=[token])
    base = settings.SCENE_PUBLIC_URL
    return base + path if base else request.build_absolute_uri(path)


def qr_svg(url: str) -> str:
    """The URL as an inline SVG QR code, drawn on the server (no script, no network)."""
    return segno.make(url, error="m").svg_inline(scale=4, border=2, title="Link for the caller")


def _panel_context(request: HttpRequest, incident: Incident, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    user = request.user
    return {
        "incident": incident,
        "links": queries.links_for(incident, now),
        "live_links": queries.live_link_ids(incident, now),
        "locations": queries.recent_locations(incident),
        "evidence": queries.evidence_for(incident),
        "can_view_evidence": permissions.can_view_evidence(user),  # type: ignore[arg-type]
        "ice_servers": ice_servers(f"staff{user.pk}"),
        "sms_form": SmsForm(),
        **extra,
    }


def _show_link(request: HttpRequest, link: Any, token: str, **extra: Any) -> dict[str, Any]:
    url = caller_url(request, token)
    return {"new_link": link, "token": token, "url": url, "qr": qr_svg(url), **extra}


@require_GET
@permission_required("scene.watch_stream", raise_exception=True)
def panel(request: HttpRequest, pk: int) -> HttpResponse:
    incident = permissions.access_scene(request.user, pk)  # type: ignore[arg-type]
    return render(request, PANEL, _panel_context(request, incident))


@require_POST
@permission_required("scene.watch_stream", raise_exception=True)
def create(request: HttpRequest, pk: int) -> HttpResponse:
    incident = permissions.access_scene(request.user, pk)  # type: ignore[arg-type]
    try:
        link, token = actions.create_link(incident, by=request.user)  # type: ignore[arg-type]
    except SceneError as e:
        context = _panel_context(request, incident, error=str(e))
        return render(request, LINKS, context, status=_fragment_status(request, 409))
    context = _panel_context(request, incident, **_show_link(request, link, token))
    return render(request, LINKS, context)


@require_POST
@permission_required("scene.watch_stream", raise_exception=True)
def revoke(request: HttpRequest, pk: int, link: int) -> HttpResponse:
    incident = permissions.access_scene(request.user, pk)  # type: ignore[arg-type]
    scene_link = permissions.access_link(request.user, incident, link)  # type: ignore[arg-type]
    actions.revoke_link(scene_link, by=request.user)  # type: ignore[arg-type]
    return render(request, LINKS, _panel_context(request, incident, notice="Link withdrawn."))


@require_POST
@permission_required("scene.watch_stream", raise_exception=True)
def send_sms(request: HttpRequest, pk: int, link: int) -> HttpResponse:
    incident = permissions.access_scene(request.user, pk)  # type: ignore[arg-type]
    scene_link = permissions.access_link(request.user, incident, link)  # type: ignore[arg-type]
    form = SmsForm(request.POST)
    token = request.POST.get("token", "")
    # The token is never stored: the form sends back the one shown, which must be this link's.
    if not links.looks_like_token(token) or links.digest(token) != scene_link.token_hash:
        raise PermissionDenied
    status, notice = 200, ""
    if form.is_valid():
        url = caller_url(request, token)
        try:
            actions.send_link_by_sms(
                scene_link,
                by=request.user,  # type: ignore[arg-type]
                to=form.cleaned_data["to"],
                url=url,
                token=token,
            )
        except SceneError as e:
            form.add_error(None, str(e))
            status = 409
        else:
            notice = f"Text message to {form.cleaned_data['to']} handed to the SMS gateway."
            form = SmsForm()
    else:
        status = 422
    context = _panel_context(
        request, incident, **_show_link(request, scene_link, token, sms_form=form, notice=notice)
    )
    return render(request, LINKS, context, status=_fragment_status(request, status))


@require_POST
@permission_required("scene.watch_stream", raise_exception=True)
def capture(request: HttpRequest, pk: int, link: int) -> HttpResponse:
    incident = permissions.access_scene(request.user, pk)  # type: ignore[arg-type]
    scene_link = permissions.access_link(request.user, incident, link)  # type: ignore[arg-type]
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        return HttpResponse("Send a kind (still or recording) and a file.", status=400)
    upload = form.cleaned_data["file"]
    try:
        actions.record_evidence(
            scene_link,
            by=request.user,  # type: ignore[arg-type]
            kind=form.cleaned_data["kind"],
            content_type=upload.content_type or "",
            chunks=upload.chunks(),
        )
    except SceneError as e:
        return HttpResponse(str(e), status=422, content_type="text/plain")
    return _evidence_fragment(request, incident)


@require_GET
@permission_required("scene.watch_stream", raise_exception=True)
def evidence_list(request: HttpRequest, pk: int) -> HttpResponse:
    incident = permissions.access_scene(request.user, pk)  # type: ignore[arg-type]
    return _evidence_fragment(request, incident)


def _evidence_fragment(request: HttpRequest, incident: Incident) -> HttpResponse:
    context = {
        "incident": incident,
        "evidence": queries.evidence_for(incident),
        "can_view_evidence": permissions.can_view_evidence(request.user),  # type: ignore[arg-type]
    }
    return render(request, "scene/panel.html#evidence", context)


@require_GET
@permission_required("scene.view_evidence", raise_exception=True)
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    item = permissions.access_evidence(request.user, pk)  # type: ignore[arg-type]
    response = FileResponse(
        evidence.path_of(item.path).open("rb"),
        as_attachment=True,
        filename=f"{item.incident.reference}-{item.kind}-{item.pk}.{item.path.rsplit('.', 1)[-1]}",
        content_type=item.content_type,
    )
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Digest"] = f"sha-256={item.sha256}"
    return response


# --- The caller ----------------------------------------------------------------------------

REFUSED = {
    "forged": (
        404,
        "This link does not work",
        "Check that you opened the whole link from the text message. If you still need the "
        "police, ask the call handler for a new link.",
    ),
    LinkState.EXPIRED: (
        410,
        "This link has expired",
        "Links work for a short time only. If you still need the police, ask the call handler "
        "for a new link.",
    ),
    LinkState.REVOKED: (
        410,
        "This link has been withdrawn",
        "The control room has stopped this link. If you still need the police, call them again.",
    ),
    "other_device": (
        403,
        "This link has already been used",
        "Each link works on one phone only, and it has been opened on another one. If you need "
        "to share video from this phone, ask the call handler for a new link.",
    ),
}


def _caller_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    response = render(request, template, context, status=status)
    # The token is in the URL: keep it out of other sites' referrers, caches and search engines.
    # (same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on the
    # consent form and Django's CSRF check rightly refuses it.)
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Permissions-Policy"] = "camera=(self), microphone=(self), geolocation=(self)"
    return response


def _refused(request: HttpRequest, reason: str) -> HttpResponse:
    status, title, message = REFUSED[reason]
    context = {"title": title, "message": message, "status": status}
    return _caller_page(request, "scene/refused.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_not_required  # public: the one-time token in the URL is the caller's only credential
def caller(request: HttpRequest, token: str) -> HttpResponse:
    link = queries.link_for_token(token)
    if link is None:
        return _refused(request, "forged")
    state = links.state_of(link, timezone.now())
    if state in (LinkState.EXPIRED, LinkState.REVOKED):
        actions.refuse_link(link, reason=state)
        return _refused(request, state)
    key = device_key(request.session, link.pk)
    if state == LinkState.BOUND:
        if not links.is_bound_to(link, key):
            actions.refuse_link(link, reason="other_device")
            return _refused(request, "other_device")
        return _stream_page(request, link, token)
    if request.method == "GET":
        actions.note_link_opened(link)
        return _caller_page(request, "scene/consent.html", {"link": link})
    if request.POST.get("consent") != "yes":
        return _caller_page(request, "scene/consent.html", {"link": link, "declined": True})
    key = links.new_device_key()
    try:
        actions.give_consent(link, device_key=key)
    except LinkNotUsable as e:
        actions.refuse_link(link, reason=e.state)
        return _refused(request, e.state)
    devices = dict(request.session.get(SESSION_KEY, {}))
    devices[str(link.pk)] = key
    request.session[SESSION_KEY] = devices
    return redirect(request.path, permanent=False)


def _stream_page(request: HttpRequest, link: Any, token: str) -> HttpResponse:
    context = {
        "link": link,
        "socket_path": f"/ws/scene/{token}/",
        "ice_servers": ice_servers(f"link{link.pk}"),
    }
    return _caller_page(request, "scene/caller.html", context)
