"""The crimes API: decisions through JSON, refusals as 409 with the crime unchanged."""

from demandhub.crimes.actions import allocate_crime, assign_crime
from demandhub.crimes.models import CrimeRecord

from .factories import crime


def test_the_imu_files_through_the_api(client, imu_reviewer):
    record = crime()
    client.force_login(imu_reviewer)

    response = client.post(
        f"/api/crimes/{record.pk}/file",
        {"reason": "No lines of enquiry", "outcome_code": "18"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["outcome_code"]) == ("filed", "18")


def test_allocation_outside_the_covering_area_is_a_409(client, imu_reviewer, cambridge, fens):
    record = crime()
    client.force_login(imu_reviewer)

    response = client.post(
        f"/api/crimes/{record.pk}/allocate", {"area": "FEN"}, content_type="application/json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "area_does_not_cover_location"
    assert CrimeRecord.objects.get(pk=record.pk).status == "awaiting_review"


def test_an_unknown_outcome_code_is_a_409_and_the_crime_is_unchanged(
    client, imu_reviewer, sergeant, investigating_officer, cambridge
):
    record = allocate_crime(crime(), by=imu_reviewer, area=cambridge)
    assign_crime(record, by=sergeant, officer=investigating_officer)
    client.force_login(investigating_officer)

    response = client.post(
        f"/api/crimes/{record.pk}/outcome",
        {"outcome_code": "23", "victim_told_on": "2026-11-20"},
        content_type="application/json",
    )

    assert response.status_code == 409
    assert "not a Home Office outcome code" in response.json()["detail"]
    assert CrimeRecord.objects.get(pk=record.pk).status == "under_investigation"


def test_the_review_queue_needs_the_imu_role(client, investigating_officer, imu_reviewer):
    crime()
    client.force_login(investigating_officer)
    assert client.get("/api/crimes/review-queue").status_code == 403
    client.force_login(imu_reviewer)
    assert len(client.get("/api/crimes/review-queue").json()) == 1
