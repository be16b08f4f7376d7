"""Crime team postings (AreaPosting): the action's rules and audit, and the page for the people
who manage them (supervisor, administrator)."""

import pytest
from django.urls import reverse

from demandhub.accounts.tests.factories import UserFactory
from demandhub.audit.models import Action, Event
from demandhub.crimes import queries
from demandhub.crimes.actions import end_posting, set_posting
from demandhub.crimes.errors import NotCrimeStaff
from demandhub.crimes.models import AreaPosting


def test_posting_moves_a_sergeant_and_audits_where_from(sergeant, supervisor, cambridge, fens):
    set_posting(sergeant, by=supervisor, area=cambridge)
    set_posting(sergeant, by=supervisor, area=fens)

    assert AreaPosting.objects.get(user=sergeant).area == fens
    assert queries.area_of(sergeant) == fens.pk
    events = Event.objects.filter(action=Action.CRIME_POSTING_SET).order_by("pk")
    assert [(e.actor, e.data["area"], e.data["previous"]) for e in events] == [
        (supervisor, "CAM", ""),
        (supervisor, "FEN", "CAM"),
    ]


def test_posting_to_the_same_area_again_changes_and_audits_nothing(sergeant, supervisor, cambridge):
    set_posting(sergeant, by=supervisor, area=cambridge)
    set_posting(sergeant, by=supervisor, area=cambridge)

    assert Event.objects.filter(action=Action.CRIME_POSTING_SET).count() == 1


def test_only_sergeants_and_officers_are_posted(call_handler, supervisor, cambridge):
    with pytest.raises(NotCrimeStaff):
        set_posting(call_handler, by=supervisor, area=cambridge)
    leaver = UserFactory(username="leaver", roles=["sergeant"], is_active=False)
    with pytest.raises(NotCrimeStaff):
        set_posting(leaver, by=supervisor, area=cambridge)

    assert not AreaPosting.objects.exists()
    assert not Event.objects.filter(action=Action.CRIME_POSTING_SET).exists()


def test_ending_a_posting_returns_the_officer_to_every_area(
    investigating_officer, supervisor, cambridge
):
    set_posting(investigating_officer, by=supervisor, area=cambridge)

    assert end_posting(investigating_officer, by=supervisor) is True
    assert end_posting(investigating_officer, by=supervisor) is False

    assert queries.area_of(investigating_officer) is None
    ended = Event.objects.get(action=Action.CRIME_POSTING_ENDED)
    assert (ended.actor, ended.data["area"]) == (supervisor, "CAM")


def test_the_page_lists_the_crime_team_with_their_postings(
    client,
    supervisor,
    sergeant,
    investigating_officer,
    call_handler,
    fens,
    django_assert_max_num_queries,
):
    set_posting(sergeant, by=supervisor, area=fens)
    client.force_login(supervisor)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("crimes:postings"))

    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('name="user"') == 2  # the sergeant and the officer, not the call handler
    assert "Fenland" in body
    assert "not posted (all areas)" in body


def test_the_page_is_refused_to_those_who_do_not_manage_postings(
    client, sergeant, investigating_officer, outsider
):
    for user in (sergeant, investigating_officer, outsider):
        client.force_login(user)
        assert client.get(reverse("crimes:postings")).status_code == 403
        assert client.post(reverse("crimes:posting"), {"user": user.pk}).status_code == 403
    assert not Event.objects.filter(action__startswith="crime.posting").exists()


def test_posting_and_ending_through_the_page(client, administrator, sergeant, fens):
    client.force_login(administrator)

    response = client.post(
        reverse("crimes:posting"), {"user": sergeant.pk, "area": fens.pk}, follow=True
    )
    assert "is posted to Fenland" in response.content.decode()
    assert AreaPosting.objects.get(user=sergeant).area == fens
    assert Event.objects.get(action=Action.CRIME_POSTING_SET).actor == administrator

    response = client.post(
        reverse("crimes:posting"), {"user": sergeant.pk, "area": ""}, follow=True
    )
    assert "no longer posted" in response.content.decode()
    assert not AreaPosting.objects.exists()
    assert Event.objects.filter(action=Action.CRIME_POSTING_ENDED).count() == 1


def test_bad_input_on_the_page_is_refused_and_nothing_changes(
    client, supervisor, sergeant, call_handler, fens
):
    client.force_login(supervisor)
    url = reverse("crimes:posting")

    assert client.post(url, {"user": call_handler.pk, "area": fens.pk}).status_code == 404
    assert client.post(url, {"user": sergeant.pk, "area": 999_999}).status_code == 404
    response = client.post(url, {"user": "x", "area": fens.pk}, follow=True)

    assert "user: Enter a whole number." in response.content.decode()
    assert not AreaPosting.objects.exists()
    assert not Event.objects.filter(action__startswith="crime.posting").exists()
