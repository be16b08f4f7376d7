"""Default deny: anonymous visitors and staff without a role are refused everywhere but the
short public allow-list. Later routes are covered by these tests without any change here."""

import pytest
from channels.testing import WebsocketCommunicator

from demandhub.config.asgi import application
from demandhub.core.consumers import FORBIDDEN, NOT_SIGNED_IN

from .routes import http_routes, websocket_routes

# Reachable without signing in. Keep this list short and justify each entry.
PUBLIC = {
    "accounts:login",  # the sign-in page
    "healthz",  # load-balancer probe; names the parts that are down (database, channel layer)
    # Public contact channels (issue 11), rate-limited per address (contacts/ratelimit.py):
    "contacts:report",  # the online reporting start page
    "contacts:report_crime",  # online crime report form
    "contacts:report_asb",  # online anti-social behaviour report form
    "contacts:report_road_traffic",  # online road traffic incident report form
    "contacts:track",  # "track my report": shows a report only to the holder of its private link
    "contacts:chat",  # start a web chat, or the chat itself for the holder of its private link
}

# Public pages gated by a one-time token in their URL: the walker's made-up token must get a
# clear refusal page (404), never a sign-in redirect and never a 500.
PUBLIC_WITH_TOKEN = {
    "scene:caller",  # the caller's page for live video from the scene; the link is the credential
}

# Reachable by any signed-in member of staff, whatever their roles.
ANY_STAFF = {
    "accounts:landing",  # lists only the consoles the user's roles allow
    "accounts:logout",
    "accounts:otp_verify",  # the second sign-in step; a verified session is sent on to "/"
    "accounts:otp_enrol",  # setting up an authenticator; an enrolled user is sent on
    "accounts:restricted_reason",  # keeps a reason only; need_to_know.check decides access
    "admin:logout",
    "api-1.0.0:openapi-json",
    "api-1.0.0:openapi-view",
    "api-1.0.0:me",
}


# Routes that answer 404 to everyone (Django Ninja's API root when DEBUG is off).
NOT_A_PAGE = {"api-1.0.0:api-root"}


def _refused_anonymously(response) -> bool:  # type: ignore[no-untyped-def]
    if response.status_code == 401:
        return True
    location = response.headers.get("Location", "")
    return response.status_code == 302 and (
        location.startswith("/login/") or location.startswith("/admin/login/")
    )


ROUTES = list(http_routes())


def test_the_route_walk_finds_pages_api_and_admin():
    names = {r.name for r in ROUTES}
    assert {"accounts:landing", "audit:events", "forces:directory", "admin:index"} <= names
    assert any(r.url.startswith("/api/audit/") for r in ROUTES)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_anonymous_visitors_are_refused_everywhere_but_the_public_pages(client, route):
    responses = [client.get(route.url), client.post(route.url)]

    if route.name in PUBLIC:
        assert responses[0].status_code == 200
    elif route.name in PUBLIC_WITH_TOKEN:
        assert responses[0].status_code == 404
        assert b"This link does not work" in responses[0].content
        assert responses[1].status_code in (403, 404)  # CSRF refuses a bare POST first
    elif route.name in NOT_A_PAGE:
        assert [r.status_code for r in responses] == [404, 404]
    else:
        # One method may be answered 405 first; the other must be refused for want of sign-in,
        # and neither may succeed.
        assert all(r.status_code in (302, 401, 403, 404, 405) for r in responses), route
        assert any(_refused_anonymously(r) for r in responses), [
            (r.status_code, r.headers.get("Location")) for r in responses
        ]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_staff_without_a_role_reach_only_the_pages_every_member_of_staff_has(
    client, outsider, route
):
    client.force_login(outsider)

    response = client.get(route.url)

    if route.name in PUBLIC | ANY_STAFF:
        assert response.status_code in (200, 302, 405)
    elif route.url.startswith("/admin/") and route.name != "admin:login":
        # The admin sends anyone who is not an administrator to its sign-in, which refuses them.
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/admin/login/")
        assert client.get(response.headers["Location"]).status_code == 403
    else:
        assert response.status_code in (403, 404, 405), (route, response.status_code)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", websocket_routes())
async def test_anonymous_websockets_are_closed_with_a_reason(path):
    communicator = WebsocketCommunicator(
        application, path, headers=[(b"origin", b"http://127.0.0.1")]
    )

    connected, code = await communicator.connect()

    assert not connected
    assert code == NOT_SIGNED_IN


@pytest.mark.django_db(transaction=True)
async def test_a_websocket_group_refuses_staff_without_its_permission(outsider_session_cookie):
    communicator = WebsocketCommunicator(
        application,
        "/ws/live/audit/",
        headers=[(b"origin", b"http://127.0.0.1"), (b"cookie", outsider_session_cookie)],
    )

    connected, code = await communicator.connect()

    assert not connected
    assert code == FORBIDDEN
