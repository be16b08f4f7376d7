"""Incidents in the states dispatch works with, built with the incidents app's factories."""

from datetime import datetime, timedelta

from django.utils import timezone

from demandhub.incidents.models import Incident
from demandhub.incidents.tests.factories import IncidentFactory


def incident_awaiting(
    grade: int = 1,
    *,
    opened_at: datetime | None = None,
    target: timedelta | None = None,
    status: str = Incident.Status.AWAITING_DEPLOYMENT,
    **kw: object,
) -> Incident:
    opened = opened_at or timezone.now()
    if target is None:
        target = {1: timedelta(minutes=15), 2: timedelta(hours=1)}.get(grade, timedelta(hours=48))
    return IncidentFactory(  # type: ignore[no-any-return]
        status=status,
        grade=grade,
        graded_at=opened,
        opened_at=opened,
        attendance_deadline=opened + target,
        **kw,
    )
