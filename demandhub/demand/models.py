"""Training exercises: records made in one are marked with it, kept out of everything live,
and purged together when the exercise is over."""

from django.conf import settings
from django.db import models


class Exercise(models.Model):
    """A training exercise: a scenario's demand fed to a group of trainees.

    Contacts the exercise's own gateway account sends, and every incident and crime made from
    them (or by a trainee while the exercise runs), carry `exercise`; live queues, consoles
    and statistics use `.live()` and never see them; trainees see only theirs.
    """

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        ENDED = "ended", "Ended"
        PURGED = "purged", "Purged"

    name = models.CharField(max_length=100, unique=True)
    scenario = models.CharField(max_length=40)
    scale = models.FloatField(default=1.0)  # times the force's normal demand
    minutes = models.PositiveIntegerField(default=60)
    seed = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=8, choices=Status, default=Status.RUNNING)
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)
    # The service account the exercise's demand comes from (role contact_gateway).
    gateway = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="exercise_gateway_of"
    )
    trainees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="training_exercises"
    )

    class Meta:
        permissions = [("run_exercise", "Can start, end and purge training exercises")]
        constraints = [
            models.CheckConstraint(condition=models.Q(scale__gt=0), name="exercise_scale_positive")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display().lower()})"
