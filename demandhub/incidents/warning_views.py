"""The warning markers page: what is on the register, adding a marker, withdrawing one.

Markers warn handlers and crews about an address (within a radius) or a person (name and date
of birth, or phone). Anyone who sees incidents may read the register; adding and withdrawing
take `incidents.manage_warning` and a reason is required to withdraw. Every change is audited by
the actions (incidents.actions.add_warning_marker / withdraw_warning_marker).
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from demandhub.core.errors import DomainError

from . import actions
from .forms import WarningForm, WithdrawWarningForm
from .models import WarningMarker

MANAGE = "incidents.manage_warning"
SHOWN = 200  # the register page lists the newest markers matching the search


def _register(request: HttpRequest, **forms: object) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    withdrawn = request.GET.get("withdrawn") == "1"
    markers = WarningMarker.objects.select_related("added_by").order_by("-added_at", "-pk")
    if not withdrawn:
        markers = markers.filter(withdrawn_at__isnull=True)
    if query:
        markers = markers.filter(
            Q(address__icontains=query)
            | Q(person_name__icontains=query)
            | Q(phone__icontains=query)
            | Q(details__icontains=query)
        )
    return render(
        request,
        "incidents/warnings.html",
        {
            "markers": list(markers[:SHOWN]),
            "shown": SHOWN,
            "query": query,
            "withdrawn": withdrawn,
            "can_manage": request.user.has_perm(MANAGE),
            "form": forms.get("form") or WarningForm(),
            "withdraw_errors": forms.get("withdraw_errors", {}),
        },
        status=422 if forms else 200,
    )


@require_GET
@permission_required("incidents.view_incident", raise_exception=True)
def register(request: HttpRequest) -> HttpResponse:
    return _register(request)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def add(request: HttpRequest) -> HttpResponse:
    form = WarningForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        place = data.pop("location")
        try:
            marker = actions.add_warning_marker(
                by=request.user,  # type: ignore[arg-type]
                address=place.text if place else "",
                latitude=place.latitude if place else None,
                longitude=place.longitude if place else None,
                **data,
            )
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, f"Warning added: {marker.label}.")
            return redirect("incidents:warnings")
    return _register(request, form=form)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    marker = get_object_or_404(WarningMarker, pk=pk)
    form = WithdrawWarningForm(request.POST)
    if form.is_valid():
        try:
            actions.withdraw_warning_marker(marker, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, f"Warning withdrawn: {marker.label}.")
            return redirect("incidents:warnings")
    errors = [str(e) for errs in form.errors.values() for e in errs]
    return _register(request, withdraw_errors={marker.pk: " ".join(errors)})
