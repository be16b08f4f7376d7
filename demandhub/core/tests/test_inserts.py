"""core/inserts.py: one INSERT from SQL kept per model, writing what save() would write."""

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import signals
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext

from demandhub.contacts.models import Contact, StatusChange
from demandhub.core.inserts import insert
from demandhub.core.models import IdempotencyKey

pytestmark = pytest.mark.django_db

OFFERED = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


def _columns(obj: object) -> dict[str, object]:
    model = type(obj)
    row = model.objects.filter(pk=obj.pk).values().get()  # type: ignore[attr-defined]
    return {k: v for k, v in row.items() if k != "id"}


def _contact(**fields: object) -> Contact:
    return Contact(
        channel=Contact.Channel.EMERGENCY_CALL,
        offered_at=OFFERED,
        caller_number="+447700900123",
        report_details={"what": "a fight", "where": ["High Street", 12]},
        **fields,
    )


def test_writes_the_row_save_writes_in_one_statement():
    saved = _contact(external_id="by-save")
    saved.save()
    fast = _contact(external_id="by-insert")
    with CaptureQueriesContext(connection) as queries:
        assert insert(fast) is fast
    assert len(queries) == 1
    assert queries[0]["sql"].startswith("INSERT INTO")
    assert fast.pk is not None
    assert fast.pk != saved.pk
    assert fast._state.adding is False
    assert fast._state.db == "default"
    expected = _columns(saved) | {"external_id": "by-insert"}
    assert _columns(fast) == expected
    # The instance itself reads back the same: nothing the database filled in is missed.
    assert Contact.objects.get(pk=fast.pk).report_details == fast.report_details


def test_field_defaults_and_binary_values_are_written():
    key = insert(
        IdempotencyKey(scope="s", key="k", fingerprint="f", method="POST", path="/p", body=b"\0{}")
    )
    stored = IdempotencyKey.objects.get(pk=key.pk)
    assert bytes(stored.body) == b"\0{}"
    assert stored.created_at == key.created_at  # default=timezone.now, applied once


def test_a_related_object_saved_after_assignment_is_linked():
    contact = _contact(external_id="late")
    change = StatusChange(contact=contact, new_status="queued", changed_at=OFFERED)
    insert(contact)
    insert(change)
    assert StatusChange.objects.get(pk=change.pk).contact_id == contact.pk


def test_an_unsaved_related_object_is_refused_as_save_refuses_it():
    change = StatusChange(contact=_contact(), new_status="queued", changed_at=OFFERED)
    with pytest.raises(ValueError, match="unsaved related object"):
        insert(change)
    assert not StatusChange.objects.exists()


def test_a_unique_violation_fails_the_transaction_as_save_does():
    insert(_contact(external_id="twice"))
    with transaction.atomic():
        with pytest.raises(IntegrityError):
            insert(_contact(external_id="twice"))
        # As after save(): the block must roll back, not carry on half written.
        assert connection.needs_rollback
        transaction.set_rollback(True)
    assert Contact.objects.filter(external_id="twice").count() == 1


def test_save_does_the_work_when_a_receiver_listens():
    heard: list[object] = []

    def listen(sender: object, instance: object, **kwargs: object) -> None:
        heard.append(instance)

    signals.pre_save.connect(listen, sender=Contact)
    try:
        contact = insert(_contact(external_id="heard"))
    finally:
        signals.pre_save.disconnect(listen, sender=Contact)
    assert heard == [contact]
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_save_does_the_work_for_an_expression_or_a_chosen_primary_key():
    contact = insert(_contact())
    by_expression = insert(StatusChange(contact=contact, new_status="queued", changed_at=Now()))
    assert StatusChange.objects.get(pk=by_expression.pk).changed_at is not None
    chosen = insert(StatusChange(pk=9999, contact=contact, new_status="queued", changed_at=OFFERED))
    assert chosen.pk == 9999
    assert StatusChange.objects.filter(pk=9999).exists()


def test_models_of_the_intake_path_take_the_one_statement_path(monkeypatch):
    """None of them falls back to save() (which would cost its compiling again)."""
    from demandhub.audit.models import Event
    from demandhub.contacts.models import TelephonyEvent
    from demandhub.core import inserts

    for model in (Contact, StatusChange, TelephonyEvent, Event, IdempotencyKey):
        assert inserts._plan_for(model, connection) is not None, model
    from django.db.models.sql.compiler import SQLInsertCompiler

    monkeypatch.setattr(SQLInsertCompiler, "as_sql", lambda *a, **k: pytest.fail("compiled"))
    insert(IdempotencyKey(scope="s", key="k2", fingerprint="f", method="POST", path="/p"))
    assert IdempotencyKey.objects.filter(key="k2").exists()
