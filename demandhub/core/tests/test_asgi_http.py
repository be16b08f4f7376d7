"""HTTP on the ASGI server (core/asgi_http.py): requests run on a fixed pool of threads, each
keeping its database connection, instead of a new thread and a new connection per request."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import HttpCommunicator
from django.db import connection, connections
from django.db.backends.signals import connection_created

from demandhub.core.asgi_http import PooledASGIHandler


@pytest.fixture
def handler():  # type: ignore[no-untyped-def]
    handler = PooledASGIHandler(threads=1)
    yield handler
    # The pool thread's connection would keep PostgreSQL from dropping the test database.
    handler.executor.submit(connections.close_all).result()
    handler.executor.shutdown()


@pytest.mark.django_db(transaction=True)
async def test_requests_on_one_thread_share_one_database_connection(handler, monkeypatch):
    from demandhub.accounts.actions import issue_token
    from demandhub.accounts.tests.factories import UserFactory

    # The test settings turn persistence off for PostgreSQL; the server's keep it a minute.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)

    def make_token() -> str:
        return issue_token(UserFactory(username="gw"), by=None, name="t")[1]

    secret = await database_sync_to_async(make_token)()
    opened: list[object] = []

    def count(sender: object, connection: object, **kwargs: object) -> None:
        opened.append(connection)

    connection_created.connect(count)
    try:
        answers = []
        for _ in range(5):
            communicator = HttpCommunicator(
                handler,
                "GET",
                "/api/accounts/me",
                headers=[(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {secret}".encode())],
            )
            answers.append((await communicator.get_response())["status"])
    finally:
        connection_created.disconnect(count)

    assert answers == [200] * 5  # each read its token from the database
    assert len(opened) == 1
