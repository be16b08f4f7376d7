from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from demandhub.audit.models import Action, Event
from demandhub.incidents.tests.factories import IncidentFactory, PersonFactory
from demandhub.safeguarding import actions, workflow
from demandhub.safeguarding.models import Referral, VulnerabilityFlag
from demandhub.safeguarding.queries import average_response_time, referrals_open


def test_every_referral_status_has_a_row_in_the_transition_table():
    assert set(workflow.NEXT) == set(Referral.Status)


def test_flagging_a_vulnerability_on_a_person_is_audited(call_handler):
    person = PersonFactory()

    flag = actions.flag_vulnerability(person, by=call_handler, kind="mental_health")

    assert person.vulnerabilities.get() == flag
    assert Event.objects.get(action=Action.VULNERABILITY_FLAGGED).data["kind"] == "mental_health"
    with pytest.raises(actions.SafeguardingError, match="already flagged"):
        actions.flag_vulnerability(person, by=call_handler, kind="mental_health")


@pytest.mark.parametrize("kind", [k for k, _ in VulnerabilityFlag.Kind.choices])
def test_each_vulnerability_in_the_issue_can_be_flagged(call_handler, kind):
    actions.flag_vulnerability(PersonFactory(), by=call_handler, kind=kind)


def test_a_withdrawn_flag_can_be_raised_again(call_handler):
    person = PersonFactory()
    flag = actions.flag_vulnerability(person, by=call_handler, kind="child")

    actions.withdraw_vulnerability(flag, by=call_handler, reason="Recorded in error")
    actions.flag_vulnerability(person, by=call_handler, kind="child")

    assert person.vulnerabilities.count() == 2


def test_a_referral_records_status_changes_and_the_response_time(
    call_handler, safeguarding_practitioner
):
    incident = IncidentFactory()
    referral = actions.make_referral(
        incident,
        by=call_handler,
        team="pvp_rasso",
        reason="Disclosure of rape",
        person=PersonFactory(incident=incident),
    )
    Referral.objects.filter(pk=referral.pk).update(
        referred_at=timezone.now() - timedelta(minutes=7)
    )

    actions.update_referral(referral, by=safeguarding_practitioner, to="acknowledged")
    actions.update_referral(
        referral, by=safeguarding_practitioner, to="accepted", notes="DC on way"
    )

    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert timedelta(minutes=7) <= referral.response_time < timedelta(minutes=8)
    assert [u.new_status for u in referral.updates.all()] == ["acknowledged", "accepted"]
    assert average_response_time("pvp_rasso") == referral.response_time
    assert Event.objects.filter(action=Action.REFERRAL_UPDATED).count() == 2


def test_a_decline_needs_a_reason_and_a_closed_referral_stays_closed(
    call_handler, safeguarding_practitioner
):
    referral = actions.make_referral(
        IncidentFactory(), by=call_handler, team="mental_health", reason="Crisis"
    )

    with pytest.raises(actions.SafeguardingError):
        actions.update_referral(referral, by=safeguarding_practitioner, to="declined")
    actions.update_referral(
        referral, by=safeguarding_practitioner, to="declined", notes="Known to CMHT"
    )
    with pytest.raises(workflow.ReferralTransitionNotAllowed):
        actions.update_referral(referral, by=safeguarding_practitioner, to="accepted")

    referral.refresh_from_db()
    assert referral.status == "declined"


@pytest.mark.parametrize(("team", "reason"), [("plumbers", "x"), ("pvp_child_abuse", " ")])
def test_bad_referrals_are_refused(call_handler, team, reason):
    with pytest.raises(actions.SafeguardingError):
        actions.make_referral(IncidentFactory(), by=call_handler, team=team, reason=reason)

    assert not Referral.objects.exists()


def test_a_person_from_another_incident_cannot_be_referred(call_handler):
    with pytest.raises(actions.SafeguardingError):
        actions.make_referral(
            IncidentFactory(),
            by=call_handler,
            team="mental_health",
            reason="x",
            person=PersonFactory(),
        )


def test_the_queue_page_and_response_through_the_console(
    client, call_handler, safeguarding_practitioner, django_assert_max_num_queries
):
    for _ in range(3):
        actions.make_referral(
            IncidentFactory(), by=call_handler, team="pvp_child_abuse", reason="x"
        )
    client.force_login(safeguarding_practitioner)

    with django_assert_max_num_queries(12):
        page = client.get(reverse("safeguarding:queue"))
    assert page.status_code == 200
    referral = referrals_open().first()
    client.post(reverse("safeguarding:respond", args=[referral.pk]), {"to": "accepted"})
    referral.refresh_from_db()
    assert referral.status == "accepted"


def test_the_incident_panel_flags_and_refers(client, call_handler):
    incident = IncidentFactory()
    person = PersonFactory(incident=incident)
    client.force_login(call_handler)

    assert client.get(reverse("safeguarding:incident_panel", args=[incident.pk])).status_code == 200
    client.post(
        reverse("safeguarding:flag", args=[incident.pk]), {"person": person.pk, "kind": "child"}
    )
    client.post(
        reverse("safeguarding:refer", args=[incident.pk]),
        {"team": "pvp_child_abuse", "person": person.pk, "reason": "Child at risk"},
    )
    response = client.post(reverse("safeguarding:refer", args=[incident.pk]), {"team": "x"})

    assert person.vulnerabilities.get().kind == "child"
    assert Referral.objects.get().person == person
    assert response.status_code == 302


def test_a_dispatcher_cannot_respond_to_referrals(client, dispatcher, call_handler):
    referral = actions.make_referral(
        IncidentFactory(), by=call_handler, team="mental_health", reason="x"
    )
    client.force_login(dispatcher)

    assert (
        client.post(
            reverse("safeguarding:respond", args=[referral.pk]), {"to": "accepted"}
        ).status_code
        == 403
    )
