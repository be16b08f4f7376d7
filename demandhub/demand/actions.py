"""Writes for training exercises. Each runs in one transaction and audits itself."""

import secrets
from collections import Counter
from collections.abc import Iterable

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from demandhub import audit
from demandhub.accounts.actions import create_staff, issue_token, revoke_token
from demandhub.accounts.models import ApiToken, User
from demandhub.audit.models import Action
from demandhub.core.errors import DomainError

from .models import Exercise
from .scenarios import SCENARIOS

Status = Exercise.Status


class ExerciseError(DomainError):
    code = "exercise"


def _trained_models() -> list[type[models.Model]]:
    """Every model an exercise marks, the ones made from others first (purged in this order)."""
    from demandhub.contacts.models import Contact
    from demandhub.crimes.models import CrimeRecord
    from demandhub.incidents.models import Incident

    return [CrimeRecord, Incident, Contact]


@transaction.atomic
def start_exercise(
    *,
    by: User | None,
    name: str,
    scenario: str,
    trainees: Iterable[User] = (),
    scale: float | None = None,
    minutes: int | None = None,
    seed: int | None = None,
) -> tuple[Exercise, str]:
    """A running exercise for `trainees`, with its own gateway account; returns it and the
    gateway's bearer token (shown once) for the exercise's demand generator."""
    name = name.strip()
    if not name:
        raise ExerciseError("Give the exercise a name.")
    if scenario not in SCENARIOS:
        raise ExerciseError(f"{scenario!r} is not a scenario: {', '.join(SCENARIOS)}.")
    if Exercise.objects.filter(name=name).exists():
        raise ExerciseError(f"There is already an exercise called {name!r}.")
    chosen = SCENARIOS[scenario]
    scale = chosen.scale if scale is None else scale
    if not scale > 0:
        raise ExerciseError("The scale must be more than 0.")
    people = list(trainees)
    if busy := [u.username for u in people if u.training_exercises.filter(status=Status.RUNNING)]:
        raise ExerciseError(f"Already in a running exercise: {', '.join(sorted(busy))}.")
    gateway = create_staff(
        f"exercise-{slugify(name)[:40]}-{secrets.token_hex(3)}",
        by=by,
        password=secrets.token_urlsafe(32),  # a service account: it signs in by token only
        roles=["contact_gateway"],
        first_name=f"Exercise {name}",
        last_name="(gateway)",
    )
    exercise = Exercise.objects.create(
        name=name,
        scenario=scenario,
        scale=scale,
        minutes=chosen.minutes if minutes is None else minutes,
        seed=secrets.randbelow(1_000_000) if seed is None else seed,
        started_at=timezone.now(),
        started_by=by,
        gateway=gateway,
    )
    exercise.trainees.set(people)
    _, token = issue_token(gateway, by=by, name=f"exercise {name}")
    audit.record(
        Action.EXERCISE_STARTED,
        actor=by,
        subject=exercise,
        name=name,
        scenario=scenario,
        scale=scale,
        minutes=exercise.minutes,
        trainees=sorted(u.username for u in people),
    )
    return exercise, token


def _finish(exercise: Exercise, by: User | None) -> None:
    for token in ApiToken.objects.filter(user=exercise.gateway, revoked_at__isnull=True):
        revoke_token(token, by=by)
    User.objects.filter(pk=exercise.gateway_id).update(is_active=False)


@transaction.atomic
def end_exercise(exercise: Exercise, *, by: User | None) -> Exercise:
    """Stop the exercise: its gateway's tokens are revoked and its trainees see live work
    again. Its records stay (for the debrief) until purged."""
    exercise = Exercise.objects.select_for_update().get(pk=exercise.pk)
    if exercise.status != Status.RUNNING:
        raise ExerciseError(f"{exercise.name} is already {exercise.get_status_display().lower()}.")
    _finish(exercise, by)
    exercise.status, exercise.ended_at = Status.ENDED, timezone.now()
    exercise.save(update_fields=["status", "ended_at"])
    audit.record(Action.EXERCISE_ENDED, actor=by, subject=exercise, name=exercise.name)
    return exercise


@transaction.atomic
def purge_exercise(exercise: Exercise, *, by: User | None) -> dict[str, int]:
    """Delete every record the exercise made, with everything hanging off them (logs,
    assessments, assignments, telephony events...), ending it first if it runs. Returns how
    many rows of each model went; the audit trail keeps the counts (its own events stay:
    the trail is append-only)."""
    exercise = Exercise.objects.select_for_update().get(pk=exercise.pk)
    if exercise.status == Status.PURGED:
        raise ExerciseError(f"{exercise.name} has already been purged.")
    if exercise.status == Status.RUNNING:
        _finish(exercise, by)
        exercise.ended_at = timezone.now()
    deleted: Counter[str] = Counter()
    marked = [m.objects.filter(exercise=exercise) for m in _trained_models()]  # type: ignore[attr-defined]
    _unlink(marked)
    for queryset in marked:
        _delete_with_dependents(queryset, deleted)
    exercise.status, exercise.purged_at = Status.PURGED, timezone.now()
    exercise.save(update_fields=["status", "ended_at", "purged_at"])
    audit.record(
        Action.EXERCISE_PURGED,
        actor=by,
        subject=exercise,
        name=exercise.name,
        deleted=dict(deleted),
    )
    return dict(deleted)


def _unlink(querysets: list[models.QuerySet]) -> None:  # type: ignore[type-arg]
    """Break the references between marked records (a contact's incident, an incident's
    duplicate, a transfer's parent) so each model can be deleted in turn."""
    for queryset in querysets:
        nullable = [
            f.name
            for f in queryset.model._meta.concrete_fields
            if f.is_relation and f.null and f.related_model in {q.model for q in querysets}
        ]
        if nullable:
            queryset.update(**dict.fromkeys(nullable))


def _delete_with_dependents(
    queryset: models.QuerySet, deleted: Counter[str], depth: int = 0
) -> None:  # type: ignore[type-arg]
    """Delete the rows and, first, every row that refers to them (PROTECT everywhere)."""
    if depth > 8:
        raise ExerciseError("The records refer to each other too deeply to purge.")
    model = queryset.model
    for relation in model._meta.related_objects:
        if relation.related_model is model or not relation.field.concrete:
            continue
        dependents = relation.related_model._default_manager.filter(
            **{f"{relation.field.name}__in": queryset.values("pk")}
        )
        if relation.field.null and relation.on_delete is models.SET_NULL:
            continue  # the database's delete clears these
        _delete_with_dependents(dependents, deleted, depth + 1)
    _, per_model = queryset.delete()
    for label, n in per_model.items():
        if n:
            deleted[label] += n
