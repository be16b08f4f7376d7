"""Every console a trainee may use reads `.seen_by(user)`: live staff see live work only; a
trainee in a running exercise sees that exercise's records and no live ones, and no units."""

import pytest
from django.urls import reverse

from demandhub.crimes.models import CrimeRecord
from demandhub.crimes.tests.factories import crime
from demandhub.demand import actions
from demandhub.dispatch.stack import NO_TRAINING_UNITS
from demandhub.dispatch.tests.factories import ResourceFactory
from demandhub.incidents.models import Incident
from demandhub.incidents.tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def _exercise(*trainees):  # type: ignore[no-untyped-def]
    exercise, _token = actions.start_exercise(
        by=None, name="Console drill", scenario="normal_shift", trainees=list(trainees)
    )
    return exercise


def _incidents(exercise):  # type: ignore[no-untyped-def]
    waiting = Incident.Status.AWAITING_DEPLOYMENT
    live = IncidentFactory(reference="CC-LIVE-0001", grade=1, status=waiting)
    drill = IncidentFactory(reference="CC-DRILL-0001", grade=1, status=waiting, exercise=exercise)
    return live, drill


def _crimes(exercise):  # type: ignore[no-untyped-def]
    live = crime(summary="Live shed burglary")
    drill = crime(summary="Drill shed burglary")
    CrimeRecord.objects.filter(pk=drill.pk).update(exercise=exercise)
    return live, drill


def test_dispatcher_console_live_dispatcher_sees_live_only(client, dispatcher, call_handler):  # type: ignore[no-untyped-def]
    _incidents(_exercise(call_handler))
    client.force_login(dispatcher)
    page = client.get(reverse("dispatch:console")).content.decode()
    assert "CC-LIVE-0001" in page
    assert "CC-DRILL-0001" not in page
    assert "Training exercise" not in page
    data = client.get(reverse("dispatch:console_map")).json()
    assert [i["reference"] for i in data["incidents"]] == ["CC-LIVE-0001"]


def test_dispatcher_console_trainee_sees_exercise_only_and_no_units(client, dispatcher):  # type: ignore[no-untyped-def]
    _incidents(_exercise(dispatcher))
    ResourceFactory(call_sign="LIVE01")
    client.force_login(dispatcher)
    page = client.get(reverse("dispatch:console")).content.decode()
    assert "CC-DRILL-0001" in page
    assert "CC-LIVE-0001" not in page
    assert "Training exercise: these are your exercise" in page
    stack = client.get(reverse("dispatch:console_stack"), headers={"HX-Request": "true"})
    assert "CC-DRILL-0001" in stack.content.decode()
    data = client.get(reverse("dispatch:console_map")).json()
    assert [i["reference"] for i in data["incidents"]] == ["CC-DRILL-0001"]
    assert data["units"] == []


def test_unit_board_trainee_sees_no_live_units_and_is_told(client, dispatcher, supervisor):  # type: ignore[no-untyped-def]
    _exercise(dispatcher)
    ResourceFactory(call_sign="LIVE01")
    client.force_login(supervisor)
    assert "LIVE01" in client.get(reverse("dispatch:board")).content.decode()
    assert [u["call_sign"] for u in client.get(reverse("dispatch:board_map")).json()["units"]] == [
        "LIVE01"
    ]
    client.force_login(dispatcher)
    for params in ({}, {"compact": "1"}):
        page = client.get(
            reverse("dispatch:board"), params, headers={"HX-Request": "true"}
        ).content.decode()
        assert "LIVE01" not in page
        assert "it has no units of its own" in page
    assert client.get(reverse("dispatch:board_map")).json()["units"] == []


def test_recommendations_for_an_exercise_incident_say_no_units(client, dispatcher):  # type: ignore[no-untyped-def]
    _, drill = _incidents(_exercise(dispatcher))
    ResourceFactory(call_sign="LIVE01")
    client.force_login(dispatcher)
    page = client.get(reverse("dispatch:recommendations", args=[drill.pk])).content.decode()
    assert "LIVE01" not in page
    assert NO_TRAINING_UNITS.split(":")[0] in page


def test_imu_queue_live_reviewer_and_trainee(client, imu_reviewer, call_handler):  # type: ignore[no-untyped-def]
    exercise = _exercise(call_handler)
    live, drill = _crimes(exercise)
    client.force_login(imu_reviewer)
    page = client.get(reverse("crimes:imu_queue")).content.decode()
    assert live.reference in page
    assert drill.reference not in page
    api = client.get("/api/crimes/review-queue").json()
    assert [c["reference"] for c in api] == [live.reference]
    exercise.trainees.add(imu_reviewer)
    imu_reviewer._running_exercise = {}  # a new request looks again
    page = client.get(reverse("crimes:imu_queue")).content.decode()
    assert drill.reference in page
    assert live.reference not in page
    api = client.get("/api/crimes/review-queue").json()
    assert [c["reference"] for c in api] == [drill.reference]


def _allocate(crime_record):  # type: ignore[no-untyped-def]
    CrimeRecord.objects.filter(pk=crime_record.pk).update(status=CrimeRecord.Status.ALLOCATED)


def test_sergeant_console_live_and_trainee(client, sergeant, call_handler):  # type: ignore[no-untyped-def]
    exercise = _exercise(call_handler)
    live, drill = _crimes(exercise)
    _allocate(live)
    _allocate(drill)
    client.force_login(sergeant)
    page = client.get(reverse("crimes:sergeant")).content.decode()
    assert live.reference in page
    assert drill.reference not in page
    exercise.trainees.add(sergeant)
    page = client.get(reverse("crimes:sergeant")).content.decode()
    assert drill.reference in page
    assert live.reference not in page


def test_officer_console_live_and_trainee(client, investigating_officer, call_handler):  # type: ignore[no-untyped-def]
    exercise = _exercise(call_handler)
    live, drill = _crimes(exercise)
    CrimeRecord.objects.filter(pk__in=[live.pk, drill.pk]).update(
        status=CrimeRecord.Status.UNDER_INVESTIGATION, officer=investigating_officer
    )
    client.force_login(investigating_officer)
    page = client.get(reverse("crimes:mine")).content.decode()
    assert live.reference in page
    assert drill.reference not in page
    exercise.trainees.add(investigating_officer)
    page = client.get(reverse("crimes:mine")).content.decode()
    assert drill.reference in page
    assert live.reference not in page
