"""Concurrent writers never fork the chain (real PostgreSQL, real threads and connections)."""

import threading

import pytest
from django.db import connection

from demandhub import audit
from demandhub.audit import chain
from demandhub.audit.models import Action, Event

WRITERS = 8
ENTRIES_EACH = 15


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_append_every_entry_to_one_unbroken_chain():
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(ENTRIES_EACH):
                audit.record(
                    Action.TOKEN_ISSUED,
                    actor=None,
                    subject_type="test.writer",
                    subject_id=str(n),
                    i=i,
                )
        except BaseException as e:
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert Event.objects.filter(subject_type="test.writer").count() == WRITERS * ENTRIES_EACH
    verdict = chain.verify(Event.objects.order_by("id"))
    assert verdict.ok, verdict
    assert verdict.checked == Event.objects.count()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_writers_appending_several_entries_a_transaction_keep_one_unbroken_chain():
    """The second and third entries of a transaction reuse the head the first locked and
    read: the advisory lock still holds the chain, so no other writer forks it."""
    from django.db import transaction

    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(5):
                with transaction.atomic():
                    for j in range(3):
                        audit.record(
                            Action.TOKEN_ISSUED,
                            actor=None,
                            subject_type="test.writer",
                            subject_id=str(n),
                            i=i,
                            j=j,
                        )
        except BaseException as e:
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert Event.objects.filter(subject_type="test.writer").count() == WRITERS * 15
    verdict = chain.verify(Event.objects.order_by("id"))
    assert verdict.ok, verdict
