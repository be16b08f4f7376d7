from datetime import timedelta

import pytest

from demandhub.audit.models import Action, Event
from demandhub.incidents.models import Incident
from demandhub.scene import actions, links
from demandhub.scene.errors import IncidentNotOpenForScene, LinkNotUsable
from demandhub.scene.links import LinkState
from demandhub.scene.queries import link_for_token


def test_a_new_link_keeps_only_the_hash_of_its_token_and_is_audited(call_handler, incident):
    link, token = actions.create_link(incident, by=call_handler)

    assert len(token) >= 43
    assert link.token_hash == links.digest(token)
    assert token not in str(link.__dict__)
    assert link_for_token(token) == link
    event = Event.objects.filter(action=Action.SCENE_LINK_CREATED).get()
    assert (event.actor, event.subject_id) == (call_handler, str(incident.pk))
    assert token not in str(event.data)


def test_a_link_expires_after_the_configured_minutes(call_handler, incident, clock, settings):
    settings.SCENE_LINK_MINUTES = 10
    link, _ = actions.create_link(incident, by=call_handler)

    clock.advance(minutes=9, seconds=59)
    assert links.state_of(link, clock()) == LinkState.WAITING
    clock.advance(seconds=1)
    assert links.state_of(link, clock()) == LinkState.EXPIRED
    with pytest.raises(LinkNotUsable):
        actions.give_consent(link, device_key="device-a")


def test_consent_binds_the_link_to_the_first_device_only(call_handler, incident):
    link, _ = actions.create_link(incident, by=call_handler)

    actions.give_consent(link, device_key="device-a")
    link.refresh_from_db()

    assert links.state_of(link, link.created_at) == LinkState.BOUND
    assert links.is_bound_to(link, "device-a")
    assert not links.is_bound_to(link, "device-b")
    actions.give_consent(link, device_key="device-a")  # the same phone again: harmless
    with pytest.raises(LinkNotUsable) as refused:
        actions.give_consent(link, device_key="device-b")
    assert refused.value.state == "other_device"
    assert Event.objects.filter(action=Action.SCENE_CONSENT_GIVEN).count() == 1


def test_a_revoked_link_is_refused_even_to_its_own_device(call_handler, dispatcher, incident):
    link, _ = actions.create_link(incident, by=call_handler)
    actions.give_consent(link, device_key="device-a")

    actions.revoke_link(link, by=dispatcher)
    link.refresh_from_db()

    assert links.state_of(link, link.created_at + timedelta(seconds=1)) == LinkState.REVOKED
    assert link.revoked_by == dispatcher
    with pytest.raises(LinkNotUsable):
        actions.give_consent(link, device_key="device-a")
    assert Event.objects.filter(action=Action.SCENE_LINK_REVOKED, actor=dispatcher).exists()


def test_forged_and_malformed_tokens_find_no_link(call_handler, incident):
    _, token = actions.create_link(incident, by=call_handler)

    assert link_for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert link_for_token("x") is None
    assert link_for_token("../../etc/passwd") is None
    assert link_for_token("a" * 500) is None


def test_a_closed_incident_gets_no_link(call_handler, incident):
    Incident.objects.filter(pk=incident.pk).update(status=Incident.Status.CLOSED)
    incident.refresh_from_db()

    with pytest.raises(IncidentNotOpenForScene):
        actions.create_link(incident, by=call_handler)
