"""The warning markers page: reading the register, adding and withdrawing, refusals."""

from django.urls import reverse

from demandhub.audit.models import Action, Event
from demandhub.incidents.models import WarningMarker
from demandhub.incidents.queries import warnings_at

from .factories import WarningMarkerFactory

ADD = reverse("incidents:warning_add")


def _add(client, **fields):  # type: ignore[no-untyped-def]
    return client.post(ADD, {"code": "dangerous_dog", "radius_m": 30, **fields})


def test_a_supervisor_adds_a_place_marker_that_handlers_then_see_at_that_place(client, supervisor):
    client.force_login(supervisor)

    response = _add(client, location="52.2053, 0.1218", details="Two Rottweilers")

    assert response.status_code == 302
    marker = WarningMarker.objects.get()
    assert (marker.latitude, marker.longitude, marker.added_by) == (52.2053, 0.1218, supervisor)
    assert Event.objects.filter(action=Action.WARNING_ADDED, subject_id=str(marker.pk)).count() == 1
    found = warnings_at(latitude=52.2054, longitude=0.1218, people=[])
    assert [w.details for w in found] == ["Two Rottweilers"]


def test_a_person_marker_phone_is_stored_as_callers_numbers_are(client, supervisor):
    client.force_login(supervisor)

    response = _add(client, code="violence_to_police", phone="07700 900123")

    assert response.status_code == 302
    assert WarningMarker.objects.get().phone == "+447700900123"


def test_a_marker_with_neither_place_nor_person_is_refused_and_nothing_stored(client, supervisor):
    client.force_login(supervisor)

    response = _add(client, details="somewhere")

    assert response.status_code == 422
    assert "needs a place" in response.content.decode()
    assert not WarningMarker.objects.exists()
    assert not Event.objects.filter(action=Action.WARNING_ADDED).exists()


def test_an_address_without_a_position_is_refused_with_what_to_give(client, supervisor):
    client.force_login(supervisor)

    response = _add(client, location="the flats behind the station")

    assert response.status_code == 422
    assert "Give the place as a position" in response.content.decode()
    assert not WarningMarker.objects.exists()


def test_a_bad_phone_number_is_refused(client, supervisor):
    client.force_login(supervisor)

    response = _add(client, phone="not a number")

    assert response.status_code == 422
    assert "is not a phone number" in response.content.decode()
    assert not WarningMarker.objects.exists()


def test_withdrawing_needs_a_reason_and_then_the_marker_stops_warning(client, supervisor):
    marker = WarningMarkerFactory(details="dog")
    client.force_login(supervisor)
    url = reverse("incidents:warning_withdraw", args=[marker.pk])

    refused = client.post(url, {"reason": ""})
    marker.refresh_from_db()
    assert (refused.status_code, marker.withdrawn_at) == (422, None)

    done = client.post(url, {"reason": "dog rehomed"})

    marker.refresh_from_db()
    assert done.status_code == 302
    assert marker.withdrawn_at is not None
    assert Event.objects.get(action=Action.WARNING_WITHDRAWN).data["reason"] == "dog rehomed"
    assert warnings_at(latitude=marker.latitude, longitude=marker.longitude, people=[]) == []


def test_the_register_lists_active_markers_and_searches(client, supervisor):
    WarningMarkerFactory(address="12 Mill Road", details="dog")
    WarningMarkerFactory(address="3 Hills Road", details="knives")
    WarningMarkerFactory(address="9 Mill Road", details="old", withdrawn_at="2026-01-01T00:00Z")
    client.force_login(supervisor)

    everything = client.get(reverse("incidents:warnings")).content.decode()
    mill = client.get(reverse("incidents:warnings"), {"q": "mill"}).content.decode()
    with_old = client.get(
        reverse("incidents:warnings"), {"q": "mill", "withdrawn": "1"}
    ).content.decode()

    assert "12 Mill Road" in everything
    assert "3 Hills Road" in everything
    assert "9 Mill Road" not in everything
    assert "12 Mill Road" in mill
    assert "3 Hills Road" not in mill
    assert "9 Mill Road" in with_old


def test_a_call_handler_reads_the_register_but_cannot_add_or_withdraw(client, call_handler):
    marker = WarningMarkerFactory()
    client.force_login(call_handler)

    page = client.get(reverse("incidents:warnings"))
    added = _add(client, location="52.2, 0.12")
    withdrawn = client.post(
        reverse("incidents:warning_withdraw", args=[marker.pk]), {"reason": "x"}
    )

    assert page.status_code == 200
    assert "Add a marker" not in page.content.decode()
    assert (added.status_code, withdrawn.status_code) == (403, 403)
    assert WarningMarker.objects.count() == 1
