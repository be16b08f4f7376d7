"""The incident consoles: the call handler screen, the board, incident detail, the resolution
team queue and quality review. Thin: forms validate, actions write, queries read."""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from demandhub.accounts import need_to_know
from demandhub.contacts.models import Contact
from demandhub.core.errors import DomainError
from demandhub.demand.training import exercise_of
from demandhub.forces.models import PolicingArea

from . import actions, grading, permissions, queries
from .classifications import catalogue
from .forms import (
    CloseForm,
    DecisionForm,
    EscalateForm,
    IncidentForm,
    LinkForm,
    LogForm,
    PersonFormSet,
    RedirectForm,
    RegradeForm,
    ResolveForm,
    ReviewForm,
    StrikeForm,
    ThriveForm,
)
from .locations import LocationInvalid, parse
from .models import Incident, LogEntry, QualityReview


def _contact(request: HttpRequest) -> Contact | None:
    raw = request.GET.get("contact") or request.POST.get("contact") or ""
    if not raw.isdigit():
        return None
    return Contact.objects.filter(pk=int(raw)).first()


# --- The board -----------------------------------------------------------------------------------


@require_GET
@permission_required("incidents.view_incident", raise_exception=True)
def board(request: HttpRequest) -> HttpResponse:
    incidents = need_to_know.redact(queries.incidents_on_the_board(exercise_of(request.user))[:200])  # type: ignore[arg-type]
    template = "incidents/board.html#board" if request.htmx else "incidents/board.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "incidents": incidents,
            "now": timezone.now(),
            "can_raise": permissions.can_raise(request.user),  # type: ignore[arg-type]
        },
    )


# --- The call handler screen --------------------------------------------------------------------


def _person_keys(request: HttpRequest) -> list[queries.PersonKey]:
    keys = []
    post = request.POST
    if post.get("caller_name") or post.get("caller_phone"):
        keys.append(
            queries.PersonKey(post.get("caller_name", ""), None, post.get("caller_phone", ""))
        )
    total = post.get("persons-TOTAL_FORMS", "0")
    for i in range(min(int(total) if total.isdigit() else 0, 10)):
        name = post.get(f"persons-{i}-name", "").strip()
        dob = _date(post.get(f"persons-{i}-date_of_birth", ""))
        phone = post.get(f"persons-{i}-phone", "").strip()
        if name or phone:
            keys.append(queries.PersonKey(name, dob, phone, post.get(f"persons-{i}-role", "")))
    return keys


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@require_GET
@permission_required("incidents.raise_incident", raise_exception=True)
def new(request: HttpRequest) -> HttpResponse:
    contact = _contact(request)
    initial = {}
    if contact:
        initial = {"caller_name": contact.caller_name, "caller_phone": contact.caller_number}
    return render(
        request,
        "incidents/new.html",
        {
            "form": IncidentForm(initial=initial),
            "persons": PersonFormSet(prefix="persons"),
            "thrive": ThriveForm(),
            "decision": DecisionForm(initial={"decision": "accept"}),
            "contact": contact,
        },
    )


@require_POST
@permission_required("incidents.raise_incident", raise_exception=True)
def create(request: HttpRequest) -> HttpResponse:
    contact = _contact(request)
    form = IncidentForm(request.POST)
    persons = PersonFormSet(request.POST, prefix="persons")
    thrive = ThriveForm(request.POST)
    decision = DecisionForm(request.POST)
    grading_wanted = request.POST.get("decision") != "none"
    valid = form.is_valid() & persons.is_valid() & decision.is_valid()
    if grading_wanted:
        valid &= thrive.is_valid()
    if valid:
        details = [
            actions.PersonDetails(p["role"], p["name"], p.get("date_of_birth"), p.get("phone", ""))
            for p in persons.cleaned_data
            if p and p.get("name")
        ]
        data = form.cleaned_data
        if data["caller_name"] or data["caller_phone"]:
            details.insert(
                0,
                actions.PersonDetails(
                    "caller", data["caller_name"] or "Unknown caller", phone=data["caller_phone"]
                ),
            )
        override = decision.cleaned_data["decision"] == "override"
        try:
            incident = actions.raise_incident(
                by=request.user,  # type: ignore[arg-type]
                summary=data["summary"],
                contact=contact,
                classification=data["classification"],
                location=data["location"],
                address=data["address"],
                persons=details,
                assessment=thrive.assessment() if grading_wanted else None,
                grade=decision.cleaned_data["override_grade"] if override else None,
                override_reason=decision.cleaned_data["override_reason"] if override else "",
            )
        except (DomainError, grading.AssessmentInvalid) as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, f"{incident.reference} raised.")
            url = reverse("incidents:detail", args=[incident.pk])
            if request.htmx:  # type: ignore[attr-defined]
                return HttpResponse(status=204, headers={"HX-Redirect": url})
            return HttpResponseRedirect(url)
    return render(
        request,
        "incidents/new.html",
        {
            "form": form,
            "persons": persons,
            "thrive": thrive,
            "decision": decision,
            "contact": contact,
        },
        status=422,
    )


@require_POST
@permission_required("incidents.raise_incident", raise_exception=True)
def assist(request: HttpRequest) -> HttpResponse:
    """Live feedback while the handler types: the parsed location, history, warnings and likely
    duplicates. Reads only."""
    text = request.POST.get("location", "").strip()
    location, error = None, ""
    if text:
        try:
            location = parse(text)
        except LocationInvalid as e:
            error = str(e)
    lat = location.latitude if location else None
    lon = location.longitude if location else None
    people = _person_keys(request)
    history = queries.history_for(
        latitude=lat,
        longitude=lon,
        people=people,
        caller_number=request.POST.get("caller_phone", ""),
    )
    warnings = queries.warnings_at(latitude=lat, longitude=lon, people=people)
    duplicates = []
    if lat is not None and lon is not None:
        duplicates = queries.likely_duplicates(
            latitude=lat,
            longitude=lon,
            classification=request.POST.get("classification", ""),
            at=timezone.now(),
        )
    area = queries.area_for(lat, lon) if lat is not None and lon is not None else None
    need_to_know.redact(
        [i for i, _ in history.nearby] + list(history.same_people) + [i for i, _ in duplicates]
    )
    return render(
        request,
        "incidents/new.html#assist",
        {
            "location": location,
            "location_error": error,
            "area": area,
            "history": history,
            "warnings": warnings,
            "duplicates": duplicates,
            "contact": _contact(request),
        },
    )


@require_POST
@permission_required("incidents.raise_incident", raise_exception=True)
def propose(request: HttpRequest) -> HttpResponse:
    """The grade the rules propose for the THRIVE+ answers so far, and why. Reads only."""
    thrive = ThriveForm(request.POST)
    assessment = thrive.partial_assessment()
    proposal = None
    if assessment is not None:
        code = request.POST.get("classification", "")
        c = catalogue().get(code)
        proposal = grading.propose(assessment, classification_code=code, tags=c.tags if c else ())
    area = None
    text = request.POST.get("location", "").strip()
    if text:
        try:
            location = parse(text)
            if location.has_position:
                area = queries.area_for(location.latitude, location.longitude)  # type: ignore[arg-type]
        except LocationInvalid:
            pass
    target = None
    if proposal:
        target = grading.attendance_target(
            proposal.grade, area.area_type if area else grading.UNKNOWN_AREA_TYPE
        )
    return render(
        request,
        "incidents/new.html#proposal",
        {
            "proposal": proposal,
            "target": f"{int(target.total_seconds() // 60)} min" if target else "",
            "area": area,
        },
    )


# --- Incident detail and its actions ------------------------------------------------------------


def _map_data(incident: Incident) -> dict[str, object]:
    """Where the incident is and where the units on it are now (their last reported fix)."""
    here = None
    if incident.latitude is not None and incident.longitude is not None:
        here = {
            "lat": incident.latitude,
            "lon": incident.longitude,
            "text": incident.address or (incident.location or {}).get("text", ""),
            "grade": incident.grade,
        }
    units = [
        {
            "call_sign": job.resource.call_sign,
            "status": job.resource.get_status_display(),
            "lat": job.resource.latitude,
            "lon": job.resource.longitude,
        }
        for job in incident.assignments.filter(cleared_at__isnull=True)
        .select_related("resource")
        .order_by("assigned_at")
        if job.resource.latitude is not None and job.resource.longitude is not None
    ]
    return {"incident": here, "units": units}


def _detail_context(request: HttpRequest, incident: Incident, **forms: Any) -> dict[str, Any]:
    user = request.user
    return {
        "incident": incident,
        "map_data": _map_data(incident),
        "map_tiles": settings.MAP_TILE_URL,
        "now": timezone.now(),
        "time_left": grading.format_time_left(incident.attendance_deadline, timezone.now()),
        "timeline": queries.timeline(incident),
        "warnings": queries.warnings_for(incident),
        "persons": list(incident.persons.all()),
        "classification": catalogue().get(incident.classification),
        "can_grade": permissions.can_grade(user, incident),  # type: ignore[arg-type]
        "can_regrade": permissions.can_regrade(user, incident),  # type: ignore[arg-type]
        "can_resolve": permissions.can_resolve(user, incident),  # type: ignore[arg-type]
        "can_redirect": permissions.can_redirect(user, incident),  # type: ignore[arg-type]
        "can_close": permissions.can_close(user, incident),  # type: ignore[arg-type]
        "can_log": permissions.can_write_log(user, incident),  # type: ignore[arg-type]
        "log_form": forms.get("log_form") or LogForm(),
        "regrade_form": forms.get("regrade_form") or RegradeForm(),
        "escalate_form": forms.get("escalate_form") or EscalateForm(),
        "redirect_form": forms.get("redirect_form") or RedirectForm(),
        "close_form": forms.get("close_form") or CloseForm(),
        "resolve_form": forms.get("resolve_form") or ResolveForm(),
        "thrive": forms.get("thrive") or ThriveForm(),
        "decision": forms.get("decision") or DecisionForm(initial={"decision": "accept"}),
        "error": forms.get("error", ""),
    }


@require_GET
@permission_required("incidents.view_incident", raise_exception=True)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = permissions.access_incident(request.user, pk)  # type: ignore[arg-type]
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "incidents/detail.html#body", _detail_context(request, incident))
    context = _detail_context(request, incident)
    context["map_areas"] = list(PolicingArea.objects.values("name", "boundary"))
    return render(request, "incidents/detail.html", context)


def _act(
    request: HttpRequest,
    pk: int,
    allowed: Callable[[Any, Incident], bool],
    form_class: type,
    form_name: str,
    act: Callable[[Incident, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """The shape every detail-page action shares: check, validate, act, show the result."""
    incident = permissions.access_incident(request.user, pk)  # type: ignore[arg-type]
    if not allowed(request.user, incident):
        raise PermissionDenied
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(incident, form.cleaned_data)
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, done)
            return redirect("incidents:detail", pk=incident.pk)
    incident.refresh_from_db()
    return render(
        request,
        "incidents/detail.html",
        _detail_context(request, incident, **{form_name: form}),
        status=422,
    )


@require_POST
@permission_required("incidents.view_incident", raise_exception=True)
def log(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        permissions.can_write_log,
        LogForm,
        "log_form",
        lambda i, d: actions.add_log_entry(i, by=request.user, text=d["text"]),  # type: ignore[arg-type]
        "Log entry added.",
    )


@require_POST
@permission_required("incidents.view_incident", raise_exception=True)
def strike(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    incident = permissions.access_incident(request.user, pk)  # type: ignore[arg-type]
    if not permissions.can_write_log(request.user, incident):  # type: ignore[arg-type]
        raise PermissionDenied
    log_entry = get_object_or_404(LogEntry, pk=entry, incident=incident)
    form = StrikeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the entry is struck through.")
    else:
        try:
            actions.strike_log_entry(log_entry, by=request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]
        except DomainError as e:
            messages.error(request, str(e))
    return redirect("incidents:detail", pk=incident.pk)


@require_POST
@permission_required("incidents.grade_incident", raise_exception=True)
def grade(request: HttpRequest, pk: int) -> HttpResponse:
    incident = permissions.access_incident(request.user, pk)  # type: ignore[arg-type]
    if not permissions.can_grade(request.user, incident):  # type: ignore[arg-type]
        raise PermissionDenied
    thrive, decision = ThriveForm(request.POST), DecisionForm(request.POST)
    if thrive.is_valid() & decision.is_valid():
        override = decision.cleaned_data["decision"] == "override"
        try:
            actions.grade_incident(
                incident,
                by=request.user,  # type: ignore[arg-type]
                assessment=thrive.assessment(),
                grade=decision.cleaned_data["override_grade"] if override else None,
                override_reason=decision.cleaned_data["override_reason"] if override else "",
            )
        except (DomainError, grading.AssessmentInvalid) as e:
            decision.add_error(None, str(e))
        else:
            messages.success(request, "Graded.")
            return redirect("incidents:detail", pk=incident.pk)
    incident.refresh_from_db()
    return render(
        request,
        "incidents/detail.html",
        _detail_context(request, incident, thrive=thrive, decision=decision),
        status=422,
    )


@require_POST
@permission_required("incidents.regrade_incident", raise_exception=True)
def regrade(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        permissions.can_regrade,
        RegradeForm,
        "regrade_form",
        lambda i, d: actions.regrade_incident(
            i, by=request.user, grade=d["grade"], reason=d["reason"]
        ),  # type: ignore[arg-type]
        "Regraded.",
    )


@require_POST
@permission_required("incidents.resolve_incident", raise_exception=True)
def escalate(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        permissions.can_resolve,
        EscalateForm,
        "escalate_form",
        lambda i, d: actions.escalate_incident(
            i, by=request.user, grade=d["grade"], reason=d["reason"]
        ),  # type: ignore[arg-type]
        "Escalated for deployment.",
    )


@require_POST
@permission_required("incidents.resolve_incident", raise_exception=True)
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        permissions.can_resolve,
        ResolveForm,
        "resolve_form",
        lambda i, d: actions.resolve_without_deployment(i, by=request.user, **d),  # type: ignore[arg-type]
        "Resolved without deployment.",
    )


@require_POST
@permission_required("incidents.redirect_incident", raise_exception=True)
def redirect_to_agency(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        permissions.can_redirect,
        RedirectForm,
        "redirect_form",
        lambda i, d: actions.redirect_incident(i, by=request.user, **d),  # type: ignore[arg-type]
        "Redirected.",
    )


@require_POST
@permission_required("incidents.close_incident", raise_exception=True)
def close(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        permissions.can_close,
        CloseForm,
        "close_form",
        lambda i, d: actions.close_incident(i, by=request.user, **d),  # type: ignore[arg-type]
        "Closed.",
    )


@require_POST
@permission_required("incidents.raise_incident", raise_exception=True)
def link(request: HttpRequest, pk: int) -> HttpResponse:
    """Link the caller's contact to this existing incident instead of raising a duplicate."""
    incident = permissions.access_incident(request.user, pk)  # type: ignore[arg-type]
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That contact could not be read.")
        return redirect("incidents:new")
    contact = None
    if form.cleaned_data["contact"]:
        contact = get_object_or_404(Contact, pk=form.cleaned_data["contact"])
    try:
        actions.link_contact(
            incident,
            by=request.user,
            contact=contact,  # type: ignore[arg-type]
            reason="Likely duplicate: linked by the call handler",
            note=form.cleaned_data["note"],
        )
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, f"Call linked to {incident.reference}.")
    url = reverse("incidents:detail", args=[incident.pk])
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return HttpResponseRedirect(url)


# --- Resolution team and quality review ---------------------------------------------------------


@require_GET
@permission_required("incidents.resolve_incident", raise_exception=True)
def resolution_queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "incidents/resolution.html",
        {"incidents": need_to_know.redact(queries.resolution_queue()[:200]), "now": timezone.now()},
    )


def _redacted_reviews(reviews: list[Any]) -> list[Any]:
    need_to_know.redact([r.resolution.incident for r in reviews])
    return reviews


@require_GET
@permission_required("incidents.review_resolution", raise_exception=True)
def reviews(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "incidents/reviews.html",
        {
            "reviews": _redacted_reviews(list(queries.reviews_awaiting()[:100])),
            "report": queries.quality_report(),
            "form": ReviewForm(),
        },
    )


@require_POST
@permission_required("incidents.review_resolution", raise_exception=True)
def review(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(QualityReview.objects.filter(Q(reviewed_at__isnull=True)), pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            actions.review_resolution(item, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, "Review recorded.")
    else:
        messages.error(request, "Give a score from 1 to 5 and your feedback.")
    return redirect("incidents:reviews")
