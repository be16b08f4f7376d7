"""The dispatcher console, the supervisor's deadline alerts and the crew's deployment view
(thin views over stack.py reads and assignments.py actions)."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from demandhub.accounts.models import User
from demandhub.forces.models import PolicingArea
from demandhub.incidents.classifications import catalogue
from demandhub.incidents.models import Incident
from demandhub.incidents.permissions import access_incident
from demandhub.incidents.queries import warnings_for

from . import assignments, stack, workflow
from .board import map_unit
from .errors import DispatchError
from .models import Assignment, Resource
from .positions import is_stale
from .queries import in_training, resources_for_board, unit_of

OK = 200


def _require_dispatcher(request: HttpRequest) -> None:
    if not request.user.has_perm("dispatch.assign_resource"):
        raise PermissionDenied


def classification_label(code: str) -> str:
    found = catalogue().get(code) if code else None
    return found.label if found else code


@require_GET
def console(request: HttpRequest) -> HttpResponse:
    _require_dispatcher(request)
    return render(request, "dispatch/console.html", _console_context(request))


def _console_context(request: HttpRequest) -> dict[str, object]:
    now = timezone.now()
    user = request.user  # a trainee sees their running exercise's incidents, not live ones
    waiting = stack.annotate_countdowns(list(stack.incidents_awaiting_deployment(user)), now=now)  # type: ignore[arg-type]
    deployed = stack.annotate_countdowns(list(stack.deployed_incidents(user)), now=now)  # type: ignore[arg-type]
    for incident in [*waiting, *deployed]:
        incident.classification_label = classification_label(incident.classification)  # type: ignore[attr-defined]
    for incident in deployed:
        for a in incident.active_assignments:  # type: ignore[attr-defined]
            a.times = stack.response_times(a, incident)
            # "Reassign to..." offers the stack; never for a unit with a person in its care.
            a.reassignable = a.resource.status in workflow.DIVERTIBLE
    return {
        "waiting": waiting,
        "deployed": deployed,
        "now": now,
        "map_tiles": settings.MAP_TILE_URL,
        "training": in_training(user),  # type: ignore[arg-type]
        "no_training_units": stack.NO_TRAINING_UNITS,
    }


@require_GET
def console_stack(request: HttpRequest) -> HttpResponse:
    _require_dispatcher(request)
    return render(request, "dispatch/console.html#incidents", _console_context(request))


@require_GET
def recommendations(request: HttpRequest, pk: int) -> HttpResponse:
    _require_dispatcher(request)
    incident = access_incident(request.user, pk)  # type: ignore[arg-type]
    incident.classification_label = classification_label(incident.classification)  # type: ignore[attr-defined]
    result = stack.recommendations_for(incident, now=timezone.now())
    return render(request, "dispatch/console.html#recommendations", {"recs": result})


@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    _require_dispatcher(request)
    incident = access_incident(request.user, pk)  # type: ignore[arg-type]
    # A row's own Assign button sends "only"; the form's button sends the ticked boxes.
    chosen = set(request.POST.getlist("only")[:1] or request.POST.getlist("resource"))
    units = list(Resource.objects.filter(pk__in=[v for v in chosen if v.isdigit()]))
    status = OK
    if not chosen or len(units) != len(chosen):
        messages.error(request, "Choose units from the list.")
        status = 422
    else:
        try:
            made = assignments.assign_resources(incident, units, by=request.user)  # type: ignore[arg-type]
        except DispatchError as e:
            messages.error(request, str(e))
            status = 409
        else:
            names = ", ".join(a.resource.call_sign for a in made)
            messages.success(request, f"{names} assigned to {incident.reference}.")
    context = _console_context(request)
    if status == OK:
        context["assigned_to"] = incident.reference  # clears the recommendation pane
    response = render(request, "dispatch/console.html#incidents", context)
    response.status_code = status
    return response


@require_POST
def stand_down(request: HttpRequest, pk: int) -> HttpResponse:
    _require_dispatcher(request)
    assignment = get_object_or_404(Assignment.objects.select_related("resource"), pk=pk)
    access_incident(request.user, assignment.incident_id)  # type: ignore[arg-type]
    status = OK
    try:
        assignments.stand_down(
            assignment, by=request.user, reason=request.POST.get("reason", "")[:200]
        )  # type: ignore[arg-type]
        messages.success(request, f"{assignment.resource.call_sign} stood down.")
    except DispatchError as e:
        messages.error(request, str(e))
        status = 409
    response = render(request, "dispatch/console.html#incidents", _console_context(request))
    response.status_code = status
    return response


@require_POST
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    """One step: a deployed unit off its incident and on to one from the stack."""
    _require_dispatcher(request)
    assignment = get_object_or_404(Assignment.objects.select_related("resource", "incident"), pk=pk)
    access_incident(request.user, assignment.incident_id)  # type: ignore[arg-type]
    call_sign, chosen = assignment.resource.call_sign, request.POST.get("incident", "")
    status = OK
    try:
        if not chosen.isdigit():
            messages.error(request, f"Choose the incident to reassign {call_sign} to.")
            status = 422
        else:
            to = access_incident(request.user, int(chosen))  # type: ignore[arg-type]
    except Http404:  # unknown, or not one this dispatcher may see: the same answer
        messages.error(request, f"No incident {chosen} to reassign {call_sign} to.")
        status = 422
    if status == OK:
        try:
            assignments.reassign(assignment, to, by=request.user)  # type: ignore[arg-type]
        except DispatchError as e:
            messages.error(request, str(e))
            status = 409
        else:
            messages.success(
                request,
                f"{call_sign} reassigned from {assignment.incident.reference} to {to.reference}.",
            )
    response = render(request, "dispatch/console.html#incidents", _console_context(request))
    response.status_code = status
    return response


@require_GET
def console_map(request: HttpRequest) -> JsonResponse:
    _require_dispatcher(request)
    now = timezone.now()
    max_age = timedelta(seconds=settings.DISPATCH_STALE_POSITION_SECONDS)
    units = [
        map_unit(u, stale=is_stale(u.position_at, now=now, max_age=max_age))
        for u in resources_for_board(request.user).exclude(status=Resource.Status.OFF_DUTY)  # type: ignore[arg-type]
    ]
    incidents = [
        {
            "id": i.pk,
            "reference": i.reference,
            "grade": i.grade,
            "status": i.status,
            "lat": i.latitude,
            "lon": i.longitude,
        }
        for i in Incident.objects.seen_by(request.user).filter(  # type: ignore[arg-type]
            status__in=(Incident.Status.AWAITING_DEPLOYMENT, *stack.DEPLOYED),
            latitude__isnull=False,
        )
    ]
    areas = [
        {"name": a.name, "type": a.area_type, "boundary": a.boundary}
        for a in PolicingArea.objects.only("name", "area_type", "boundary")
    ]
    return JsonResponse({"units": units, "incidents": incidents, "areas": areas})


@require_GET
@permission_required("dispatch.view_deadline_alerts", raise_exception=True)
def alerts(request: HttpRequest) -> HttpResponse:
    found = stack.deadline_alerts(now=timezone.now(), user=request.user)  # type: ignore[arg-type]
    template = "dispatch/alerts.html#alerts" if request.htmx else "dispatch/alerts.html"  # type: ignore[attr-defined]
    return render(request, template, {"alerts": found})


def deployment_of(user: User) -> tuple[Resource | None, Assignment | None, list[object]]:
    """The crew's unit, its active assignment and the incident's warnings (for the MDT)."""
    unit = unit_of(user)
    if unit is None:
        return None, None, []
    assignment = (
        Assignment.objects.select_related("incident", "incident__area")
        .filter(resource=unit, cleared_at__isnull=True)
        .first()
    )
    if assignment is None:
        return unit, None, []
    incident = assignment.incident
    incident.classification_label = classification_label(incident.classification)  # type: ignore[attr-defined]
    return unit, assignment, list(warnings_for(incident))
