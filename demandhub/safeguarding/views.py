"""Safeguarding consoles: the referral queue for practitioners, and the panel on an incident
(vulnerability flags and referrals) that the incident page loads."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from demandhub.core.errors import DomainError
from demandhub.incidents.models import Person
from demandhub.incidents.permissions import access_incident

from . import actions, queries
from .models import DutyContact, Referral, VulnerabilityFlag


class FlagForm(forms.Form):
    person = forms.IntegerField()
    kind = forms.ChoiceField(choices=VulnerabilityFlag.Kind.choices)
    notes = forms.CharField(max_length=1000, required=False)


class ReferralForm(forms.Form):
    team = forms.ChoiceField(choices=Referral.Team.choices)
    person = forms.IntegerField(required=False)
    reason = forms.CharField(max_length=2000)


class ResponseForm(forms.Form):
    to = forms.ChoiceField(choices=Referral.Status.choices)
    notes = forms.CharField(max_length=2000, required=False)


@require_GET
@permission_required("safeguarding.view_referral", raise_exception=True)
def queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "safeguarding/queue.html",
        {
            "referrals": list(queries.referrals_open()[:200]),
            "duty": {d.team: d for d in DutyContact.objects.all()},
            "teams": [
                (label, queries.average_response_time(value))
                for value, label in Referral.Team.choices
            ],
            "can_respond": request.user.has_perm("safeguarding.respond_referral"),
        },
    )


@require_GET
@permission_required("safeguarding.view_referral", raise_exception=True)
def incident_panel(request: HttpRequest, pk: int) -> HttpResponse:
    incident = access_incident(request.user, pk)  # type: ignore[arg-type]
    return render(
        request,
        "safeguarding/panel.html",
        {
            "incident": incident,
            "persons": list(incident.persons.all()),
            "flags": list(queries.flags_for(incident.pk)),
            "referrals": list(queries.referrals_for(incident.pk)),
            "kinds": VulnerabilityFlag.Kind.choices,
            "teams": Referral.Team.choices,
            "duty": {d.team: d for d in DutyContact.objects.all()},
            "can_refer": request.user.has_perm("safeguarding.make_referral"),
        },
    )


def _back(pk: int) -> HttpResponse:
    return redirect(reverse("incidents:detail", args=[pk]) + "#safeguarding")


@require_POST
@permission_required("safeguarding.make_referral", raise_exception=True)
def flag(request: HttpRequest, pk: int) -> HttpResponse:
    incident = access_incident(request.user, pk)  # type: ignore[arg-type]
    form = FlagForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the person and the vulnerability.")
        return _back(incident.pk)
    person = get_object_or_404(Person, pk=form.cleaned_data["person"], incident=incident)
    try:
        actions.flag_vulnerability(
            person,
            by=request.user,
            kind=form.cleaned_data["kind"],
            notes=form.cleaned_data["notes"],  # type: ignore[arg-type]
        )
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "Vulnerability flagged.")
    return _back(incident.pk)


@require_POST
@permission_required("safeguarding.make_referral", raise_exception=True)
def refer(request: HttpRequest, pk: int) -> HttpResponse:
    incident = access_incident(request.user, pk)  # type: ignore[arg-type]
    form = ReferralForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the team and say why you are referring.")
        return _back(incident.pk)
    person = None
    if form.cleaned_data["person"]:
        person = get_object_or_404(Person, pk=form.cleaned_data["person"], incident=incident)
    try:
        actions.make_referral(
            incident,
            by=request.user,
            team=form.cleaned_data["team"],  # type: ignore[arg-type]
            reason=form.cleaned_data["reason"],
            person=person,
        )
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "Referral made.")
    return _back(incident.pk)


@require_POST
@permission_required("safeguarding.respond_referral", raise_exception=True)
def respond(request: HttpRequest, pk: int) -> HttpResponse:
    referral = get_object_or_404(Referral, pk=pk)
    form = ResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a response.")
    else:
        try:
            actions.update_referral(
                referral,
                by=request.user,
                to=form.cleaned_data["to"],
                notes=form.cleaned_data["notes"],  # type: ignore[arg-type]
            )
        except DomainError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, "Referral updated.")
    return redirect("safeguarding:queue")
