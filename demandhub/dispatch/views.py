"""The resource board and the crew's mobile data terminal (thin: actions do the work)."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from demandhub.forces.models import PolicingArea

from . import actions, workflow
from .board import columns, map_unit
from .errors import DispatchError
from .forms import BookOnForm, StatusForm
from .permissions import access_resource, can_change_status
from .positions import is_stale
from .queries import in_training, resources_for_board, unit_of, units_to_book_on
from .stack import NO_TRAINING_UNITS


def _max_age() -> timedelta:
    return timedelta(seconds=settings.DISPATCH_STALE_POSITION_SECONDS)


@require_GET
@permission_required("dispatch.view_resource", raise_exception=True)
def board(request: HttpRequest) -> HttpResponse:
    return _board_response(request)


def _board_response(request: HttpRequest, status: int = 200) -> HttpResponse:
    units = list(resources_for_board(request.user))  # type: ignore[arg-type]
    for unit in units:
        unit.choices = [(s, workflow.Status(s).label) for s in workflow.choices_from(unit.status)]  # type: ignore[attr-defined]
    context = {
        "columns": columns(units, now=timezone.now(), max_age=_max_age()),
        "total": len(units),
        "stale_after_minutes": settings.DISPATCH_STALE_POSITION_SECONDS // 60,
        "map_tiles": settings.MAP_TILE_URL,
        "can_change": request.user.has_perm("dispatch.change_resource_status"),
        "training": in_training(request.user),  # type: ignore[arg-type]
        "no_training_units": NO_TRAINING_UNITS,
    }
    template = "dispatch/board.html#units" if request.htmx else "dispatch/board.html"  # type: ignore[attr-defined]
    if request.htmx and request.GET.get("compact"):  # type: ignore[attr-defined]
        template = "dispatch/board.html#compact"  # the dispatcher console's summary
    return render(request, template, context, status=status)


@require_GET
@permission_required("dispatch.view_resource", raise_exception=True)
def board_map(request: HttpRequest) -> JsonResponse:
    now, max_age = timezone.now(), _max_age()
    units = [
        map_unit(u, stale=is_stale(u.position_at, now=now, max_age=max_age))
        for u in resources_for_board(request.user).exclude(status=workflow.Status.OFF_DUTY)  # type: ignore[arg-type]
    ]
    areas = [
        {"name": a.name, "type": a.area_type, "boundary": a.boundary}
        for a in PolicingArea.objects.only("name", "area_type", "boundary")
    ]
    return JsonResponse({"units": units, "areas": areas})


@require_POST
@permission_required("dispatch.view_resource", raise_exception=True)
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    """A dispatcher changes a unit's status from the board."""
    resource = access_resource(request.user, pk)  # type: ignore[arg-type]
    if not can_change_status(request.user, resource):  # type: ignore[arg-type]
        raise PermissionDenied
    form = StatusForm(request.POST)
    status = 200
    if not form.is_valid():
        messages.error(request, f"{resource.call_sign}: choose a status from the list.")
        status = 422
    else:
        try:
            actions.change_status(
                resource,
                form.cleaned_data["status"],
                by=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
            )
            label = workflow.Status(form.cleaned_data["status"]).label.lower()
            messages.success(request, f"{resource.call_sign} is now {label}.")
        except DispatchError as e:
            messages.error(request, str(e))
            status = 409
    if request.htmx:  # type: ignore[attr-defined]
        return _board_response(request, status)
    return redirect("dispatch:board")


# The mobile data terminal: one page per signed-in crew member, showing the unit they are
# booked on to (Resource.crew); an officer not booked on picks a call sign first.


def _require_crew(request: HttpRequest) -> None:
    if not request.user.has_perm("dispatch.crew_resource"):
        raise PermissionDenied


@require_GET
def mdt(request: HttpRequest) -> HttpResponse:
    _require_crew(request)
    return _mdt_response(request)


def _mdt_response(request: HttpRequest, status: int = 200) -> HttpResponse:
    from .console import deployment_of

    unit, assignment, warnings = deployment_of(request.user)  # type: ignore[arg-type]
    context: dict[str, object] = {"unit": unit, "assignment": assignment, "warnings": warnings}
    if unit is not None:
        context["choices"] = [
            (s, workflow.Status(s).label)
            for s in workflow.choices_from(unit.status)  # type: ignore[attr-defined]
        ]
    else:
        context["units"] = units_to_book_on()
    template = "dispatch/mdt.html#panel" if request.htmx else "dispatch/mdt.html"  # type: ignore[attr-defined]
    return render(request, template, context, status=status)


def _after_mdt_post(request: HttpRequest, status: int) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        return _mdt_response(request, status)
    return redirect("dispatch:mdt")


@require_POST
def mdt_status(request: HttpRequest) -> HttpResponse:
    _require_crew(request)
    unit = unit_of(request.user)  # type: ignore[arg-type]
    if unit is None:
        messages.error(request, "Book on to a unit first.")
        return _after_mdt_post(request, 409)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the status buttons.")
        return _after_mdt_post(request, 422)
    try:
        actions.change_status(unit, form.cleaned_data["status"], by=request.user)  # type: ignore[arg-type]
    except DispatchError as e:
        messages.error(request, str(e))
        return _after_mdt_post(request, 409)
    return _after_mdt_post(request, 200)


@require_POST
def mdt_book_on(request: HttpRequest) -> HttpResponse:
    _require_crew(request)
    form = BookOnForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["call_sign"]))
        return _after_mdt_post(request, 422)
    try:
        unit = actions.book_on(form.cleaned_data["call_sign"], by=request.user)  # type: ignore[arg-type]
    except DispatchError as e:
        messages.error(request, str(e))
        return _after_mdt_post(request, 409)
    messages.success(request, f"Booked on to {unit.call_sign}.")
    return _after_mdt_post(request, 200)


@require_POST
def mdt_book_off(request: HttpRequest) -> HttpResponse:
    _require_crew(request)
    unit = unit_of(request.user)  # type: ignore[arg-type]
    if unit is None:
        messages.error(request, "You are not booked on to a unit.")
        return _after_mdt_post(request, 409)
    try:
        actions.book_off(unit, by=request.user)  # type: ignore[arg-type]
    except DispatchError as e:
        messages.error(request, str(e))
        return _after_mdt_post(request, 409)
    messages.success(request, f"Booked off {unit.call_sign}.")
    return _after_mdt_post(request, 200)
