"""Reference data changed through the admin is audited in the same transaction."""

from demandhub.audit.models import Action, Event
from demandhub.forces.models import Station
from demandhub.forces.tests.factories import StationFactory


def test_an_administrator_editing_a_station_in_the_admin_leaves_an_audit_entry(
    client, administrator
):
    station = StationFactory(name="Parkside")
    client.force_login(administrator)

    response = client.post(
        f"/admin/forces/station/{station.pk}/change/",
        {
            "area": station.area_id,
            "name": "Parkside Police Station",
            "latitude": 52.2,
            "longitude": 0.13,
        },
    )

    assert response.status_code == 302
    assert Station.objects.get(pk=station.pk).name == "Parkside Police Station"
    event = Event.objects.get(action=Action.RECORD_CHANGED_IN_ADMIN)
    assert (event.actor, event.subject_type) == (administrator, "forces.station")
    assert event.data == {"operation": "changed", "fields": ["longitude", "name"]}


def test_an_invalid_admin_edit_changes_nothing_and_audits_nothing(client, administrator):
    station = StationFactory(name="Parkside")
    client.force_login(administrator)

    response = client.post(
        f"/admin/forces/station/{station.pk}/change/",
        {"area": station.area_id, "name": "", "latitude": 200, "longitude": 0.13},
    )

    assert response.status_code == 200
    assert Station.objects.get(pk=station.pk).name == "Parkside"
    assert not Event.objects.filter(action=Action.RECORD_CHANGED_IN_ADMIN).exists()


def test_the_directory_shows_areas_stations_and_resources_within_a_query_budget(
    client, dispatcher, django_assert_max_num_queries
):
    from demandhub.dispatch.tests.factories import ResourceFactory

    for _ in range(5):
        ResourceFactory()
    client.force_login(dispatcher)

    with django_assert_max_num_queries(8):
        response = client.get("/force/")

    assert response.status_code == 200
    assert response.content.count(b"<td><strong>R") == 5
