"""The dispatcher console, the supervisor's alerts and the crew's deployment on the terminal."""

from datetime import UTC, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from demandhub.dispatch.actions import book_on, change_status
from demandhub.dispatch.assignments import assign_resources
from demandhub.dispatch.models import Assignment, Resource
from demandhub.dispatch.stack import deadline_alerts
from demandhub.incidents.models import Incident
from demandhub.incidents.tests.factories import WarningMarkerFactory

from .factories import ResourceFactory
from .incident_helpers import incident_awaiting

HTMX = {"HX-Request": "true"}
Status = Resource.Status


def test_the_stack_is_ordered_by_grade_then_age_with_a_countdown_each(client, dispatcher):
    now = timezone.now()
    old_g2 = incident_awaiting(grade=2, opened_at=now - timedelta(minutes=30))
    new_g1 = incident_awaiting(grade=1, opened_at=now - timedelta(minutes=1))
    late_g1 = incident_awaiting(grade=1, opened_at=now - timedelta(minutes=16))
    client.force_login(dispatcher)

    page = client.get(reverse("dispatch:console")).content.decode()

    stack = page.split('<ol class="stack">')[1].split("</ol>")[0]
    order = [stack.index(i.reference) for i in (late_g1, new_g1, old_g2)]
    assert order == sorted(order)
    late = stack.split(f'data-reference="{late_g1.reference}"')[1]
    assert "countdown level-breached" in late.split("</li>")[0]
    assert "countdown level-on_time" in stack.split(f'data-reference="{new_g1.reference}"')[1]


def test_the_stack_costs_the_same_queries_for_two_incidents_as_for_twenty(
    client, dispatcher, django_assert_num_queries
):
    client.force_login(dispatcher)
    url = reverse("dispatch:console_stack")
    client.get(url, headers=HTMX)
    for _ in range(2):
        incident_awaiting(grade=2)
    assign_resources(incident_awaiting(grade=1), [ResourceFactory()], by=dispatcher)

    # 8: one of them asks whether the dispatcher is a trainee in a running exercise (seen_by)
    with django_assert_num_queries(8) as few:
        client.get(url, headers=HTMX)
    for _ in range(18):
        incident_awaiting(grade=2)
        assign_resources(incident_awaiting(grade=3), [ResourceFactory()], by=dispatcher)
    with django_assert_num_queries(len(few.captured_queries), exact=True):
        client.get(url, headers=HTMX)


def test_recommending_shows_units_with_eta_against_the_deadline_and_the_warnings(
    client, dispatcher
):
    incident = incident_awaiting(grade=1, latitude=52.2053, longitude=0.1218)
    WarningMarkerFactory(latitude=52.2053, longitude=0.1218, details="Two Rottweilers")
    ResourceFactory(call_sign="R01", latitude=52.21, longitude=0.12, position_at=timezone.now())
    ResourceFactory(
        call_sign="DOG1",
        kind="dog_unit",
        capabilities=["police_dog"],
        latitude=52.25,
        longitude=0.12,
        position_at=timezone.now(),
    )
    client.force_login(dispatcher)

    page = client.get(reverse("dispatch:recommendations", args=[incident.pk])).content.decode()

    assert "Two Rottweilers" in page
    assert "Needs: <strong>police_dog</strong>" in page
    assert 'data-call-sign="DOG1"' in page
    assert 'data-call-sign="R01"' not in page
    assert "min spare" in page


def test_the_dispatcher_assigns_from_the_console_and_a_refusal_is_explained(client, dispatcher):
    incident = incident_awaiting(grade=1)
    unit = ResourceFactory(call_sign="R01")
    off = ResourceFactory(call_sign="R02", status=Status.OFF_DUTY)
    client.force_login(dispatcher)
    url = reverse("dispatch:assign", args=[incident.pk])

    refused = client.post(url, {"resource": [off.pk]}, headers=HTMX)
    ok = client.post(url, {"resource": [unit.pk]}, headers=HTMX)
    again = client.post(url, {"resource": [unit.pk]}, headers=HTMX)
    junk = client.post(url, {"resource": ["x"]}, headers=HTMX)

    assert refused.status_code == 409
    assert "R02 is off duty" in refused.content.decode()
    assert ok.status_code == 200
    assert f"R01 assigned to {incident.reference}." in ok.content.decode()
    assert 'id="recommend-pane" hx-swap-oob="true"' in ok.content.decode()
    assert "hx-swap-oob" not in refused.content.decode()
    assert again.status_code == 409
    assert junk.status_code == 422
    assert Assignment.objects.get().resource == unit


def test_the_console_shows_the_arrival_time_and_whether_the_target_was_met(
    client, dispatcher, response_officer
):
    incident = incident_awaiting(grade=1)
    unit = ResourceFactory(call_sign="R01")
    assign_resources(incident, [unit], by=dispatcher)
    change_status(unit, Status.AT_SCENE, by=response_officer)
    client.force_login(dispatcher)

    page = client.get(reverse("dispatch:console_stack"), headers=HTMX).content.decode()

    row = page.split('data-call-sign="R01"')[1].split("</tr>")[0]
    arrived = Assignment.objects.get().arrived_at
    assert timezone.localtime(arrived).strftime("%H:%M:%S") in row
    assert '<span class="met">met</span>' in row


def test_standing_down_from_the_console(client, dispatcher):
    incident = incident_awaiting(grade=2)
    (assignment,) = assign_resources(incident, [ResourceFactory(call_sign="R01")], by=dispatcher)
    client.force_login(dispatcher)

    response = client.post(reverse("dispatch:stand_down", args=[assignment.pk]), headers=HTMX)

    assert "R01 stood down." in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == Incident.Status.AWAITING_DEPLOYMENT


def test_call_handlers_and_crews_cannot_use_the_console(client, call_handler, response_officer):
    for user in (call_handler, response_officer):
        client.force_login(user)
        assert client.get(reverse("dispatch:console")).status_code == 403


def test_deadline_alerts_follow_the_clock():
    opened = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    g1 = incident_awaiting(grade=1, opened_at=opened)  # deadline 10:15, warns from 10:10
    g2 = incident_awaiting(grade=2, opened_at=opened)  # deadline 11:00, warns from 10:48
    attended = incident_awaiting(grade=1, opened_at=opened, status=Incident.Status.AT_SCENE)

    def at(hh: int, mm: int) -> list[tuple[str, str]]:
        now = opened.replace(hour=hh, minute=mm)
        return [(a.incident.reference, a.level) for a in deadline_alerts(now=now)]

    assert at(10, 5) == []
    assert at(10, 11) == [(g1.reference, "due_soon")]
    assert at(10, 16) == [(g1.reference, "breached")]
    assert at(10, 50) == [(g1.reference, "breached"), (g2.reference, "due_soon")]
    assert attended.reference not in str(at(11, 30))


def test_supervisors_see_the_alerts_and_dispatchers_do_not(client, supervisor, dispatcher):
    late = incident_awaiting(grade=1, opened_at=timezone.now() - timedelta(minutes=16))
    incident_awaiting(grade=2)
    client.force_login(supervisor)

    page = client.get(reverse("dispatch:alerts")).content.decode()

    assert f'data-reference="{late.reference}"' in page
    assert page.count('class="alert ') == 1
    client.force_login(dispatcher)
    assert client.get(reverse("dispatch:alerts")).status_code == 403


def test_the_crew_sees_its_deployment_with_warnings_and_location(
    client, dispatcher, response_officer
):
    unit = ResourceFactory(call_sign="R07", status=Status.OFF_DUTY)
    book_on(unit, by=response_officer)
    incident = incident_awaiting(
        grade=1, latitude=52.2053, longitude=0.1218, address="Market Hill, Cambridge"
    )
    WarningMarkerFactory(latitude=52.2053, longitude=0.1218, details="Two Rottweilers")
    assign_resources(incident, [unit], by=dispatcher)
    client.force_login(response_officer)

    page = client.get(reverse("dispatch:mdt")).content.decode()

    assert f'data-incident="{incident.reference}"' in page
    assert "Market Hill, Cambridge" in page
    assert "Two Rottweilers" in page
    assert "52.20530" in page
    assert 'class="big-button to-en_route"' in page


def test_a_rows_assign_button_sends_that_unit_alone_and_the_form_sends_the_ticked_ones(
    client, dispatcher
):
    first, second = incident_awaiting(grade=1), incident_awaiting(grade=1)
    r1, r2, r3 = (ResourceFactory(call_sign=c) for c in ("R01", "R02", "R03"))
    client.force_login(dispatcher)

    client.post(
        reverse("dispatch:assign", args=[first.pk]),
        {"resource": [r2.pk, r3.pk], "only": r1.pk},
        headers=HTMX,
    )
    client.post(
        reverse("dispatch:assign", args=[second.pk]), {"resource": [r2.pk, r3.pk]}, headers=HTMX
    )

    assert [a.resource.call_sign for a in first.assignments.all()] == ["R01"]
    assert sorted(a.resource.call_sign for a in second.assignments.all()) == ["R02", "R03"]


def test_the_console_map_uses_the_configured_tile_server(client, dispatcher, settings):
    settings.MAP_TILE_URL = "http://tiles.internal/{z}/{x}/{y}.png"
    client.force_login(dispatcher)

    page = client.get(reverse("dispatch:console")).content.decode()

    assert 'data-tiles="http://tiles.internal/{z}/{x}/{y}.png"' in page


def test_the_recommendation_shows_the_turn_out_inside_the_eta(client, dispatcher):
    north = 1 / 111.195
    incident = incident_awaiting(grade=1, latitude=52.2 + 3 * north, longitude=0.12)
    ResourceFactory(call_sign="HOME")  # never reported: at the factories' station (52.2, 0.12)
    ResourceFactory(
        call_sign="PATROL",
        latitude=52.2 + 6 * north,
        longitude=0.12,
        position_at=timezone.now(),
    )
    client.force_login(dispatcher)

    page = client.get(reverse("dispatch:recommendations", args=[incident.pk])).content.decode()

    rows = page.split("<tbody>")[1]
    assert rows.index('data-call-sign="PATROL"') < rows.index('data-call-sign="HOME"')
    home = rows.split('data-call-sign="HOME"')[1].split("</tr>")[0]
    patrol = rows.split('data-call-sign="PATROL"')[1].split("</tr>")[0]
    assert "incl. 2 min turn-out" in home
    assert "turn-out" not in patrol


def _everything() -> tuple[object, ...]:
    from demandhub.audit.models import Event

    return (
        sorted(Assignment.objects.values_list("pk", "incident_id", "cleared_at")),
        sorted(Resource.objects.values_list("pk", "status")),
        sorted(Incident.objects.values_list("pk", "status")),
        Event.objects.count(),
    )


def test_reassign_to_offers_the_stack_on_each_deployed_unit_that_may_go(
    client, dispatcher, response_officer
):
    first = incident_awaiting(grade=2)
    waiting = incident_awaiting(grade=1)
    r1, r2 = ResourceFactory(call_sign="R01"), ResourceFactory(call_sign="R02")
    assign_resources(first, [r1, r2], by=dispatcher)
    for status in (Status.AT_SCENE, Status.TRANSPORTING):
        change_status(r2, status, by=response_officer)
    client.force_login(dispatcher)

    page = client.get(reverse("dispatch:console_stack"), headers=HTMX).content.decode()

    r01 = page.split('data-call-sign="R01"')[1].split("</tr>")[0]
    r02 = page.split('data-call-sign="R02"')[1].split("</tr>")[0]
    assert 'aria-label="Reassign R01 to"' in r01
    assert f'<option value="{waiting.pk}">G1 {waiting.reference}' in r01
    assert f'<option value="{first.pk}">' not in r01  # only what awaits deployment
    assert "Reassign" not in r02  # transporting: a person in its care


def test_reassigning_from_the_console_in_one_step(client, dispatcher):
    first, second = incident_awaiting(grade=3), incident_awaiting(grade=1)
    (assignment,) = assign_resources(first, [ResourceFactory(call_sign="R01")], by=dispatcher)
    client.force_login(dispatcher)

    response = client.post(
        reverse("dispatch:reassign", args=[assignment.pk]), {"incident": second.pk}, headers=HTMX
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert f"R01 reassigned from {first.reference} to {second.reference}." in page
    (active,) = Assignment.objects.filter(cleared_at__isnull=True)
    assert active.incident == second
    first.refresh_from_db()
    assert first.status == Incident.Status.AWAITING_DEPLOYMENT
    stack = page.split('<ol class="stack">')[1].split("</ol>")[0]
    assert f'data-reference="{first.reference}"' in stack
    assert f'id="deployed-{second.pk}"' in page


def test_reassigning_from_the_console_is_refused_with_the_reason_and_changes_nothing(
    client, dispatcher, response_officer
):
    first = incident_awaiting(grade=2)
    closed = incident_awaiting(grade=2, status=Incident.Status.CLOSED)
    waiting = incident_awaiting(grade=2)
    r01, carrier = ResourceFactory(call_sign="R01"), ResourceFactory(call_sign="R02")
    (assignment, carrying) = assign_resources(first, [r01, carrier], by=dispatcher)
    for status in (Status.AT_SCENE, Status.TRANSPORTING):
        change_status(carrier, status, by=response_officer)
    client.force_login(dispatcher)
    url = reverse("dispatch:reassign", args=[assignment.pk])
    before = _everything()

    to_closed = client.post(url, {"incident": closed.pk}, headers=HTMX)
    unknown = client.post(url, {"incident": 999_999}, headers=HTMX)
    nothing = client.post(url, {"incident": ""}, headers=HTMX)
    busy = client.post(
        reverse("dispatch:reassign", args=[carrying.pk]), {"incident": waiting.pk}, headers=HTMX
    )

    assert (to_closed.status_code, unknown.status_code, nothing.status_code) == (409, 422, 422)
    assert (
        f"{closed.reference} is closed: units cannot be sent to it." in to_closed.content.decode()
    )
    assert "No incident 999999 to reassign R01 to." in unknown.content.decode()
    assert "Choose the incident to reassign R01 to." in nothing.content.decode()
    assert busy.status_code == 409
    assert "R02 is transporting for" in busy.content.decode()
    assert _everything() == before


def test_call_handlers_cannot_reassign(client, dispatcher, call_handler):
    first, second = incident_awaiting(grade=2), incident_awaiting(grade=2)
    (assignment,) = assign_resources(first, [ResourceFactory()], by=dispatcher)
    client.force_login(call_handler)

    response = client.post(
        reverse("dispatch:reassign", args=[assignment.pk]), {"incident": second.pk}
    )

    assert response.status_code == 403
    assert Assignment.objects.get().incident == first
