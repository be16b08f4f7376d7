"""Bad input gets a clear 4xx and a message: never a 500, never a traceback."""

import pytest


def test_an_unknown_page_is_a_friendly_404(client, call_handler):
    client.force_login(call_handler)

    response = client.get("/no-such-console/")

    assert response.status_code == 404
    assert b"There is nothing at this address." in response.content
    assert b"Traceback" not in response.content


def test_an_unknown_api_route_answers_json(client, call_handler):
    client.force_login(call_handler)

    response = client.get("/api/no-such-thing")

    assert response.status_code == 404
    assert response.json() == {"detail": "There is nothing at this address."}


@pytest.mark.parametrize("query", ["limit=0", "limit=abc", "after_id=-1", "limit=100000"])
def test_malformed_api_parameters_get_422_with_the_reasons(client, supervisor, query):
    client.force_login(supervisor)

    response = client.get(f"/api/audit/events?{query}")

    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "The request is not valid."
    assert body["errors"][0]["loc"][-1] in ("limit", "after_id")


def test_a_forbidden_api_route_answers_403_in_json(client, call_handler):
    client.force_login(call_handler)

    response = client.get("/api/audit/events")

    assert response.status_code == 403
    assert response.json() == {"detail": "You do not have permission."}


def test_a_forbidden_page_says_so_without_detail(client, call_handler):
    client.force_login(call_handler)

    response = client.get("/audit/")

    assert response.status_code == 403
    assert b"Your role does not allow this" in response.content


def test_the_health_check_is_public_and_says_only_ok(client):
    assert client.get("/healthz").json() == {
        "status": "ok",
        "database": "ok",
        "channel_layer": "ok",
    }


@pytest.mark.parametrize(
    "asset",
    [
        "/static/demandhub/site.css",
        "/static/demandhub/live.js",
        "/static/vendor/htmx/htmx.min.js",
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/leaflet/leaflet.css",
    ],
)
def test_every_asset_is_served_by_the_app_itself_to_anyone(client, asset):
    response = client.get(asset)

    assert response.status_code == 200
    assert b"".join(response.streaming_content)


def test_a_wrong_method_on_an_api_route_answers_405_in_json(client, call_handler):
    client.force_login(call_handler)

    response = client.delete("/api/accounts/me")

    assert response.status_code == 405
    assert response.json()["detail"] == "DELETE is not allowed here."
    assert response["Allow"] == "GET"


def _database_down(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
    from django.db import OperationalError

    raise OperationalError("FATAL: sorry, too many clients already")


def test_a_page_while_the_database_is_down_is_a_503_with_retry_after(call_handler):
    from django.db import connection
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(call_handler)

    with connection.execute_wrapper(_database_down):
        response = client.get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"The database is not answering just now" in response.content
    assert b"Traceback" not in response.content


def test_an_api_call_while_the_database_is_down_is_a_503_in_json(call_handler):
    from django.db import connection
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(call_handler)

    with connection.execute_wrapper(_database_down):
        response = client.get("/api/incidents")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "detail": "The database is not answering just now. Nothing was changed; try again shortly.",
        "code": "database_unavailable",
    }


def test_a_device_posting_while_the_database_is_down_gets_a_503_in_json(client, db):
    from django.db import connection

    from demandhub.accounts.actions import issue_token
    from demandhub.accounts.tests.factories import UserFactory

    gateway = UserFactory(username="gateway", roles=["contact_gateway"])
    token = issue_token(gateway, by=None, name="telephony")[1]
    body = (
        '{"call_id": "D1", "event": "offered", "line": "999", "occurred_at": "2026-12-01T10:00Z"}'
    )

    with connection.execute_wrapper(_database_down):
        response = client.post(
            "/api/contacts/telephony/events",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "database_unavailable"
