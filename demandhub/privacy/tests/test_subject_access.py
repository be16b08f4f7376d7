"""Subject access: a person's records found across apps by each identifier, how each matched,
restricted and third-party parts marked for review; bad input refused clearly."""

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from demandhub.accounts import need_to_know
from demandhub.accounts.models import Restriction, Team
from demandhub.audit.models import Event
from demandhub.contacts.models import ChatMessage
from demandhub.crimes.models import Party
from demandhub.crimes.tests.factories import crime
from demandhub.incidents.tests.factories import ContactFactory, IncidentFactory, PersonFactory
from demandhub.privacy.subject_access import Identifiers, search

pytestmark = pytest.mark.django_db


@pytest.fixture
def held() -> dict[str, object]:
    """Jo Bloggs: caller on a web chat, victim at an incident with a suspect, victim of a
    restricted crime with a witness."""
    contact = ContactFactory(
        channel="web_chat",
        caller_name="Jo  BLOGGS",
        caller_number="+447700900123",
        caller_email="Jo.Bloggs@example.org",
    )
    ChatMessage.objects.create(
        contact=contact, sender="public", body="help", sent_at=timezone.now()
    )
    incident = IncidentFactory(address="1 High Street, Cambridge CB1 2AB")
    PersonFactory(
        incident=incident,
        name="jo bloggs",
        phone="07700 900123",
        date_of_birth=date(1990, 5, 1),
        address="1 High Street, CB1 2AB",
    )
    PersonFactory(incident=incident, role="suspect", name="Pat Other")
    record = crime(summary="Assault in the street")
    need_to_know.restrict(
        record,
        by=None,
        category=Restriction.Category.SEXUAL_OFFENCE,
        reason="Victim anonymity",
        teams=[],
    )
    now = timezone.now()
    Party.objects.create(
        crime=record, role="victim", name="Jo Bloggs", contact_details="07700900123", added_at=now
    )
    Party.objects.create(crime=record, role="witness", name="Sam Seen", added_at=now)
    unrelated = ContactFactory(caller_name="Jo Bloggson", caller_number="+447700900999")
    return {"contact": contact, "incident": incident, "crime": record, "unrelated": unrelated}


def _kinds(ids: Identifiers) -> dict[str, list[str]]:
    return {f"{f.kind} {f.pk}": f.matched_by for f in search(ids) if f.kind != "audit"}


def test_found_by_name_case_and_space_insensitively(held: dict[str, object]) -> None:
    found = _kinds(Identifiers.parse(name="  jo bloggs "))
    assert found == {
        f"contact {held['contact'].pk}": ["caller name"],
        f"incident {held['incident'].pk}": ["victim by name"],
        f"crime {held['crime'].pk}": ["victim by name"],
    }


def test_found_by_phone_in_any_format(held: dict[str, object]) -> None:
    found = _kinds(Identifiers.parse(phone="07700 900 123"))
    assert found == {
        f"contact {held['contact'].pk}": ["caller phone"],
        f"incident {held['incident'].pk}": ["victim by phone"],
        f"crime {held['crime'].pk}": ["victim by phone"],
    }


def test_found_by_email_and_by_postcode(held: dict[str, object]) -> None:
    assert _kinds(Identifiers.parse(email="jo.bloggs@EXAMPLE.org")) == {
        f"contact {held['contact'].pk}": ["caller email"]
    }
    assert _kinds(Identifiers.parse(postcode="cb12ab")) == {
        f"incident {held['incident'].pk}": ["victim by postcode"]
    }


def test_a_different_date_of_birth_rules_a_namesake_out(held: dict[str, object]) -> None:
    found = _kinds(Identifiers.parse(name="Jo Bloggs", date_of_birth="1990-05-01"))
    assert found[f"incident {held['incident'].pk}"] == ["victim by name, date_of_birth"]
    found = _kinds(Identifiers.parse(name="Jo Bloggs", date_of_birth="1971-01-01"))
    assert f"incident {held['incident'].pk}" not in found


def test_restricted_and_third_party_parts_are_marked_for_review(held: dict[str, object]) -> None:
    by_kind = {f.kind: f for f in search(Identifiers.parse(name="Jo Bloggs"))}
    assert by_kind["incident"].review == [
        "names another person (suspect): redact unless they consent"
    ]
    assert by_kind["crime"].review == [
        "names another person (witness): redact unless they consent",
        "restricted (need-to-know: sexual offence): the restricting officer decides",
    ]
    assert by_kind["contact"].review == []


def test_a_record_under_a_need_to_know_restriction_is_marked_for_review(
    held: dict[str, object],
) -> None:
    team = Team.objects.create(name="child-protection", title="Child protection team")
    need_to_know.restrict(
        held["contact"],
        by=None,
        category=Restriction.Category.CHILD_ABUSE,
        reason="Child at risk",
        teams=[team],
    )
    by_kind = {f.kind: f for f in search(Identifiers.parse(name="Jo Bloggs"))}
    assert by_kind["contact"].review == [
        "restricted (need-to-know: child abuse): the restricting officer decides"
    ]
    assert by_kind["incident"].review == [
        "names another person (suspect): redact unless they consent"
    ]


def test_the_command_writes_json_and_html_and_audits_the_search(
    held: dict[str, object], tmp_path: Path
) -> None:
    out = StringIO()
    call_command(
        "subject-access", "--name", "Jo Bloggs", "--out", str(tmp_path / "sar"), stdout=out
    )
    document = json.loads((tmp_path / "sar" / "export.json").read_text())
    kinds = sorted(r["kind"] for r in document["records"] if r["kind"] != "audit")
    assert kinds == ["contact", "crime", "incident"]
    assert document["for_review"] == 2
    html = (tmp_path / "sar" / "export.html").read_text()
    assert "For review before disclosure: restricted (need-to-know: sexual offence)" in html
    assert "@media print" in html
    assert "<script" not in html
    assert "<link" not in html
    event = Event.objects.get(action="subject_access.searched")
    assert event.data == {"searched_by": ["name"], "records": len(document["records"])}
    assert "Bloggs" not in json.dumps(event.data)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give at least one of name, phone, email or postcode"),
        (["--dob", "1990-05-01"], "give at least one of"),
        (["--name", "Jo", "--dob", "01/05/1990"], "is not a date"),
        (["--phone", "not a number"], "is not a phone number"),
        (["--postcode", "XYZ"], "is not a UK postcode"),
    ],
)
def test_bad_input_is_refused_clearly(args: list[str], message: str, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("subject-access", *args, "--out", str(tmp_path))


def test_an_unwritable_folder_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(CommandError, match="cannot write to"):
        call_command("subject-access", "--name", "Jo", "--out", str(blocker / "sar"))
    assert not Event.objects.filter(action="subject_access.searched").exists()
