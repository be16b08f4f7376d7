"""The board and the mobile data terminal: thin views over the actions, within query budgets."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from demandhub.dispatch.actions import book_on
from demandhub.dispatch.models import Resource

from .factories import ResourceFactory

Status = Resource.Status
HTMX = {"HX-Request": "true"}


def test_the_board_groups_units_by_status_and_flags_stale_positions(
    client, dispatcher, response_officer
):
    now = timezone.now()
    fresh = ResourceFactory(call_sign="FRESH", latitude=52.2, longitude=0.1, position_at=now)
    book_on(fresh, by=response_officer)
    ResourceFactory(
        call_sign="OLD", latitude=52.2, longitude=0.1, position_at=now - timedelta(minutes=12)
    )
    ResourceFactory(
        call_sign="BUSY", status=Status.AT_SCENE, latitude=52.2, longitude=0.1, position_at=now
    )
    ResourceFactory(call_sign="HOME", status=Status.OFF_DUTY)
    client.force_login(dispatcher)

    page = client.get(reverse("dispatch:board")).content.decode()

    available = page.split('id="col-available"')[1].split("</section>")[0]
    committed = page.split('id="col-committed"')[1].split("</section>")[0]
    assert "FRESH" in available
    assert "OLD" in available
    assert "BUSY" in committed
    assert "stale 12 min" in available
    assert f"Crew: {response_officer}" in available
    assert available.count("stale-flag") == 1
    assert 'data-live-group="resources"' in page


def test_the_board_costs_the_same_queries_for_five_units_as_for_fifty(
    client, dispatcher, django_assert_num_queries
):
    client.force_login(dispatcher)
    url = reverse("dispatch:board")
    client.get(url, headers=HTMX)  # warm the permission cache of the session user
    ResourceFactory.create_batch(5)

    # session, user, user perms, group perms, the user's running exercise (a trainee sees no
    # live units), units with stations and areas, their crews
    with django_assert_num_queries(7, exact=True):
        client.get(url, headers=HTMX)
    ResourceFactory.create_batch(45)
    with django_assert_num_queries(7, exact=True):
        response = client.get(url, headers=HTMX)

    assert response.content.decode().count('<li class="unit') == 50


def test_the_map_data_places_units_that_never_reported_at_their_station(client, dispatcher):
    unit = ResourceFactory(call_sign="R01")
    ResourceFactory(call_sign="ZZ", status=Status.OFF_DUTY)
    client.force_login(dispatcher)

    data = client.get(reverse("dispatch:board_map")).json()

    (row,) = data["units"]
    assert row["call_sign"] == "R01"
    assert (row["lat"], row["lon"], row["located"], row["stale"]) == (
        unit.home_station.latitude,
        unit.home_station.longitude,
        False,
        True,
    )


def test_a_dispatcher_sets_a_status_from_the_board(client, dispatcher):
    unit = ResourceFactory(status=Status.AVAILABLE)
    client.force_login(dispatcher)

    response = client.post(
        reverse("dispatch:change_status", args=[unit.pk]), {"status": "refreshment"}, headers=HTMX
    )

    assert response.status_code == 200
    assert f"{unit.call_sign} is now refreshment." in response.content.decode()
    unit.refresh_from_db()
    assert unit.status == Status.REFRESHMENT


def test_a_forbidden_move_from_the_board_is_a_409_with_the_reason(client, dispatcher):
    unit = ResourceFactory(status=Status.OFF_DUTY)
    client.force_login(dispatcher)

    response = client.post(
        reverse("dispatch:change_status", args=[unit.pk]), {"status": "transporting"}, headers=HTMX
    )

    assert response.status_code == 409
    assert "cannot go from Off duty to Transporting" in response.content.decode()
    unit.refresh_from_db()
    assert unit.status == Status.OFF_DUTY


def test_garbage_status_from_the_board_is_a_422(client, dispatcher):
    unit = ResourceFactory(status=Status.AVAILABLE)
    client.force_login(dispatcher)

    response = client.post(
        reverse("dispatch:change_status", args=[unit.pk]), {"status": "<script>"}, headers=HTMX
    )

    assert response.status_code == 422
    unit.refresh_from_db()
    assert unit.status == Status.AVAILABLE


def test_call_handlers_see_the_board_but_cannot_change_statuses(client, call_handler):
    unit = ResourceFactory(status=Status.AVAILABLE)
    client.force_login(call_handler)

    assert "unit-status" not in client.get(reverse("dispatch:board")).content.decode()
    response = client.post(
        reverse("dispatch:change_status", args=[unit.pk]), {"status": "refreshment"}
    )
    assert response.status_code == 403


def test_an_officer_books_on_from_the_terminal_and_sees_big_status_buttons(
    client, response_officer
):
    ResourceFactory(call_sign="R07", status=Status.OFF_DUTY)
    client.force_login(response_officer)

    assert "Book on" in client.get(reverse("dispatch:mdt")).content.decode()
    response = client.post(reverse("dispatch:mdt_book_on"), {"call_sign": " r07 "}, headers=HTMX)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Booked on to R07." in page
    assert 'class="big-button to-refreshment"' in page
    assert "to-assigned" not in page
    assert Resource.objects.get(call_sign="R07").status == Status.AVAILABLE


def test_booking_on_to_an_unknown_call_sign_is_a_422(client, response_officer):
    client.force_login(response_officer)

    response = client.post(reverse("dispatch:mdt_book_on"), {"call_sign": "NOPE"}, headers=HTMX)

    assert response.status_code == 422
    assert "No unit has the call sign" in response.content.decode()


def test_the_crew_changes_status_with_a_button_and_a_forbidden_one_is_explained(
    client, response_officer
):
    unit = ResourceFactory(call_sign="R07", status=Status.OFF_DUTY)
    book_on(unit, by=response_officer)
    client.force_login(response_officer)

    ok = client.post(reverse("dispatch:mdt_status"), {"status": "refreshment"}, headers=HTMX)
    refused = client.post(reverse("dispatch:mdt_status"), {"status": "at_scene"}, headers=HTMX)
    nonsense = client.post(reverse("dispatch:mdt_status"), {"status": "x"}, headers=HTMX)

    assert ok.status_code == 200
    assert 'data-status="refreshment"' in ok.content.decode()
    assert refused.status_code == 409
    assert "cannot go from Refreshment to At scene" in refused.content.decode()
    assert nonsense.status_code == 422
    unit.refresh_from_db()
    assert unit.status == Status.REFRESHMENT


def test_a_status_change_without_a_unit_is_refused(client, response_officer):
    client.force_login(response_officer)

    response = client.post(reverse("dispatch:mdt_status"), {"status": "available"})

    assert response.status_code == 302
    assert "Book on to a unit first." in client.get(reverse("dispatch:mdt")).content.decode()


def test_booking_off_from_the_terminal(client, response_officer):
    unit = ResourceFactory(call_sign="R07", status=Status.OFF_DUTY)
    book_on(unit, by=response_officer)
    client.force_login(response_officer)

    response = client.post(reverse("dispatch:mdt_book_off"), headers=HTMX)

    assert "Booked off R07." in response.content.decode()
    unit.refresh_from_db()
    assert unit.status == Status.OFF_DUTY


@pytest.mark.parametrize("name", ["dispatch:mdt", "dispatch:mdt_status", "dispatch:mdt_book_on"])
def test_dispatchers_are_not_crew(client, dispatcher, name):
    client.force_login(dispatcher)

    response = client.get(reverse(name)) if name == "dispatch:mdt" else client.post(reverse(name))

    assert response.status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/static/demandhub/site.css",
        "/static/demandhub/live.js",
        "/static/vendor/htmx/htmx.min.js",
        "/static/vendor/leaflet/leaflet.js",
        "/static/dispatch/dispatch.css",
        "/static/dispatch/board-map.js",
    ],
)
def test_the_consoles_assets_are_served_by_the_app(client, path):
    response = client.get(path)

    assert response.status_code == 200


def test_the_consoles_compact_board_lists_every_unit_by_status(client, dispatcher):
    ResourceFactory(call_sign="R01")
    ResourceFactory(call_sign="R02", status=Status.AT_SCENE)
    client.force_login(dispatcher)

    page = client.get(reverse("dispatch:board") + "?compact=1", headers=HTMX).content.decode()

    committed = page.split("column-committed")[1].split("</div>")[0]
    assert 'data-call-sign="R02"' in committed
    assert 'data-call-sign="R01"' in page.split("column-available")[1].split("</div>")[0]
