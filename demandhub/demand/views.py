"""The trainer's page: running and past exercises; start one, end it, purge its records."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from demandhub.core.errors import DomainError

from . import actions, background
from .forms import ExerciseForm
from .models import Exercise
from .queries import policing_areas
from .scenarios import SCENARIOS

PERMISSION = "demand.run_exercise"


def _page(request: HttpRequest, form: ExerciseForm, status: int = 200) -> HttpResponse:
    exercises = Exercise.objects.prefetch_related("trainees").order_by("-started_at")[:50]
    return render(
        request,
        "demand/exercises.html",
        {"form": form, "exercises": exercises, "scenarios": SCENARIOS.values()},
        status=status,
    )


@require_GET
@permission_required(PERMISSION, raise_exception=True)
def exercises(request: HttpRequest) -> HttpResponse:
    return _page(request, ExerciseForm(initial={"scenario": "major_incident"}))


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def start(request: HttpRequest) -> HttpResponse:
    form = ExerciseForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=422)
    data = form.cleaned_data
    try:
        exercise, token = actions.start_exercise(
            by=request.user,  # type: ignore[arg-type]
            name=data["name"],
            scenario=data["scenario"],
            trainees=data["trainees"],
            scale=data["scale"],
            minutes=data["minutes"],
        )
    except DomainError as e:
        form.add_error(None, str(e))
        return _page(request, form, status=422)
    # The exercise's demand goes to this server through its own API, as a gateway's would.
    background.start(
        base_url=request.build_absolute_uri("/").rstrip("/"),
        token=token,
        areas=policing_areas(),
        log_path=settings.DATA_DIR / f"exercise-{exercise.pk}.log",
        seed=exercise.seed,
        profile=SCENARIOS[exercise.scenario].profile(exercise.scale),
        warm=False,
        minutes=exercise.minutes,
    )
    count = exercise.trainees.count()
    messages.success(request, f"{exercise.name} started for {count} trainee{pluralize(count)}.")
    return HttpResponseRedirect(reverse("demand:exercises"))


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def end(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = get_object_or_404(Exercise, pk=pk)
    try:
        actions.end_exercise(exercise, by=request.user)  # type: ignore[arg-type]
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, f"{exercise.name} ended; its trainees see live work again.")
    return HttpResponseRedirect(reverse("demand:exercises"))


@require_POST
@permission_required(PERMISSION, raise_exception=True)
def purge(request: HttpRequest, pk: int) -> HttpResponse:
    exercise = get_object_or_404(Exercise, pk=pk)
    try:
        deleted = actions.purge_exercise(exercise, by=request.user)  # type: ignore[arg-type]
    except DomainError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, f"{exercise.name} purged: {sum(deleted.values())} records.")
    return HttpResponseRedirect(reverse("demand:exercises"))
