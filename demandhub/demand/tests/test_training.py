"""Training mode: an exercise's records are marked, invisible to everything live, seen by its
trainees only, and purged as a whole."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from demandhub.accounts.actions import issue_token
from demandhub.accounts.models import User
from demandhub.analytics.queries import contact_offers
from demandhub.audit.models import Action, Event
from demandhub.contacts import queries as contact_queries
from demandhub.contacts.models import Contact, TelephonyEvent
from demandhub.core.errors import DomainError
from demandhub.crimes.models import CrimeRecord
from demandhub.demand import actions
from demandhub.demand.models import Exercise
from demandhub.dispatch import stack
from demandhub.incidents import queries as incident_queries
from demandhub.incidents.models import Incident, LogEntry

CALLS = "/api/contacts/telephony/events"


def _call(client, token, call_id, line="999"):  # type: ignore[no-untyped-def]
    event = {
        "call_id": call_id,
        "event": "offered",
        "line": line,
        "occurred_at": timezone.now().isoformat(),
        "cli": "07700900123",
    }
    response = client.post(
        CALLS, event, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.content
    return Contact.objects.get(pk=response.json()["contact"])


def _bearer(user):  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {issue_token(user, by=None, name='t')[1]}"}


@pytest.fixture
def live_gateway(db):  # type: ignore[no-untyped-def]
    from demandhub.accounts.tests.factories import UserFactory

    user = UserFactory(username="gateway", roles=["contact_gateway"])
    return issue_token(user, by=None, name="telephony")[1]


@pytest.fixture
def exercise(call_handler):  # type: ignore[no-untyped-def]
    return actions.start_exercise(
        by=None, name="Major incident drill", scenario="major_incident", trainees=[call_handler]
    )


def _raise_and_grade(client, headers):  # type: ignore[no-untyped-def]
    taken = client.post(
        "/api/contacts/take-next", {}, content_type="application/json", headers=headers
    )
    assert taken.status_code == 200, taken.content
    pk = taken.json()["id"]
    client.post(
        f"/api/contacts/{pk}/location",
        {"latitude": 52.2, "longitude": 0.12, "text": "Market Square"},
        content_type="application/json",
        headers=headers,
    )
    done = client.post(
        f"/api/contacts/{pk}/outcome",
        {"outcome": "incident_raised", "summary": "Crowd crush at the market"},
        content_type="application/json",
        headers=headers,
    )
    assert done.status_code == 200, done.content
    return Contact.objects.get(pk=pk)


def test_an_exercise_has_its_own_gateway_and_is_audited(exercise, call_handler):
    found, token = exercise

    assert found.status == Exercise.Status.RUNNING
    assert (found.scale, found.minutes) == (10.0, 60)
    assert found.gateway.groups.get().name == "contact_gateway"
    assert token.startswith("dh_")
    started = Event.objects.get(action=Action.EXERCISE_STARTED)
    assert started.data["trainees"] == [call_handler.username]


def test_exercise_contacts_never_reach_live_queues_consoles_or_statistics(
    client, exercise, live_gateway, supervisor
):
    found, token = exercise
    drill = _call(client, token, "drill-1")
    real = _call(client, live_gateway, "real-1")
    day = (timezone.now() - timedelta(hours=1), timezone.now() + timedelta(hours=1))

    board = {q.channel: q for q in contact_queries.queue_board()}
    live_offers = list(contact_offers(start=day[0], end=day[1]))
    taken = client.post(
        "/api/contacts/take-next", {}, content_type="application/json", headers=_bearer(supervisor)
    )

    assert drill.exercise == found
    assert real.exercise is None
    assert [c.pk for c in board["999"].waiting] == [real.pk]
    assert len(live_offers) == 1
    assert taken.json()["id"] == real.pk
    assert list(Contact.objects.live()) == [real]


def test_a_trainee_works_the_exercise_and_what_they_make_is_marked_too(
    client, exercise, live_gateway, call_handler
):
    found, token = exercise
    _call(client, live_gateway, "real-1")
    _call(client, token, "drill-1")

    contact = _raise_and_grade(client, _bearer(call_handler))

    assert contact.exercise == found  # the trainee took the drill's call, not the live one
    incident = Incident.objects.get()
    assert incident.exercise == found
    assert list(incident_queries.incidents_on_the_board()) == []
    assert list(incident_queries.incidents_on_the_board(found)) == [incident]
    assert list(Incident.objects.seen_by(call_handler)) == [incident]
    trainee_board = {q.channel: q for q in contact_queries.queue_board(exercise=found)}
    assert trainee_board["999"].waiting == []  # theirs is taken; the live call is not theirs
    assert stack.incidents_awaiting_deployment().count() == 0


def test_purge_removes_every_record_of_the_exercise_and_nothing_live(
    client, exercise, live_gateway, call_handler
):
    found, token = exercise
    real = _call(client, live_gateway, "real-1")
    _call(client, token, "drill-1")
    _call(client, token, "drill-2")
    _raise_and_grade(client, _bearer(call_handler))
    from demandhub.crimes.actions import record_crime

    record_crime(
        by=call_handler,
        summary="Phone stolen in the crush",
        contact=Contact.objects.filter(exercise=found).first(),
    )

    deleted = actions.purge_exercise(found, by=None)

    assert list(Contact.objects.all()) == [real]
    assert not Incident.objects.exists()
    assert not CrimeRecord.objects.exists()
    assert not LogEntry.objects.exists()
    assert TelephonyEvent.objects.filter(contact__isnull=False).count() == 1  # the live call's
    assert deleted["contacts.Contact"] == 2
    assert deleted["incidents.Incident"] == 1
    assert deleted["crimes.CrimeRecord"] == 1
    found.refresh_from_db()
    assert found.status == Exercise.Status.PURGED
    assert not User.objects.get(pk=found.gateway_id).is_active
    purged = Event.objects.get(action=Action.EXERCISE_PURGED)
    assert purged.data["deleted"]["contacts.Contact"] == 2
    with pytest.raises(DomainError):
        actions.purge_exercise(found, by=None)


def test_the_ended_exercises_gateway_is_refused_and_trainees_see_live_work(
    client, exercise, call_handler
):
    found, token = exercise

    actions.end_exercise(found, by=None)
    response = client.post(
        CALLS,
        {
            "call_id": "late",
            "event": "offered",
            "line": "999",
            "occurred_at": timezone.now().isoformat(),
        },
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 401
    assert Exercise.objects.get().status == Exercise.Status.ENDED
    assert not Contact.objects.exists()


def test_trainees_in_a_running_exercise_cannot_join_another(exercise, call_handler):
    with pytest.raises(DomainError, match="Already in a running exercise"):
        actions.start_exercise(
            by=None, name="Second", scenario="normal_shift", trainees=[call_handler]
        )


def test_the_training_command_purges_by_name(client, exercise, capsys):
    _, token = exercise
    _call(client, token, "drill-1")

    call_command("training", "purge", "Major incident drill")

    assert "purged: " in capsys.readouterr().out
    assert not Contact.objects.exists()


def test_a_trainer_starts_an_exercise_from_the_page(client, call_handler, monkeypatch):
    from demandhub.accounts.tests.factories import UserFactory
    from demandhub.demand import views

    trainer = UserFactory(username="trainer", roles=["trainer"])
    started = []
    monkeypatch.setattr(views.background, "start", lambda **kw: started.append(kw))
    client.force_login(trainer)

    response = client.post(
        "/training/start",
        {"name": "Night drill", "scenario": "busy_night", "trainees": [call_handler.pk]},
    )

    assert response.status_code == 302
    exercise = Exercise.objects.get()
    assert (exercise.name, exercise.started_by, exercise.scale) == ("Night drill", trainer, 2.0)
    assert list(exercise.trainees.all()) == [call_handler]
    assert started[0]["minutes"] == 120
    assert started[0]["warm"] is False
    assert started[0]["profile"].monthly.get("web_chat") is None  # public pages are never used
    page = client.get("/training/")
    assert b'data-exercise="Night drill"' in page.content


def test_staff_without_the_trainer_role_cannot_start_exercises(client, supervisor):
    client.force_login(supervisor)

    response = client.post("/training/start", {"name": "x", "scenario": "busy_night"})

    assert response.status_code == 403
    assert not Exercise.objects.exists()


def test_live_units_are_never_sent_to_a_training_incident(
    client, exercise, call_handler, dispatcher
):
    from demandhub.dispatch.models import Assignment, Resource
    from demandhub.dispatch.tests.factories import ResourceFactory

    _, token = exercise
    _call(client, token, "drill-1")
    _raise_and_grade(client, _bearer(call_handler))
    incident = Incident.objects.get()
    ResourceFactory(call_sign="R01")

    response = client.post(
        f"/api/dispatch/incidents/{incident.pk}/assignments",
        {"call_signs": ["R01"]},
        content_type="application/json",
        headers=_bearer(dispatcher),
    )

    assert response.status_code == 409
    assert response.json()["code"] == "training_incident"
    assert not Assignment.objects.exists()
    assert Resource.objects.get().status == Resource.Status.AVAILABLE
