"""audit.record(): appends a chained entry inside the caller's transaction."""

import pytest
from django.db import transaction

from demandhub import audit
from demandhub.accounts.tests.factories import PASSWORD
from demandhub.audit import chain
from demandhub.audit.models import GENESIS_HASH, Action, Event


def test_entries_form_a_chain_from_the_genesis_hash(supervisor):
    first = audit.record(Action.USER_CREATED, actor=supervisor, subject=supervisor, roles=["x"])
    second = audit.record(Action.USER_ROLES_CHANGED, actor=None, subject=supervisor)

    assert Event.objects.order_by("id").first().prev_hash == GENESIS_HASH
    assert first.prev_hash == Event.objects.filter(id__lt=first.pk).order_by("-id").first().hash
    assert second.prev_hash == first.hash
    assert first.hash == chain.hash_of(Event.objects.get(pk=first.pk))
    assert chain.verify(Event.objects.order_by("id")).ok


def test_an_entry_records_who_what_which_record_and_its_data(supervisor):
    event = audit.record(Action.USER_CREATED, actor=supervisor, subject=supervisor, roles=["a"])

    stored = Event.objects.get(pk=event.pk)
    assert (stored.actor, stored.action) == (supervisor, "user.created")
    assert (stored.subject_type, stored.subject_id) == ("accounts.user", str(supervisor.pk))
    assert stored.data == {"roles": ["a"]}


def test_a_rolled_back_change_leaves_no_entry(supervisor):
    before = Event.objects.count()

    def change_that_fails() -> None:
        with transaction.atomic():
            audit.record(Action.USER_CREATED, actor=supervisor, subject=supervisor)
            raise RuntimeError("the change failed")

    with pytest.raises(RuntimeError):
        change_that_fails()

    assert Event.objects.count() == before


def test_an_action_missing_from_the_catalogue_is_refused(supervisor):
    with pytest.raises(ValueError, match="not a valid Action"):
        audit.record("incident.teleported", actor=supervisor, subject=supervisor)


def test_an_entry_made_during_a_request_carries_its_address_and_request_id(client, supervisor):
    client.post(
        "/login/",
        {"username": supervisor.username, "password": PASSWORD},
        headers={"X-Request-ID": "req-42"},
        REMOTE_ADDR="10.1.2.3",
    )

    event = Event.objects.get(action=Action.USER_LOGGED_IN)
    assert (event.request_id, event.ip_address) == ("req-42", "10.1.2.3")


def test_a_made_up_request_id_is_replaced_rather_than_stored(client, supervisor):
    response = client.post(
        "/login/",
        {"username": supervisor.username, "password": PASSWORD},
        headers={"X-Request-ID": "<script>" * 20},
    )

    event = Event.objects.get(action=Action.USER_LOGGED_IN)
    assert event.request_id == response.headers["X-Request-ID"]
    assert len(event.request_id) == 32


def _entry_then_failure(supervisor, *, n: int) -> None:  # type: ignore[no-untyped-def]
    with transaction.atomic():
        audit.record(Action.USER_ROLES_CHANGED, actor=None, subject=supervisor, n=n)
        raise RuntimeError("the change failed")


@pytest.mark.django_db(transaction=True)
def test_later_entries_of_a_transaction_reuse_the_head_the_first_read(supervisor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        entries = [
            audit.record(Action.USER_ROLES_CHANGED, actor=None, subject=supervisor, n=n)
            for n in range(3)
        ]
    statements = [q["sql"] for q in queries.captured_queries if "audit_event" in q["sql"]]
    heads = [q["sql"] for q in queries.captured_queries if "audit_chain_head" in q["sql"]]

    # One head read (on PostgreSQL audit_chain_head(), locking the chain), three inserts.
    assert len(statements) + len(heads) == 4, queries.captured_queries
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    assert chain.verify(Event.objects.order_by("id")).ok


@pytest.mark.django_db(transaction=True)
def test_an_entry_in_a_rolled_back_savepoint_is_not_the_next_entrys_predecessor(supervisor):
    with transaction.atomic():
        kept = audit.record(Action.USER_ROLES_CHANGED, actor=None, subject=supervisor, n=1)
        with pytest.raises(RuntimeError):
            _entry_then_failure(supervisor, n=2)  # in a savepoint, rolled back
        after = audit.record(Action.USER_ROLES_CHANGED, actor=None, subject=supervisor, n=3)
    # And the next transaction starts from what was committed.
    last = audit.record(Action.USER_ROLES_CHANGED, actor=None, subject=supervisor, n=4)

    assert after.prev_hash == kept.hash
    assert last.prev_hash == after.hash
    assert Event.objects.filter(data__n=2).count() == 0
    assert chain.verify(Event.objects.order_by("id")).ok


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transactions_head_is_not_reused(supervisor):
    kept = audit.record(Action.USER_ROLES_CHANGED, actor=None, subject=supervisor, n=1)
    with pytest.raises(RuntimeError):
        _entry_then_failure(supervisor, n=2)  # a transaction of its own, rolled back
    after = audit.record(Action.USER_ROLES_CHANGED, actor=None, subject=supervisor, n=3)

    assert after.prev_hash == kept.hash
    assert chain.verify(Event.objects.order_by("id")).ok


@pytest.mark.django_db(transaction=True)
def test_an_entry_of_an_action_already_finished_is_read_again_not_reused(supervisor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        for n in range(2):
            with transaction.atomic():  # two actions, each its own savepoint, released
                audit.record(Action.USER_ROLES_CHANGED, actor=None, subject=supervisor, n=n)
    head_reads = [
        q for q in queries.captured_queries if "audit_chain_head" in q["sql"] or "DESC" in q["sql"]
    ]

    assert len(head_reads) == 2
    assert chain.verify(Event.objects.order_by("id")).ok
