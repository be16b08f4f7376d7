from django.utils import timezone

from demandhub.dispatch.models import Assignment

from .factories import ResourceFactory
from .incident_helpers import incident_awaiting


def test_recommend_then_assign_over_the_api(client, dispatcher):
    incident = incident_awaiting(grade=1, latitude=52.2053, longitude=0.1218)
    ResourceFactory(call_sign="R01", latitude=52.21, longitude=0.12, position_at=timezone.now())
    client.force_login(dispatcher)

    recs = client.get(f"/api/dispatch/incidents/{incident.pk}/recommendations").json()
    made = client.post(
        f"/api/dispatch/incidents/{incident.pk}/assignments",
        {"call_signs": [recs["recommendations"][0]["call_sign"]]},
        content_type="application/json",
    )

    assert recs["recommendations"][0]["call_sign"] == "R01"
    assert recs["recommendations"][0]["margin_seconds"] > 0
    assert made.status_code == 201
    assert made.json()[0]["call_sign"] == "R01"


def test_assigning_a_busy_unit_over_the_api_is_a_409_with_the_reason(client, dispatcher):
    first, second = incident_awaiting(grade=2), incident_awaiting(grade=2)
    ResourceFactory(call_sign="R01")
    client.force_login(dispatcher)
    url = "/api/dispatch/incidents/{}/assignments"
    client.post(url.format(first.pk), {"call_signs": ["R01"]}, content_type="application/json")

    response = client.post(
        url.format(second.pk), {"call_signs": ["r01"]}, content_type="application/json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "resource_not_available"
    assert f"already assigned to {first.reference}" in response.json()["detail"]
    assert Assignment.objects.get().incident == first


def test_unknown_call_signs_are_a_422(client, dispatcher):
    incident = incident_awaiting(grade=2)
    client.force_login(dispatcher)

    response = client.post(
        f"/api/dispatch/incidents/{incident.pk}/assignments",
        {"call_signs": ["NOPE"]},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert not Assignment.objects.exists()
