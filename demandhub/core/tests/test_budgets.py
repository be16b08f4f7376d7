"""Operation budgets, exact: statements sent to the database, commits and live publishes per
action, and the size of what a console receives. Exact counts do not suffer from a noisy
machine; a change that adds a query or a publish fails here and must say why.

Counted in real transactions (transaction=True), as in production: BEGIN and COMMIT are not
statements Django logs, savepoints are. The counts are the same on SQLite and PostgreSQL.
"""

import json
from collections import Counter
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from demandhub.config.asgi import application
from demandhub.dispatch.actions import change_status
from demandhub.dispatch.models import Resource
from demandhub.dispatch.tests.factories import ResourceFactory
from demandhub.incidents.actions import raise_incident

pytestmark = pytest.mark.django_db(transaction=True)

# The audit chain: read the head (on PostgreSQL locking it in the same statement,
# audit_chain_head()), insert the entry. A later entry in the same transaction reuses the head
# the first read and locked: its insert only.
AUDIT = 2
AUDIT_AGAIN = 1
SAVEPOINT = 2  # SAVEPOINT and RELEASE SAVEPOINT: an action's atomic block inside another
MAX_CONSOLE_MESSAGE = 2048  # bytes


class Budget:
    def __init__(self) -> None:
        self.commits = 0
        self.published: Counter[str] = Counter()
        self.messages: list[dict[str, Any]] = []
        self.queries: CaptureQueriesContext | None = None

    @property
    def statements(self) -> list[str]:
        """Every statement sent, savepoints included, transaction control (BEGIN/COMMIT,
        which SQLite's backend logs and PostgreSQL's does not) left out: commits are
        counted on their own."""
        assert self.queries is not None
        return [
            q["sql"]
            for q in self.queries.captured_queries
            if not q["sql"].startswith(("BEGIN", "COMMIT"))
        ]


@pytest.fixture
def budget(monkeypatch: pytest.MonkeyPatch) -> Budget:
    found = Budget()
    commit = connection.commit

    def counted_commit() -> None:
        found.commits += 1
        commit()

    layer = get_channel_layer()
    group_send = layer.group_send

    async def counted_send(group: str, message: dict[str, Any]) -> None:
        found.published[group] += 1
        found.messages.append(message)
        await group_send(group, message)

    monkeypatch.setattr(connection, "commit", counted_commit)
    monkeypatch.setattr(layer, "group_send", counted_send)
    return found


def measure(budget: Budget, action: Any) -> Any:
    with CaptureQueriesContext(connection) as queries:
        result = action()
    budget.queries = queries
    return result


def test_raising_an_incident_is_at_most_six_statements_one_commit_one_publish_per_group(
    budget, call_handler
):
    raise_incident(by=call_handler, summary="warm-up: today's reference counter exists")
    budget.commits, budget.published = 0, Counter()

    incident = measure(budget, lambda: raise_incident(by=call_handler, summary="Shed broken into"))

    # counter upsert, incident, audit chain, incident log entry
    assert len(budget.statements) == 3 + AUDIT, budget.statements
    assert len(budget.statements) <= 6
    assert budget.commits == 1
    assert budget.published == {"incidents": 1, "audit": 1}
    assert incident.reference.endswith("-0002")


def test_a_status_change_statements_commit_and_publishes(budget, dispatcher):
    unit = ResourceFactory(status=Resource.Status.AVAILABLE)
    budget.commits, budget.published = 0, Counter()

    measure(budget, lambda: change_status(unit, "unavailable", by=dispatcher, reason="tyre"))

    # the unit moved if still available and unassigned (the UPDATE takes its row lock), the
    # status history row, the audit chain.
    assert len(budget.statements) == 2 + AUDIT, budget.statements
    assert len(budget.statements) <= 4
    assert budget.commits == 1
    assert budget.published == {"resources": 1, "audit": 1}


def test_a_new_999_call_from_telephony_is_one_commit_and_one_publish_per_group(
    budget, client, gateway_token
):
    body = {"call_id": "B1", "event": "offered", "line": "999", "occurred_at": "2026-12-01T10:00Z"}
    budget.commits, budget.published = 0, Counter()

    response = measure(
        budget,
        lambda: client.post(
            "/api/contacts/telephony/events",
            json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {gateway_token}"},
        ),
    )

    assert response.status_code == 200
    # the token read with its account, the account's permissions and whether it is in a
    # running training exercise (one statement, accounts/bearer.py), its last use stamped,
    # the contact created (an 'offered' event is taken as a new call's, not looked up first)
    # and its first status row, the raw event, two audit entries (received; the call event,
    # reusing the chain head the first read). The new contact is not re-read, its one event
    # not re-queried, and an event that changes nothing about it does not save it again.
    assert len(budget.statements) == 5 + AUDIT + AUDIT_AGAIN, budget.statements
    assert budget.commits == 1
    # The contact received and then updated by the event, and the two audit entries: one
    # transaction's notices go out together, one message per group.
    assert budget.published == {"contacts": 1, "audit": 1}


def test_a_999_call_with_an_idempotency_key_adds_one_insert_carrying_the_answer(
    budget, client, gateway_token
):
    """What bench/intake.py sends: the key is written once, with the answer, after the work."""
    body = {"call_id": "B2", "event": "offered", "line": "999", "occurred_at": "2026-12-01T10:00Z"}
    budget.commits, budget.published = 0, Counter()

    def send() -> Any:
        return client.post(
            "/api/contacts/telephony/events",
            json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {gateway_token}", "Idempotency-Key": "b2"},
        )

    response = measure(budget, send)

    assert response.status_code == 200
    # As above, the action's transaction now a savepoint inside the key's (so that an error
    # the view answers with a 4xx rolls the action back and still stores the answer), and
    # the key's one INSERT, carrying the answer, last.
    assert len(budget.statements) == 5 + AUDIT + AUDIT_AGAIN + SAVEPOINT + 1, budget.statements
    assert budget.statements[-1].startswith('INSERT INTO "core_idempotencykey"')
    assert budget.commits == 1
    assert budget.published == {"contacts": 1, "audit": 1}

    # A retry does the work again, loses the key's INSERT, rolls back and replays: nothing
    # committed, nothing published.
    budget.commits, budget.published = 0, Counter()
    retry = measure(budget, send)

    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.content == response.content
    # The token (1); the `offered` event's contact INSERT fails on the call id, rolled back to
    # its savepoint (4); the event again as a look-up: the contact locked, its applied event
    # found, this one kept as a duplicate (5); the key's INSERT fails, everything rolls back,
    # and the stored answer is read (3).
    assert len(budget.statements) == 1 + 4 + 5 + 3, budget.statements
    assert budget.statements[-1].startswith('SELECT "core_idempotencykey"')
    assert budget.commits == 0
    assert budget.published == {}


@pytest.fixture
def gateway_token(db: None) -> str:
    from demandhub.accounts.actions import issue_token
    from demandhub.accounts.tests.factories import UserFactory

    gateway = UserFactory(username="gateway", roles=["contact_gateway"])
    return issue_token(gateway, by=None, name="telephony")[1]


@pytest.fixture
def dispatcher_session_cookie(dispatcher) -> bytes:  # type: ignore[no-untyped-def]
    from django.test import Client

    client = Client()
    client.force_login(dispatcher)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def test_what_a_console_receives_is_a_small_notice_never_the_record(
    dispatcher_session_cookie,
):
    from channels.db import database_sync_to_async

    communicator = WebsocketCommunicator(
        application,
        "/ws/live/resources/",
        headers=[(b"origin", b"http://127.0.0.1"), (b"cookie", dispatcher_session_cookie)],
    )
    connected, _ = await communicator.connect()
    assert connected

    @database_sync_to_async
    def change() -> Resource:
        from demandhub.accounts.models import User

        unit = ResourceFactory(status=Resource.Status.AVAILABLE, call_sign="X" * 16)
        return change_status(
            unit, "unavailable", by=User.objects.get(username="dispatcher"), reason="r" * 500
        )

    unit = await change()
    frame = await communicator.receive_from(timeout=2)
    await communicator.disconnect()

    assert json.loads(frame) == {"type": "changed", "kind": "resource.status", "pk": str(unit.pk)}
    assert len(frame.encode()) < MAX_CONSOLE_MESSAGE


def test_every_live_group_notice_fits_a_console_message(settings):
    # The message itself, through the in-process layer: a sync test reaches Redis's pub/sub
    # layer on a new event loop per call, where a channel made in the last call does not exist.
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    from demandhub.core import realtime

    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    for group in realtime.GROUPS:
        async_to_sync(layer.group_add)(group, channel)
        realtime.send_now(group, "k" * 64, "9" * 20)  # the longest kind and pk we use
        message = async_to_sync(layer.receive)(channel)
        assert len(json.dumps(message).encode()) < MAX_CONSOLE_MESSAGE
