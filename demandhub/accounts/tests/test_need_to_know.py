"""Need-to-know: a restricted record opens only to its named teams and allocated officer, with
a reason, and every opening is audited with that reason."""

import pytest
from django.urls import reverse

from demandhub.accounts import need_to_know
from demandhub.accounts.errors import ReasonRequired
from demandhub.accounts.models import Restriction, Team
from demandhub.accounts.tests.factories import UserFactory
from demandhub.audit.models import Action, Event
from demandhub.incidents.tests.factories import ContactFactory, IncidentFactory


@pytest.fixture
def rape_team(db):  # type: ignore[no-untyped-def]
    return Team.objects.create(name="rape-investigation", title="Rape investigation team")


@pytest.fixture
def restricted_incident(rape_team, supervisor):  # type: ignore[no-untyped-def]
    incident = IncidentFactory()
    need_to_know.restrict(
        incident,
        by=supervisor,
        category=Restriction.Category.SEXUAL_OFFENCE,
        reason="Serious sexual offence: victim anonymity",
        teams=[rape_team],
    )
    return incident


def _detail(incident) -> str:  # type: ignore[no-untyped-def]
    return reverse("incidents:detail", args=[incident.pk])


def test_restricting_is_audited_with_teams_and_reason(restricted_incident, supervisor):
    entry = Event.objects.get(action=Action.RECORD_RESTRICTED)

    assert (entry.actor, entry.subject_id) == (supervisor, str(restricted_incident.pk))
    assert entry.data["teams"] == ["rape-investigation"]
    assert entry.data["category"] == "sexual_offence"


def test_staff_outside_the_named_teams_get_not_found_even_with_the_role(
    client, restricted_incident, dispatcher
):
    client.force_login(dispatcher)

    assert client.get(_detail(restricted_incident)).status_code == 404
    assert not Event.objects.filter(action=Action.RESTRICTED_RECORD_VIEWED).exists()


def test_a_team_member_gives_a_reason_and_every_view_is_audited_with_it(
    client, restricted_incident, rape_team
):
    officer = UserFactory(username="dc_jones", roles=["dispatcher"])
    rape_team.members.add(officer)
    client.force_login(officer)

    asked = client.get(_detail(restricted_incident))
    assert asked.status_code == 403
    assert b"Reason for access" in asked.content

    answered = client.post(
        reverse("accounts:restricted_reason"),
        {
            "key": f"incidents.incident:{restricted_incident.pk}",
            "next": _detail(restricted_incident),
            "reason": "Allocated enquiry: victim update",
        },
    )
    assert answered.headers["Location"] == _detail(restricted_incident)
    assert client.get(_detail(restricted_incident)).status_code == 200
    assert client.get(_detail(restricted_incident)).status_code == 200

    views = Event.objects.filter(action=Action.RESTRICTED_RECORD_VIEWED)
    assert views.count() == 2
    assert {(v.actor_id, v.data["reason"]) for v in views} == {
        (officer.pk, "Allocated enquiry: victim update")
    }


def test_an_action_on_a_restricted_record_asks_the_reason_then_returns_to_its_page(
    client, restricted_incident, rape_team
):
    officer = UserFactory(username="dc_smith", roles=["call_handler", "dispatcher"])
    rape_team.members.add(officer)
    client.force_login(officer)
    page = f"http://testserver{_detail(restricted_incident)}"

    asked = client.post(
        reverse("incidents:link", args=[restricted_incident.pk]),
        {"reference": "INC-0000", "reason": "same event"},
        headers={"Referer": page},
    )

    assert asked.status_code == 403
    assert b"Nothing was changed yet" in asked.content
    assert f'name="next" value="{page}"'.encode() in asked.content
    answered = client.post(
        reverse("accounts:restricted_reason"),
        {
            "key": f"incidents.incident:{restricted_incident.pk}",
            "next": page,
            "reason": "Linking a duplicate call",
        },
    )
    assert answered.headers["Location"] == page
    assert client.get(_detail(restricted_incident)).status_code == 200


def test_an_empty_reason_is_refused(client, restricted_incident, rape_team):
    officer = UserFactory(username="dc_jones", roles=["dispatcher"])
    rape_team.members.add(officer)
    client.force_login(officer)

    response = client.post(
        reverse("accounts:restricted_reason"),
        {"key": "incidents.incident:1", "next": "/", "reason": "   "},
    )

    assert response.status_code == 422
    assert client.get(_detail(restricted_incident)).status_code == 403


def test_the_allocated_officer_sees_a_restricted_contact(client, supervisor, call_handler):
    contact = ContactFactory()
    need_to_know.restrict(
        contact,
        by=supervisor,
        category=Restriction.Category.STAFF_VICTIM,
        reason="Caller is a serving officer",
        teams=[],
        officer=call_handler,
    )
    other = UserFactory(username="other_handler", roles=["call_handler"])
    url = reverse("contacts:detail", args=[contact.pk])
    client.force_login(other)
    assert client.get(url).status_code == 404

    client.force_login(call_handler)
    client.post(
        reverse("accounts:restricted_reason"),
        {"key": f"contacts.contact:{contact.pk}", "next": url, "reason": "Handling the call"},
    )

    assert client.get(url).status_code == 200
    entry = Event.objects.get(action=Action.RESTRICTED_RECORD_VIEWED)
    assert (entry.subject_type, entry.data["reason"]) == ("contacts.contact", "Handling the call")


def test_lifting_opens_the_record_to_the_role_again(
    client, restricted_incident, dispatcher, supervisor
):
    need_to_know.lift(restricted_incident, by=supervisor, reason="Charged; anonymity order ended")
    client.force_login(dispatcher)

    assert client.get(_detail(restricted_incident)).status_code == 200
    assert Event.objects.filter(action=Action.RESTRICTION_LIFTED).count() == 1


def test_restricting_needs_a_reason(db, supervisor):
    with pytest.raises(ReasonRequired):
        need_to_know.restrict(
            IncidentFactory(), by=supervisor, category="child_abuse", reason=" ", teams=[]
        )
