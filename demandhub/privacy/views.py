"""The records page for supervisors (/staff/records/): restrict a record to named teams and an
officer or lift a restriction (accounts.need_to_know), and place, list and release legal holds
(privacy.holds, the actions `demandhub retention hold place|release|list` uses). Every change
needs a reason and is audited by the action it calls. Thin: forms in, actions out."""

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from demandhub.accounts import need_to_know
from demandhub.accounts.models import Restriction, Team, User
from demandhub.core.errors import DomainError

from . import holds
from .models import LegalHold

RESTRICT = "accounts.restrict_record"
HOLD = "privacy.add_legalhold"
RELEASE = "privacy.change_legalhold"

# Records a restriction may be placed on: those whose access functions call need_to_know.check.
RESTRICTABLE = {
    "incidents.incident": "Incident",
    "contacts.contact": "Contact",
    "crimes.crimerecord": "Crime record",
}
HOLDABLE_CHOICES = sorted((label, label) for label in holds.HOLDABLE)


class RecordNotFound(DomainError):
    code = "record_not_found"


def find_record(subject_type: str, given: str) -> models.Model:
    """The record of `subject_type` whose reference (or, for records without one, id) is
    `given`."""
    model = apps.get_model(subject_type)
    given = given.strip()
    manager = model._default_manager
    field_names = {f.name for f in model._meta.get_fields()}
    found = None
    if "reference" in field_names:
        found = manager.filter(reference__iexact=given).first()
    if found is None and given.isdigit():
        found = manager.filter(pk=int(given)).first()
    if found is None:
        raise RecordNotFound(f"no {model._meta.verbose_name} {given!r}")
    return found


def _label(subject_type: str, subject_id: str, by_key: dict[str, str]) -> str:
    return by_key.get(f"{subject_type}:{subject_id}", f"{subject_type} #{subject_id}")


def _references(rows: list[tuple[str, str]]) -> dict[str, str]:
    """ "type:id" -> the record's reference (or str()), one query per record type."""
    wanted: dict[str, set[str]] = {}
    for subject_type, subject_id in rows:
        wanted.setdefault(subject_type, set()).add(subject_id)
    out = {}
    for subject_type, ids in wanted.items():
        model = apps.get_model(subject_type)
        has_reference = "reference" in {f.name for f in model._meta.get_fields()}
        for record in model._default_manager.filter(pk__in=[int(i) for i in ids if i.isdigit()]):
            text = record.reference if has_reference else f"{model._meta.verbose_name} #{record.pk}"
            out[f"{subject_type}:{record.pk}"] = text
    return out


class RestrictForm(forms.Form):
    subject_type = forms.ChoiceField(label="Record type", choices=sorted(RESTRICTABLE.items()))
    record = forms.CharField(label="Reference", max_length=64)
    category = forms.ChoiceField(choices=Restriction.Category.choices)
    teams = forms.ModelMultipleChoiceField(queryset=Team.objects.all(), required=False)
    officer = forms.CharField(label="Allocated officer (username)", max_length=150, required=False)
    reason = forms.CharField(max_length=500)

    def clean_officer(self) -> User | None:
        username = self.cleaned_data["officer"].strip()
        if not username:
            return None
        officer = User.objects.filter(username=username, is_active=True).first()
        if officer is None:
            raise forms.ValidationError(f"no active member of staff {username!r}")
        return officer


class HoldForm(forms.Form):
    subject_type = forms.ChoiceField(label="Record type", choices=HOLDABLE_CHOICES)
    record = forms.CharField(label="Reference or id", max_length=64)
    reason = forms.CharField(max_length=500)


@require_GET
@permission_required(RESTRICT, raise_exception=True)
def records(request: HttpRequest) -> HttpResponse:
    restrictions = list(
        Restriction.objects.filter(lifted_at__isnull=True)
        .select_related("officer", "created_by")
        .prefetch_related("teams")
        .order_by("-created_at")
    )
    held = list(
        LegalHold.objects.filter(released_at__isnull=True)
        .select_related("placed_by")
        .order_by("pk")
    )
    labels = _references(
        [(r.subject_type, r.subject_id) for r in restrictions]
        + [(h.subject_type, h.subject_id) for h in held]
    )
    return render(
        request,
        "privacy/records.html",
        {
            "restrictions": [
                (r, _label(r.subject_type, r.subject_id, labels)) for r in restrictions
            ],
            "holds": [(h, _label(h.subject_type, h.subject_id, labels)) for h in held],
            "restrict_form": RestrictForm(),
            "hold_form": HoldForm(prefix="hold"),
            "can_hold": request.user.has_perm(HOLD),
            "can_release": request.user.has_perm(RELEASE),
        },
    )


def _errors(request: HttpRequest, form: forms.Form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label or field}: {' '.join(errors)}")


@require_POST
@permission_required(RESTRICT, raise_exception=True)
def restrict(request: HttpRequest) -> HttpResponse:
    form = RestrictForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return redirect("privacy:records")
    data = form.cleaned_data
    try:
        record = find_record(data["subject_type"], data["record"])
        need_to_know.restrict(
            record,
            by=request.user,  # type: ignore[arg-type]
            category=data["category"],
            reason=data["reason"],
            teams=list(data["teams"]),
            officer=data["officer"],
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{data['record']} is restricted.")
    return redirect("privacy:records")


@require_POST
@permission_required(RESTRICT, raise_exception=True)
def lift(request: HttpRequest, pk: int) -> HttpResponse:
    restriction = Restriction.objects.filter(pk=pk, lifted_at__isnull=True).first()
    if restriction is None:
        messages.error(request, "That restriction is no longer in force.")
        return redirect("privacy:records")
    record = apps.get_model(restriction.subject_type)(pk=restriction.subject_id)
    try:
        need_to_know.lift(record, by=request.user, reason=request.POST.get("reason", ""))  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The restriction is lifted.")
    return redirect("privacy:records")


@require_POST
@permission_required(HOLD, raise_exception=True)
def place_hold(request: HttpRequest) -> HttpResponse:
    form = HoldForm(request.POST, prefix="hold")
    if not form.is_valid():
        _errors(request, form)
        return redirect("privacy:records")
    data = form.cleaned_data
    try:
        record = find_record(data["subject_type"], data["record"])
        hold = holds.place(
            data["subject_type"],
            str(record.pk),
            reason=data["reason"],
            by=request.user,  # type: ignore[arg-type]
        )
    except (DomainError, holds.HoldError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Legal hold #{hold.pk} placed on {data['record']}.")
    return redirect("privacy:records")


@require_POST
@permission_required(RELEASE, raise_exception=True)
def release_hold(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        holds.release(pk, reason=request.POST.get("reason", ""), by=request.user)  # type: ignore[arg-type]
    except holds.HoldError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Legal hold #{pk} released.")
    return redirect("privacy:records")
