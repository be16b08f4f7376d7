"""Who may see and do what: restricted records, missing and forbidden look the same."""

import pytest
from django.http import Http404
from django.urls import reverse

from demandhub.accounts import need_to_know
from demandhub.accounts.models import Restriction, Team
from demandhub.audit.models import Action, Event
from demandhub.crimes.actions import allocate_crime, assign_crime, update_crime_details
from demandhub.crimes.offences import RESTRICTED_TEAM
from demandhub.crimes.permissions import access_crime, can_investigate, can_review

from .factories import crime


@pytest.fixture
def restricted_team(db):  # type: ignore[no-untyped-def]
    # Created by migration crimes/0004 (with the holders of the old permission as members).
    return Team.objects.get(name=RESTRICTED_TEAM)


def _with_reason(record) -> dict[str, object]:  # type: ignore[no-untyped-def]
    session: dict[str, object] = {}
    need_to_know.give_reason(session, need_to_know.subject_key(record), "Reviewing the report")
    return session


def test_a_sexual_offence_is_restricted_to_the_team_and_the_investigating_officer(
    imu_reviewer, investigating_officer, sergeant, cambridge, restricted_team
):
    restricted_team.members.add(imu_reviewer)
    record = crime(offence_code="20A", summary="Sexual assault")
    restriction = need_to_know.active_restriction(record)
    assert restriction is not None
    assert restriction.category == Restriction.Category.SEXUAL_OFFENCE
    assert list(restriction.teams.all()) == [restricted_team]
    assert Event.objects.filter(action=Action.RECORD_RESTRICTED, subject_id=record.pk).count() == 1

    # Holding the role is not enough: a sergeant outside the team gets "not found".
    with pytest.raises(Http404):
        access_crime(sergeant, record.pk)
    with pytest.raises(Http404):
        access_crime(investigating_officer, record.pk)
    # A team member is asked why, then every view is audited with the reason.
    with pytest.raises(need_to_know.ReasonNeeded):
        need_to_know.check(imu_reviewer, record, session={})
    need_to_know.check(imu_reviewer, record, session=_with_reason(record))
    viewed = Event.objects.get(action=Action.RESTRICTED_RECORD_VIEWED)
    assert (viewed.actor, viewed.data["reason"]) == (imu_reviewer, "Reviewing the report")

    # Allocated to an area and assigned: the investigating officer may open it too.
    allocate_crime(record, by=imu_reviewer, area=cambridge)
    restricted_team.members.add(sergeant)
    assign_crime(record, by=sergeant, officer=investigating_officer)
    record.refresh_from_db()
    need_to_know.check(
        investigating_officer, record, session=_with_reason(record), allocated_id=record.officer_id
    )
    assert Event.objects.filter(action=Action.RESTRICTED_RECORD_VIEWED).count() == 2


def test_reclassifying_as_a_sexual_offence_restricts_the_record_once(imu_reviewer, restricted_team):
    record = crime()
    assert need_to_know.active_restriction(record) is None

    update_crime_details(record, by=imu_reviewer, offence_code="20A")
    update_crime_details(record, by=imu_reviewer, offence_code="17A")

    assert Restriction.objects.filter(subject_type="crimes.crimerecord").count() == 1
    assert need_to_know.is_restricted(record)


def test_an_unrestricted_crime_opens_to_the_role_without_a_reason(investigating_officer):
    record = crime()

    assert access_crime(investigating_officer, record.pk) == record
    assert not Event.objects.filter(action=Action.RESTRICTED_RECORD_VIEWED).exists()


def test_missing_and_forbidden_crimes_look_the_same(outsider, call_handler):
    record = crime()

    for user in (outsider,):
        with pytest.raises(Http404):
            access_crime(user, record.pk)
    with pytest.raises(Http404):
        access_crime(call_handler, 10**9)


def test_only_the_imu_reviews_and_only_the_assigned_officer_investigates(
    imu_reviewer, sergeant, investigating_officer, cambridge
):
    record = crime()
    assert can_review(imu_reviewer, record)
    assert not can_review(sergeant, record)

    allocate_crime(record, by=imu_reviewer, area=cambridge)
    record.refresh_from_db()
    assert not can_review(imu_reviewer, record)
    assert not can_investigate(investigating_officer, record)
    assign_crime(record, by=sergeant, officer=investigating_officer)
    record.refresh_from_db()
    assert can_investigate(investigating_officer, record)
    assert can_investigate(sergeant, record)


def test_the_crime_page_asks_a_team_member_why_and_audits_each_view(
    client, imu_reviewer, restricted_team
):
    restricted_team.members.add(imu_reviewer)
    record = crime(offence_code="19C", summary="Rape reported by the victim")
    url = reverse("crimes:detail", args=[record.pk])
    client.force_login(imu_reviewer)

    asked = client.get(url)
    assert asked.status_code == 403
    assert b"Rape reported" not in asked.content
    client.post(
        reverse("accounts:restricted_reason"),
        {"key": f"crimes.crimerecord:{record.pk}", "next": url, "reason": "IMU review"},
    )
    opened = client.get(url)

    assert opened.status_code == 200
    assert b"Restricted" in opened.content
    entry = Event.objects.get(action=Action.RESTRICTED_RECORD_VIEWED)
    assert (entry.subject_type, entry.subject_id, entry.data["reason"]) == (
        "crimes.crimerecord",
        str(record.pk),
        "IMU review",
    )


def test_the_crime_api_refuses_a_restricted_crime_without_a_reason_in_json(
    client, imu_reviewer, restricted_team
):
    restricted_team.members.add(imu_reviewer)
    record = crime(offence_code="19C", summary="Rape reported by the victim")
    client.force_login(imu_reviewer)

    response = client.get(f"/api/crimes/{record.pk}")

    assert response.status_code == 403
    assert response.json()["key"] == f"crimes.crimerecord:{record.pk}"
    assert "Rape" not in response.content.decode()
