"""Who may see and do what: restricted records, missing and forbidden look the same."""

import pytest
from django.http import Http404

from demandhub.audit.models import Action, Event
from demandhub.crimes.actions import allocate_crime, assign_crime
from demandhub.crimes.permissions import access_crime, can_investigate, can_review

from .factories import crime


def test_a_restricted_record_is_hidden_from_officers_not_on_it_and_its_opening_audited(
    imu_reviewer, investigating_officer, sergeant, cambridge
):
    record = crime(offence_code="20A", summary="Sexual assault")
    assert record.restricted

    with pytest.raises(Http404):
        access_crime(investigating_officer, record.pk)
    assert access_crime(imu_reviewer, record.pk) == record
    assert Event.objects.filter(action=Action.CRIME_RESTRICTED_VIEWED).count() == 1

    allocate_crime(record, by=imu_reviewer, area=cambridge)
    assign_crime(record, by=sergeant, officer=investigating_officer)
    assert access_crime(investigating_officer, record.pk) == record


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
