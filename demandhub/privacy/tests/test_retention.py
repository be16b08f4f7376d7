"""Retention: the dry run changes nothing; a run anonymises or deletes exactly what is due,
audits each record without its personal data, respects legal holds, and a rerun does nothing."""

from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import timezone

from demandhub.accounts.tests.factories import UserFactory
from demandhub.audit import chain
from demandhub.audit.models import Event
from demandhub.audit.queries import events_in_chain_order
from demandhub.contacts.models import ChatMessage, Contact
from demandhub.core.models import IdempotencyKey
from demandhub.dispatch.tests.factories import PositionFactory
from demandhub.incidents.models import Incident, Person
from demandhub.incidents.tests.factories import ContactFactory, IncidentFactory, PersonFactory
from demandhub.privacy import holds
from demandhub.privacy.anonymise import REMOVED

pytestmark = pytest.mark.django_db

OLD = timezone.now() - timedelta(days=3000)  # past every finite default period


def _old_incident(**kwargs: object) -> Incident:
    incident = IncidentFactory(
        status=Incident.Status.CLOSED, grade=3, opened_at=OLD, closed_at=OLD, **kwargs
    )
    PersonFactory(incident=incident, name="Jo Bloggs", phone="07700 900123", address="1 High St")
    return incident


def _old_contact(**kwargs: object) -> Contact:
    kwargs.setdefault("outcome", Contact.Outcome.ADVICE_GIVEN)
    contact = ContactFactory(
        status=Contact.Status.COMPLETED,
        offered_at=OLD,
        caller_name="Sam Caller",
        message="My neighbour at 2 Low Road keeps shouting",
        **kwargs,
    )
    ChatMessage.objects.create(contact=contact, sender="public", body="my name is Sam", sent_at=OLD)
    return contact


def _counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models() if m._meta.managed}


def _run(*args: str) -> str:
    out = StringIO()
    call_command("retention", "apply", *args, stdout=out)
    return out.getvalue()


def _fixture() -> dict[str, object]:
    old_incident = _old_incident()
    recent_incident = IncidentFactory(
        status=Incident.Status.CLOSED, grade=3, closed_at=timezone.now() - timedelta(days=10)
    )
    old_contact = _old_contact()
    recent_contact = _old_contact()
    Contact.objects.filter(pk=recent_contact.pk).update(offered_at=timezone.now())
    position = PositionFactory(recorded_at=OLD, received_at=OLD)
    PositionFactory(recorded_at=timezone.now(), received_at=timezone.now())
    IdempotencyKey.objects.create(
        scope="t",
        key="k",
        fingerprint="f",
        method="POST",
        path="/x",
        status=201,
        body=b"{}",
        created_at=OLD,
    )
    return {
        "old_incident": old_incident,
        "recent_incident": recent_incident,
        "old_contact": old_contact,
        "recent_contact": recent_contact,
        "position": position,
    }


def test_dry_run_changes_nothing_and_reports_per_record_type() -> None:
    _fixture()
    before = _counts()
    out = _run("--dry-run")
    assert _counts() == before
    assert "incident: anonymise after 2190 days: would anonymise 1" in out
    assert "contact: anonymise after 730 days: would anonymise 1" in out
    assert "position: delete after 365 days: would delete 1" in out
    assert "idempotency_key: delete after 3 days: would delete 1" in out
    assert "crime_group_1: anonymise never automatically (review): would anonymise 0" in out
    assert "dry run: nothing changed; 4 records would change" in out


def test_a_run_anonymises_and_deletes_exactly_what_is_due_and_audits_each() -> None:
    records = _fixture()
    events_before = Event.objects.count()
    out = _run()
    assert "4 records did change" in out
    assert Event.objects.count() == events_before + 4
    old_incident = Incident.objects.get(pk=records["old_incident"].pk)
    assert old_incident.summary == REMOVED
    assert old_incident.grade == 3
    assert old_incident.area_id == records["old_incident"].area_id
    person = Person.objects.get(incident=old_incident)
    assert (person.name, person.phone, person.address) == (REMOVED, "", "")
    old_contact = Contact.objects.get(pk=records["old_contact"].pk)
    assert (old_contact.caller_name, old_contact.message, old_contact.caller_number) == ("", "", "")
    assert old_contact.outcome == Contact.Outcome.ADVICE_GIVEN
    assert ChatMessage.objects.get(contact=old_contact).body == REMOVED
    recent = Contact.objects.get(pk=records["recent_contact"].pk)
    assert recent.caller_name == "Sam Caller"
    assert Incident.objects.get(pk=records["recent_incident"].pk).summary == "Something happened"
    assert not IdempotencyKey.objects.exists()
    deleted = Event.objects.get(action="retention.deleted", subject_type="dispatch.position")
    assert deleted.subject_id == str(records["position"].pk)
    assert set(deleted.data) == {"record_type", "rule_days", "basis", "due_since"}
    # No personal data in any retention entry.
    for event in Event.objects.filter(action__startswith="retention."):
        assert "Sam" not in str(event.data)
        assert "Bloggs" not in str(event.data)
    assert chain.verify(events_in_chain_order()).ok


def test_a_second_run_does_nothing() -> None:
    _fixture()
    _run()
    before, events = _counts(), Event.objects.count()
    assert "0 records did change" in _run()
    assert _counts() == before
    assert Event.objects.count() == events


def test_small_batches_give_the_same_result() -> None:
    for _ in range(5):
        _old_contact()
    assert "contact: anonymise after 730 days: did anonymise 5" in _run("--batch-size", "2")
    assert not Contact.objects.exclude(caller_name="").exists()


def test_a_hold_keeps_the_record_and_the_records_linked_to_it() -> None:
    incident = _old_incident()
    contact = _old_contact(incident=incident, outcome=Contact.Outcome.INCIDENT_RAISED)
    officer = UserFactory(username="dpo")
    hold = holds.place("incidents.incident", str(incident.pk), reason="Civil claim", by=officer)
    out = _run("--dry-run")
    assert f"kept by legal hold #{hold.pk}: incident {incident.pk}" in out
    # The contact follows its incident: not due while the incident is kept.
    assert "contact_linked: anonymise after 2190 days: would anonymise 0" in out
    _run()
    assert Incident.objects.get(pk=incident.pk).summary == "Something happened"
    assert Contact.objects.get(pk=contact.pk).caller_name == "Sam Caller"
    assert Event.objects.filter(action="legal_hold.placed", actor=officer).count() == 1
    holds.release(hold.pk, reason="Claim settled", by=officer)
    _run()
    assert Incident.objects.get(pk=incident.pk).summary == REMOVED
    assert Contact.objects.get(pk=contact.pk).caller_name == ""


def test_hold_commands_refuse_bad_input() -> None:
    UserFactory(username="dpo")
    with pytest.raises(CommandError, match=r"no incidents\.incident with id '999'"):
        call_command(
            "retention",
            "hold",
            "place",
            "incidents.incident",
            "999",
            "--reason",
            "x",
            "--by",
            "dpo",
        )
    with pytest.raises(CommandError, match="cannot be held"):
        call_command("retention", "hold", "place", "auth.user", "1", "--reason", "x", "--by", "dpo")
    with pytest.raises(CommandError, match="no member of staff"):
        call_command("retention", "hold", "release", "1", "--reason", "x", "--by", "nobody")


def test_an_operator_override_changes_the_period(settings: object) -> None:
    _old_contact()
    settings.RETENTION_SCHEDULE = {"contact": {"days": None}}  # type: ignore[attr-defined]
    assert "contact: anonymise never automatically (review): would anonymise 0" in _run("--dry-run")
    settings.RETENTION_SCHEDULE = {"contact": {"action": "delete"}}  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="contact can only be anonymised"):
        _run("--dry-run")


def test_upload_files_go_after_the_commit_and_shared_ones_stay(
    settings: object, tmp_path: object, django_capture_on_commit_callbacks: object
) -> None:
    from pathlib import Path

    from demandhub.contacts.models import Attachment

    settings.DATA_DIR = Path(str(tmp_path))  # type: ignore[attr-defined]
    uploads = Path(str(tmp_path)) / "uploads" / "ab"
    uploads.mkdir(parents=True)
    (uploads / "own.jpg").write_bytes(b"x")
    (uploads / "shared.jpg").write_bytes(b"y")
    old, recent = _old_contact(), _old_contact()
    Contact.objects.filter(pk=recent.pk).update(offered_at=timezone.now())
    for contact, name in ((old, "own"), (old, "shared"), (recent, "shared")):
        Attachment.objects.create(
            contact=contact,
            original_name=f"{name}.jpg",
            content_type="image/jpeg",
            size=1,
            sha256=name,
            stored_as=f"ab/{name}.jpg",
            uploaded_at=OLD,
        )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:  # type: ignore[operator]
        _run()
        assert (uploads / "own.jpg").exists()  # not before the commit
    assert len(callbacks) >= 1
    assert not (uploads / "own.jpg").exists()
    assert (uploads / "shared.jpg").exists()  # the recent contact still uses it
    assert list(Attachment.objects.values_list("contact_id", flat=True)) == [recent.pk]
