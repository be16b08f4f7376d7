"""Which records are live and which belong to a training exercise.

Every model an exercise creates records in (contacts.Contact, incidents.Incident,
crimes.CrimeRecord) has a nullable `exercise` and this queryset as its manager:
`.live()` in every live queue, console and statistic; `.seen_by(user)` in a console a
trainee may be using (their running exercise's records instead of live ones).
"""

from typing import TYPE_CHECKING, Any, Self

from django.db import connection, models

if TYPE_CHECKING:
    from demandhub.accounts.models import User

    from .models import Exercise


class TrainingQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def live(self) -> Self:
        """Real records only: nothing made in a training exercise."""
        return self.filter(exercise__isnull=True)

    def in_exercise(self, exercise: "Exercise | None") -> Self:
        """The exercise's records; live records for None."""
        return self.live() if exercise is None else self.filter(exercise=exercise)

    def seen_by(self, user: "User | None") -> Self:
        """What `user`'s consoles show: their running exercise's records while they are a
        trainee in one (or its gateway), live records otherwise."""
        return self.in_exercise(exercise_of(user))


def exercise_of(user: "User | None") -> "Exercise | None":
    """The running exercise `user` is a trainee in or the gateway of; None for everyone else
    (and for the public, None)."""
    from .models import Exercise

    if user is None or not getattr(user, "pk", None):
        return None
    cached: dict[int, Any] = getattr(user, "_running_exercise", {})
    if user.pk in cached:
        return cached[user.pk]  # type: ignore[no-any-return]
    found = (
        Exercise.objects.filter(status=Exercise.Status.RUNNING)
        .filter(models.Q(gateway=user) | models.Q(trainees=user))
        .order_by("-started_at")
        .first()
    )
    user._running_exercise = {user.pk: found}  # type: ignore[union-attr]  # one look-up a request
    return found


def in_exercise_sql(user_id: str) -> str:
    """SQL, true while the user whose id is the SQL `user_id` is the gateway of, or a trainee
    in, a running exercise. The bearer-token statement (accounts/bearer.py) reads it with the
    token, so a device outside any exercise (every real gateway) costs no look-up here."""
    from .models import Exercise

    q = connection.ops.quote_name
    table, trainees = Exercise._meta.db_table, Exercise.trainees.through._meta.db_table
    # Names from the models' metadata and the caller's SQL: no value from outside.
    return (
        f"EXISTS (SELECT 1 FROM {q(table)} e WHERE e.status = '{Exercise.Status.RUNNING.value}'"  # noqa: S608
        f" AND (e.gateway_id = {user_id} OR e.id IN"
        f" (SELECT t.exercise_id FROM {q(trainees)} t WHERE t.user_id = {user_id})))"
    )


def known_outside_exercises(user: "User") -> None:
    """Record that `user` is in no running exercise (as in_exercise_sql found), so
    exercise_of answers without asking."""
    user._running_exercise = {user.pk: None}  # type: ignore[attr-defined]


def exercise_id_for(by: "User | None", *, made_from: Any = None) -> int | None:
    """The exercise a new record belongs to (its id): that of the record it is made from (a
    contact, an incident) when there is one, else that of whoever makes it."""
    if made_from is not None:
        return made_from.exercise_id  # type: ignore[no-any-return]
    found = exercise_of(by)
    return found.pk if found else None
