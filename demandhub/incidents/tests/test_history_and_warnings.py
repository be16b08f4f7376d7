"""History and warnings while the handler types; warnings_for(incident) for dispatch."""

from datetime import date, timedelta

from django.test import override_settings
from django.utils import timezone

from demandhub.incidents.actions import add_warning_marker, withdraw_warning_marker
from demandhub.incidents.queries import PersonKey, history_for, warnings_at, warnings_for

from .factories import ContactFactory, IncidentFactory, PersonFactory, WarningMarkerFactory

HERE = (52.2053, 0.1218)
ABOUT_100M_NORTH = (52.2062, 0.1218)
ABOUT_2KM_NORTH = (52.2233, 0.1218)


def test_earlier_incidents_nearby_are_shown_nearest_first():
    near = IncidentFactory(latitude=ABOUT_100M_NORTH[0], longitude=ABOUT_100M_NORTH[1])
    here = IncidentFactory(latitude=HERE[0], longitude=HERE[1])
    IncidentFactory(latitude=ABOUT_2KM_NORTH[0], longitude=ABOUT_2KM_NORTH[1])
    IncidentFactory(opened_at=timezone.now() - timedelta(days=400))  # beyond the look-back

    history = history_for(latitude=HERE[0], longitude=HERE[1], people=[])

    assert [i for i, _ in history.nearby] == [here, near]
    assert round(history.nearby[1][1]) in range(90, 110)


@override_settings(INCIDENT_HISTORY={"lookback_days": 30})
def test_the_look_back_is_configurable():
    IncidentFactory(opened_at=timezone.now() - timedelta(days=40))

    assert history_for(latitude=HERE[0], longitude=HERE[1], people=[]).nearby == []


def test_three_earlier_incidents_at_the_place_make_a_repeat_location():
    for _ in range(3):
        IncidentFactory()

    assert history_for(latitude=HERE[0], longitude=HERE[1], people=[]).repeat_location
    assert not history_for(
        latitude=ABOUT_2KM_NORTH[0], longitude=HERE[1], people=[]
    ).repeat_location


def test_earlier_incidents_from_the_same_caller_and_persons_are_found():
    by_phone = IncidentFactory(contact=ContactFactory(caller_number="+447700900001"))
    by_person = PersonFactory(name="Jo Bloggs", date_of_birth=date(1980, 1, 2)).incident
    PersonFactory(name="Jo Bloggs", date_of_birth=date(1990, 1, 1))  # someone else

    history = history_for(
        latitude=None,
        longitude=None,
        people=[PersonKey("jo bloggs", date(1980, 1, 2))],
        caller_number="+447700900001",
    )

    assert {i.pk for i in history.same_people} == {by_phone.pk, by_person.pk}


def test_a_victim_seen_before_is_a_repeat_victim():
    PersonFactory(name="Jo Bloggs", date_of_birth=date(1980, 1, 2), role="victim")

    history = history_for(
        latitude=None,
        longitude=None,
        people=[PersonKey("Jo Bloggs", date(1980, 1, 2), role="victim")],
    )

    assert history.repeat_victims == ["Jo Bloggs"]


def test_warning_markers_on_the_address_and_the_people_reach_dispatch(supervisor):
    add_warning_marker(
        by=supervisor,
        code="dangerous_dog",
        latitude=HERE[0],
        longitude=HERE[1],
        radius_m=50,
        address="14 Mill Road",
        details="Large dog, bites",
    )
    add_warning_marker(
        by=supervisor,
        code="firearms_certificate",
        person_name="Jo Bloggs",
        date_of_birth=date(1980, 1, 2),
    )
    WarningMarkerFactory(latitude=ABOUT_2KM_NORTH[0], longitude=ABOUT_2KM_NORTH[1])
    incident = IncidentFactory()
    PersonFactory(incident=incident, name="JO BLOGGS", date_of_birth=date(1980, 1, 2))

    warnings = warnings_for(incident)

    assert sorted((w.code, w.label) for w in warnings) == [
        ("dangerous_dog", "Dangerous dog"),
        ("firearms_certificate", "Firearms certificate holder"),
    ]


def test_a_withdrawn_marker_no_longer_warns(supervisor):
    marker = add_warning_marker(by=supervisor, code="violence_to_police", phone="+447700900002")
    withdraw_warning_marker(marker, by=supervisor, reason="Intelligence review")

    assert (
        warnings_at(latitude=None, longitude=None, people=[PersonKey(phone="+447700900002")]) == []
    )


def test_the_history_query_count_is_bounded(django_assert_max_num_queries):
    for _ in range(10):
        PersonFactory(name="Jo Bloggs", date_of_birth=date(1980, 1, 2), role="victim")

    with django_assert_max_num_queries(5):
        history_for(
            latitude=HERE[0],
            longitude=HERE[1],
            people=[PersonKey("Jo Bloggs", date(1980, 1, 2), role="victim")],
            caller_number="+447700900001",
        )
