"""The public's pages: online reporting, tracking a report, and web chat.

Reachable without signing in (listed in tests/test_access.py PUBLIC and docs/security.md),
rate-limited per address (ratelimit.py). A report or chat is found only by the private token
in its link; anything else is 404.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from .actions import start_chat, submit_online_report
from .actions.chat import leave_chat, message_json
from .forms import REPORT_FORMS, ChatStartForm, report_details
from .models import Contact
from .permissions import access_public_contact
from .ratelimit import rate_limited

KIND_TITLES = {
    Contact.ReportKind.CRIME: "Report a crime",
    Contact.ReportKind.ANTI_SOCIAL_BEHAVIOUR: "Report anti-social behaviour",
    Contact.ReportKind.ROAD_TRAFFIC: "Report a road traffic incident",
}


def _tracking_url(request: HttpRequest, token: str) -> str:
    return request.build_absolute_uri(reverse("contacts:track") + f"?t={token}")


@require_http_methods(["GET"])
@login_not_required  # public: the online reporting start page
def report_index(request: HttpRequest) -> HttpResponse:
    return render(request, "contacts/public/report_index.html", {"kinds": KIND_TITLES})


def _report(request: HttpRequest, kind: str) -> HttpResponse:
    form_class = REPORT_FORMS[kind]
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contact, token = submit_online_report(
            kind=kind,
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            summary=data["what_happened"],
            details=report_details(form),
            photos=data["photos"],
        )
        return render(
            request,
            "contacts/public/report_done.html",
            {"contact": contact, "tracking_url": _tracking_url(request, token)},
        )
    return render(
        request,
        "contacts/public/report_form.html",
        {"form": form, "title": KIND_TITLES[kind], "kind": kind},
        status=422 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@login_not_required  # public: online crime report
@rate_limited("report", methods=("POST",))
def report_crime(request: HttpRequest) -> HttpResponse:
    return _report(request, Contact.ReportKind.CRIME)


@require_http_methods(["GET", "POST"])
@login_not_required  # public: online anti-social behaviour report
@rate_limited("report", methods=("POST",))
def report_asb(request: HttpRequest) -> HttpResponse:
    return _report(request, Contact.ReportKind.ANTI_SOCIAL_BEHAVIOUR)


@require_http_methods(["GET", "POST"])
@login_not_required  # public: online road traffic incident report
@rate_limited("report", methods=("POST",))
def report_road_traffic(request: HttpRequest) -> HttpResponse:
    return _report(request, Contact.ReportKind.ROAD_TRAFFIC)


@require_http_methods(["GET"])
@login_not_required  # public: "track my report", found by the private token in the link
@rate_limited("track")
def track(request: HttpRequest) -> HttpResponse:
    token = request.GET.get("t", "").strip()
    if not token:
        return render(request, "contacts/public/track_ask.html")
    contact = access_public_contact(token)
    return render(
        request,
        "contacts/public/track.html",
        {
            "contact": contact,
            "crimes": contact.crime_records.all(),
            "updates": contact.reporter_updates.all(),
            "token": token,
        },
    )


@require_http_methods(["GET", "POST"])
@login_not_required  # public: start a web chat, or (?t=token) the chat itself
@rate_limited("chat_start", methods=("POST",))
def chat(request: HttpRequest) -> HttpResponse:
    token = request.GET.get("t", "").strip()
    if token and request.method == "POST" and request.POST.get("leave"):
        contact = access_public_contact(token)
        leave_chat(contact)
        return redirect(reverse("contacts:chat") + f"?t={token}")
    if token and request.method == "GET":
        if not _allowed_to_look(request):
            return render(request, "contacts/public/too_many.html", status=429)
        contact = access_public_contact(token)
        return render(
            request,
            "contacts/public/chat_room.html",
            {
                "contact": contact,
                "token": token,
                "chat_messages": list(map(message_json, contact.chat_messages.all())),
                "ended": contact.status in (Contact.Status.COMPLETED, Contact.Status.ABANDONED),
                "tracking_url": _tracking_url(request, token),
            },
        )
    form = ChatStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        _, token = start_chat(
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            first_message=data["message"],
        )
        return redirect(reverse("contacts:chat") + f"?t={token}")
    return render(
        request,
        "contacts/public/chat_start.html",
        {"form": form},
        status=422 if request.method == "POST" else 200,
    )


def _allowed_to_look(request: HttpRequest) -> bool:
    from demandhub.core.middleware import client_ip

    from .ratelimit import allow

    return allow("track", client_ip(request) or "unknown")
