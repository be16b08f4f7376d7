"""Console views: who may open them, the decisions through the page, refusals shown."""

import pytest
from django.urls import reverse

from demandhub.crimes.actions import allocate_crime, assign_crime, confirm_link
from demandhub.crimes.models import CrimeRecord

from .factories import crime


def test_the_imu_queue_lists_reports_with_clock_missing_and_solvability(
    client, imu_reviewer, django_assert_max_num_queries
):
    for _ in range(3):
        crime(cctv=True)
    client.force_login(imu_reviewer)

    with django_assert_max_num_queries(15):
        response = client.get(reverse("crimes:imu_queue"))

    assert response.status_code == 200
    assert response.content.count(b"CR-") == 3
    assert b"15 (file)" in response.content


def test_consoles_need_their_role(client, investigating_officer, outsider):
    client.force_login(investigating_officer)
    assert client.get(reverse("crimes:imu_queue")).status_code == 403
    assert client.get(reverse("crimes:sergeant")).status_code == 403
    assert client.get(reverse("crimes:mine")).status_code == 200
    client.force_login(outsider)
    assert client.get(reverse("crimes:detail", args=[crime().pk])).status_code == 403


@pytest.mark.parametrize("page", ["crimes:detail", "crimes:series"])
def test_a_crime_page_refuses_staff_without_the_role_403_and_hides_need_to_know_as_404(
    client, outsider, sergeant, page
):
    record = crime()
    restricted = crime(offence_code="20A", summary="Sexual assault")  # restricted on recording
    missing = restricted.pk + 1000

    client.force_login(outsider)  # signed in, no role: told no, whichever record
    assert [client.get(reverse(page, args=[pk])).status_code for pk in (record.pk, missing)] == [
        403,
        403,
    ]

    client.force_login(sergeant)  # the role, outside the restricted team: as if missing
    assert client.get(reverse(page, args=[record.pk])).status_code == 200
    assert client.get(reverse(page, args=[restricted.pk])).status_code == 404
    assert client.get(reverse(page, args=[missing])).status_code == 404


def test_a_filing_from_the_page_gives_the_outcome(client, imu_reviewer):
    record = crime()
    client.force_login(imu_reviewer)

    response = client.post(
        reverse("crimes:file", args=[record.pk]), {"reason": "no_lines_of_enquiry"}, follow=True
    )

    assert b"Filed with outcome 18" in response.content
    record.refresh_from_db()
    assert record.outcome_code == "18"


def test_a_refused_allocation_says_why_and_leaves_the_crime(client, imu_reviewer, cambridge, fens):
    record = crime()
    client.force_login(imu_reviewer)

    response = client.post(
        reverse("crimes:allocate", args=[record.pk]), {"area": fens.pk}, follow=True
    )

    assert b"Fenland does not cover" in response.content
    record.refresh_from_db()
    assert record.status == CrimeRecord.Status.AWAITING_REVIEW


def test_an_unknown_outcome_from_the_page_is_refused(
    client, imu_reviewer, sergeant, investigating_officer, cambridge
):
    record = allocate_crime(crime(), by=imu_reviewer, area=cambridge)
    assign_crime(record, by=sergeant, officer=investigating_officer)
    client.force_login(investigating_officer)

    response = client.post(
        reverse("crimes:close", args=[record.pk]),
        {"outcome_code": "42", "victim_told_on": "2026-11-20"},
        follow=True,
    )

    assert b"not a Home Office outcome code" in response.content
    record.refresh_from_db()
    assert record.status == CrimeRecord.Status.UNDER_INVESTIGATION


def test_the_detail_page_suggests_similar_crimes_and_the_series_shows_them(client, imu_reviewer):
    first = crime(modus_operandi="Rear door forced with a screwdriver; jewellery taken")
    second = crime(modus_operandi="Rear door forced with a screwdriver; laptop taken")
    crime(summary="Graffiti on a bus shelter", offence_code="58D", latitude=52.6, longitude=0.1)
    client.force_login(imu_reviewer)

    page = client.get(reverse("crimes:detail", args=[first.pk]))
    assert page.status_code == 200
    assert page.context["suggestions"][0][1] == second

    confirm_link(first, by=imu_reviewer, other=second, reason="Same MO, same street")
    series = client.get(reverse("crimes:series", args=[first.pk]))
    assert [c.pk for c in series.context["crimes"]] == [first.pk, second.pk]


@pytest.mark.parametrize("role", ["imu_reviewer", "sergeant", "investigating_officer"])
def test_each_crime_role_sees_its_console_on_the_landing_page(client, role, request):
    client.force_login(request.getfixturevalue(role))

    response = client.get(reverse("accounts:landing"))

    assert response.status_code == 200
    assert b"/crimes/" in response.content


def test_the_sergeant_and_officer_consoles_stay_within_a_query_budget(
    client, imu_reviewer, sergeant, investigating_officer, cambridge, django_assert_max_num_queries
):
    for _ in range(3):
        record = allocate_crime(crime(), by=imu_reviewer, area=cambridge)
        assign_crime(record, by=sergeant, officer=investigating_officer)
    allocate_crime(crime(), by=imu_reviewer, area=cambridge)

    client.force_login(sergeant)
    # One more than before need-to-know: the page's restricted crimes, for all its lists.
    with django_assert_max_num_queries(15):
        page = client.get(reverse("crimes:sergeant"))
    assert page.content.count(b"CR-") >= 4
    client.force_login(investigating_officer)
    with django_assert_max_num_queries(13):
        assert client.get(reverse("crimes:mine")).content.count(b"CR-") >= 3


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("imu_reviewer", "/crimes/review/"),
        ("sergeant", "/crimes/sergeant/"),
        ("investigating_officer", "/crimes/mine/"),
    ],
)
def test_the_crime_consoles_listen_for_live_changes_and_refetch_themselves(
    client, request, persona, url
):
    client.force_login(request.getfixturevalue(persona))

    page = client.get(url).content.decode()

    assert 'data-live-group="crimes"' in page
    assert f'hx-get="{url}"' in page
    assert 'hx-select="#live-crimes"' in page


def test_asking_a_reporter_with_no_tracking_page_is_recorded_from_the_page(client, imu_reviewer):
    record = crime(summary="Bike stolen")  # no time window, no victim: questions to ask
    question = "When did this happen? Give the earliest and latest times."
    client.force_login(imu_reviewer)
    page = client.get(reverse("crimes:detail", args=[record.pk])).content.decode()
    assert "Record that the reporter was asked" in page
    assert question in page

    response = client.post(
        reverse("crimes:request_information", args=[record.pk]),
        {"questions": [question], "note": "", "channel": "phone"},
        follow=True,
    )

    assert "the reporter was asked by phone" in response.content.decode()
    update = record.victim_updates.get()
    assert update.channel == "phone"
    assert question in update.text
