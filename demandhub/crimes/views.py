"""Crime consoles: the IMU review queue, the sergeant's allocation and workload, the officer's
crimes, the crime page with its decisions, and the series view. Thin: forms in, actions out."""

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from demandhub.accounts import need_to_know
from demandhub.accounts.models import User
from demandhub.core.errors import DomainError
from demandhub.forces.models import PolicingArea
from demandhub.incidents.locations import LocationInvalid

from . import actions, completeness, linking, outcomes, queries, solvability
from . import forms as f
from .actions.review import suggested_area
from .actions.victims import can_use_tracking_page
from .deadlines import CLOCK_LABELS, recording_clock
from .models import CrimeRecord, InvestigationAction, VictimUpdate
from .permissions import (
    access_crime,
    can_assign,
    can_cancel,
    can_edit_details,
    can_investigate,
    can_link,
    can_review,
)

Check = Callable[[User, CrimeRecord], bool]

# The permissions each check can ever say yes to (any one of them). _act asks for one before
# the crime is looked up, so staff who could never pass are refused (403) whatever the record
# and whatever they send; the check itself (the crime's status, whose it is) follows.
ROLES_FOR: dict[Check, tuple[str, ...]] = {
    can_review: ("crimes.review_crime",),
    can_investigate: ("crimes.investigate_crime", "crimes.assign_crime"),
    can_assign: ("crimes.assign_crime",),
    can_edit_details: ("crimes.review_crime", "crimes.investigate_crime", "crimes.assign_crime"),
    can_cancel: ("crimes.cancel_crime",),
    can_link: ("crimes.link_crime",),
}


@require_GET
@permission_required("crimes.review_crime", raise_exception=True)
def imu_queue(request: HttpRequest) -> HttpResponse:
    now, user = timezone.now(), request.user  # a trainee sees their exercise's crimes
    rows = []
    for crime in need_to_know.redact(queries.crimes_awaiting_review(user)[:200]):  # type: ignore[arg-type]
        missing = completeness.missing(queries.review_facts(crime))
        clock = recording_clock(crime.recording_deadline, now)
        rows.append(
            {
                "crime": crime,
                "clock": clock,
                "clock_label": CLOCK_LABELS[clock],
                "missing": completeness.labels(missing),
                "solvability": solvability.assess(crime.evidence),
            }
        )
    return render(
        request,
        "crimes/imu_queue.html",
        {
            "rows": rows,
            "near_deadline": queries.crimes_near_recording_deadline(now, user=user).count(),  # type: ignore[arg-type]
            "undelivered": need_to_know.redact(
                queries.undelivered_key_decisions(now, user=user)[:50]  # type: ignore[arg-type]
            ),
        },
    )


@require_GET
@permission_required("crimes.assign_crime", raise_exception=True)
def sergeant(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    area_id = queries.area_of(user)
    awaiting, investigating, overdue = need_to_know.redact_many(
        queries.crimes_awaiting_assignment(user),
        queries.crimes_under_investigation_in_area(user),
        queries.overdue_victim_updates(area_id=area_id, user=user)[:100],
    )
    return render(
        request,
        "crimes/sergeant.html",
        {
            "area": PolicingArea.objects.filter(pk=area_id).first(),
            "awaiting": awaiting,
            "investigating": investigating,
            "workload": queries.team_workload(user),
            "overdue": overdue,
            "officers": list(queries.officers_for(user)),
        },
    )


@require_GET
@permission_required("crimes.view_areaposting", raise_exception=True)
def postings(request: HttpRequest) -> HttpResponse:
    """Which sergeant and officer works on which area's crimes (AreaPosting)."""
    user: User = request.user  # type: ignore[assignment]
    return render(
        request,
        "crimes/postings.html",
        {
            "team": list(queries.crime_team()),
            "areas": list(PolicingArea.objects.order_by("name")),
            "can_change": user.has_perm("crimes.change_areaposting"),
        },
    )


@require_POST
@permission_required("crimes.change_areaposting", raise_exception=True)
def posting(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = f.PostingForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{field}: {' '.join(errors)}")
        return redirect("crimes:postings")
    member = get_object_or_404(queries.crime_team(), pk=form.cleaned_data["user"])
    name = member.get_full_name() or member.username
    try:
        if form.cleaned_data["area"] is None:
            ended = actions.end_posting(member, by=user)
            messages.success(
                request,
                f"{name} is no longer posted to an area."
                if ended
                else f"{name} was not posted to an area.",
            )
        else:
            area = get_object_or_404(PolicingArea, pk=form.cleaned_data["area"])
            actions.set_posting(member, by=user, area=area)
            messages.success(request, f"{name} is posted to {area}.")
    except DomainError as e:
        messages.error(request, str(e))
    return redirect("crimes:postings")


@require_GET
@permission_required("crimes.investigate_crime", raise_exception=True)
def mine(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    actions_due = list(queries.actions_due(user))
    crimes, _, overdue = need_to_know.redact_many(
        queries.crimes_for_officer(user),
        [a.crime for a in actions_due],
        queries.overdue_victim_updates(officer=user, user=user),
    )
    return render(
        request,
        "crimes/mine.html",
        {
            "crimes": crimes,
            "actions_due": actions_due,
            "overdue": overdue,
            "today": timezone.localdate(),
        },
    )


@require_GET
@permission_required("crimes.view_crimerecord", raise_exception=True)  # 403, as incidents' page
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    crime = access_crime(user, pk)
    missing = completeness.missing(queries.review_facts(crime))
    questions = completeness.questions_for_reporter(missing)
    suggestions = []
    if can_link(user, crime):
        found = linking.suggestions_for(crime)
        others = CrimeRecord.objects.in_bulk([s.crime_id for s in found])
        need_to_know.redact(others.values())
        suggestions = [(s, others[s.crime_id]) for s in found if s.crime_id in others]
    area = suggested_area(crime)
    initial = {name: getattr(crime, name) for name in f.DetailsForm.base_fields}
    clock = recording_clock(crime.recording_deadline, timezone.now())
    return render(
        request,
        "crimes/detail.html",
        {
            "crime": crime,
            "restricted": need_to_know.is_restricted(crime),
            "clock": clock,
            "clock_label": CLOCK_LABELS[clock],
            "missing": completeness.labels(missing),
            "questions": questions,
            "solvability": solvability.assess(crime.evidence),
            "suggested_area": area,
            "areas": PolicingArea.objects.order_by("name"),
            "officers": list(queries.officers_for(user)) if can_assign(user, crime) else [],
            "parties": list(crime.parties.all()),
            "investigation_actions": list(crime.actions.select_related("owner")),
            "victim_updates": list(crime.victim_updates.all()),
            "reviews": list(crime.reviews.select_related("reviewer", "area")),
            "changes": list(crime.status_changes.select_related("changed_by")),
            "links": list(queries.links_of(crime)),
            "suggestions": suggestions,
            "details_form": f.DetailsForm(initial=initial),
            "party_form": f.PartyForm(),
            "file_form": f.FileForm(),
            "action_form": f.ActionForm(),
            "update_form": f.VictimUpdateForm(),
            "care_form": f.VictimCareForm(
                initial={
                    "enhanced": crime.enhanced_entitlement,
                    "update_every_days": crime.update_every_days,
                }
            ),
            "outcome_choices": outcomes.CHOICES,
            "cancel_choices": f.CANCEL_CHOICES,
            "tracking_page": can_use_tracking_page(crime),
            "info_channels": f.OTHER_CHANNELS,
            "can_review": can_review(user, crime),
            "can_edit": can_edit_details(user, crime),
            "can_assign": can_assign(user, crime),
            "can_investigate": can_investigate(user, crime),
            "can_cancel": can_cancel(user, crime),
            "can_link": can_link(user, crime),
        },
    )


@require_GET
@permission_required("crimes.view_crimerecord", raise_exception=True)  # 403, as incidents' page
def series(request: HttpRequest, pk: int) -> HttpResponse:
    crime = access_crime(request.user, pk)  # type: ignore[arg-type]
    linked = queries.linked_crimes(crime)
    hidden = need_to_know.restricted_ids(CrimeRecord, (c.pk for c in linked))
    # Restricted crimes stay off another crime's series (their place and time are content).
    crimes = [c for c in linked if str(c.pk) not in hidden or c.pk == crime.pk]
    points = [
        {
            "reference": c.reference,
            "lat": c.latitude,
            "lon": c.longitude,
            "when": (c.occurred_from or c.reported_at).isoformat(),
            "offence": c.offence,
        }
        for c in crimes
        if c.latitude is not None
    ]
    return render(
        request,
        "crimes/series.html",
        {"crime": crime, "crimes": crimes, "points": points},
    )


def _act(
    request: HttpRequest,
    pk: int,
    allowed: Check,
    form_class: type[django_forms.Form],
    run: Callable[[CrimeRecord, dict[str, Any], User], str],
    roles: tuple[str, ...] = (),
    **form_kwargs: Any,
) -> HttpResponse:
    """Check, validate, run one action, say what happened, and go back to the crime. The role
    first (`roles`, or ROLES_FOR the check: any one of them), then the record."""
    user: User = request.user  # type: ignore[assignment]
    if not any(user.has_perm(p) for p in roles or ROLES_FOR[allowed]):
        raise PermissionDenied
    crime = access_crime(user, pk)
    if not allowed(user, crime):
        raise PermissionDenied
    form = form_class(request.POST, **form_kwargs)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label or field}: {' '.join(errors)}")
    else:
        try:
            messages.success(request, run(crime, form.cleaned_data, user))
        except (DomainError, LocationInvalid, ValueError) as e:
            messages.error(request, str(e))
    return redirect("crimes:detail", pk)


@require_POST
def details(request: HttpRequest, pk: int) -> HttpResponse:
    def run(crime: CrimeRecord, data: dict[str, Any], user: User) -> str:
        actions.update_crime_details(crime, by=user, **data)
        return "Details saved."

    return _act(request, pk, can_edit_details, f.DetailsForm, run)


@require_POST
def location(request: HttpRequest, pk: int) -> HttpResponse:
    def run(crime: CrimeRecord, data: dict[str, Any], user: User) -> str:
        crime = actions.set_crime_location(crime, by=user, text=data["location"])
        area = crime.location_area
        return f"Location set{f' (in {area})' if area else ''}."

    return _act(request, pk, can_edit_details, f.LocationForm, run)


@require_POST
def party(request: HttpRequest, pk: int) -> HttpResponse:
    def run(crime: CrimeRecord, data: dict[str, Any], user: User) -> str:
        actions.add_party(crime, by=user, **data)
        return f"{data['role'].capitalize()} added."

    return _act(request, pk, can_edit_details, f.PartyForm, run)


@require_POST
@permission_required("crimes.review_crime", raise_exception=True)
def request_info(request: HttpRequest, pk: int) -> HttpResponse:
    crime = access_crime(request.user, pk)  # type: ignore[arg-type]
    asked = completeness.questions_for_reporter(completeness.missing(queries.review_facts(crime)))

    def run(crime: CrimeRecord, data: dict[str, Any], user: User) -> str:
        update = actions.request_information(
            crime, by=user, questions=data["questions"], note=data["note"], channel=data["channel"]
        )
        if update.channel == VictimUpdate.Channel.TRACKING_PAGE:
            return "The reporter has been asked on their tracking page."
        return f"Recorded: the reporter was asked by {update.get_channel_display().lower()}."

    return _act(request, pk, can_review, f.InformationForm, run, questions=asked)


@require_POST
def file(request: HttpRequest, pk: int) -> HttpResponse:
    def run(crime: CrimeRecord, data: dict[str, Any], user: User) -> str:
        label, code = outcomes.FILE_REASONS[data["reason"]]
        reason = f"{label}. {data['note']}".strip() if data["note"] else label
        actions.file_crime(crime, by=user, reason=reason, outcome_code=code)
        return f"Filed with outcome {outcomes.label(code)}."

    return _act(request, pk, can_review, f.FileForm, run)


@require_POST
def allocate(request: HttpRequest, pk: int) -> HttpResponse:
    def run(crime: CrimeRecord, data: dict[str, Any], user: User) -> str:
        area = get_object_or_404(PolicingArea, pk=data["area"])
        actions.allocate_crime(crime, by=user, area=area, override_reason=data["override_reason"])
        return f"Allocated to {area}."

    def allowed(user: User, crime: CrimeRecord) -> bool:  # reallocation by a sergeant too
        return can_review(user, crime) or (
            crime.status == CrimeRecord.Status.ALLOCATED and can_assign(user, crime)
        )

    roles = ("crimes.review_crime", "crimes.assign_crime")
    return _act(request, pk, allowed, f.AllocateForm, run, roles=roles)


@require_POST
def not_a_crime(request: HttpRequest, pk: int) -> HttpResponse:
    def run(crime: CrimeRecord, data: dict[str, Any], user: User) -> str:
        actions.decide_not_a_crime(crime, by=user, reason=data["reason"])
        return "Recorded as not a crime."

    return _act(request, pk, can_review, f.NotACrimeForm, run)


@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    def run(crime: CrimeRecord, data: dict[str, Any], user: User) -> str:
        officer = get_object_or_404(queries.officers_for(user), pk=data["officer"])
        actions.assign_crime(crime, by=user, officer=officer)
        return f"Assigned to {officer.get_full_name() or officer.username}."

    return _act(request, pk, can_assign, f.AssignForm, run)


@require_POST
def add_action(request: HttpRequest, pk: int) -> HttpResponse:
    def run(crime: CrimeRecord, data: dict[str, Any], user: User) -> str:
        owner = crime.officer or user
        if data["owner"]:
            owner = get_object_or_404(User, pk=data["owner"], is_active=True)
        actions.add_investigation_action(
            crime,
            by=user,
            kind=data["kind"],
            owner=owner,
            due_on=data["due_on"],
            description=data["description"],
        )
        return "Action added."

    return _act(request, pk, can_investigate, f.ActionForm, run)


@require_POST
def action_result(request: HttpRequest, pk: int, action: int) -> HttpResponse:
    def run(crime: CrimeRecord, data: dict[str, Any], user: User) -> str:
        enquiry = get_object_or_404(InvestigationAction, pk=action, crime=crime)
        actions.complete_investigation_action(enquiry, by=user, result=data["result"])
        return "Result recorded."

    return _act(request, pk, can_investigate, f.ResultForm, run)


@require_POST
def first_contact(request: HttpRequest, pk: int) -> HttpResponse:
    def run(crime: CrimeRecord, data: dict[str, Any], user: User) -> str:
        actions.record_first_contact(crime, by=user, channel=data["channel"], note=data["note"])
        return "First contact with the victim recorded."

    return _act(request, pk, can_investigate, f.FirstContactForm, run)


@require_POST
def victim_update(request: HttpRequest, pk: int) -> HttpResponse:
    def run(crime: CrimeRecord, data: dict[str, Any], user: User) -> str:
        actions.update_victim(
            crime, by=user, text=data["text"], channel=data["channel"], kind=data["kind"]
        )
        return "Victim updated."

    return _act(request, pk, can_investigate, f.VictimUpdateForm, run)


@require_POST
def victim_care(request: HttpRequest, pk: int) -> HttpResponse:
    def run(crime: CrimeRecord, data: dict[str, Any], user: User) -> str:
        actions.set_victim_care(
            crime, by=user, enhanced=data["enhanced"], update_every_days=data["update_every_days"]
        )
        return "Victim care saved."

    return _act(request, pk, can_investigate, f.VictimCareForm, run)


@require_POST
def key_decision(request: HttpRequest, pk: int) -> HttpResponse:
    def run(crime: CrimeRecord, data: dict[str, Any], user: User) -> str:
        crime = actions.record_key_decision(crime, by=user, decision=data["decision"])
        return f"Tell the victim by {timezone.localtime(crime.key_decision_due_at):%a %d %b %H:%M}."

    return _act(request, pk, can_investigate, f.KeyDecisionForm, run)


@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    def run(crime: CrimeRecord, data: dict[str, Any], user: User) -> str:
        code = data["outcome_code"].strip().upper()
        actions.close_crime(
            crime,
            by=user,
            outcome_code=code,
            victim_told_on=data["victim_told_on"],
            note=data["note"],
        )
        return f"Closed with outcome {outcomes.label(code)}."

    return _act(request, pk, can_investigate, f.CloseForm, run)


@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    def run(crime: CrimeRecord, data: dict[str, Any], user: User) -> str:
        actions.cancel_crime(crime, by=user, reason=data["reason"], note=data["note"])
        return "Crime cancelled."

    return _act(request, pk, can_cancel, f.CancelForm, run)


@require_POST
def link(request: HttpRequest, pk: int) -> HttpResponse:
    def run(crime: CrimeRecord, data: dict[str, Any], user: User) -> str:
        other = access_crime(user, data["other"])
        actions.confirm_link(crime, by=user, other=other, reason=data["reason"])
        return f"Linked with {other.reference}."

    return _act(request, pk, can_link, f.LinkForm, run)
