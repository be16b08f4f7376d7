"""A member of staff's state on the floor: chosen (available, break, off) or following their
contacts (taking one puts them on it, recording its outcome puts them in wrap-up); audited."""

import json

import pytest
from django.urls import reverse

from demandhub.audit.models import Action, Event
from demandhub.contacts.actions import (
    receive_call_event,
    record_outcome,
    release_contact,
    set_staff_state,
    take_next_contact,
)
from demandhub.contacts.errors import StateNotChosen
from demandhub.contacts.models import Contact, StaffState, StaffStateChange

from .factories import ContactFactory


def _history(user) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return list(
        StaffStateChange.objects.filter(user=user)
        .order_by("id")
        .values_list("old_state", "new_state")
    )


def test_going_available_then_on_a_break_is_recorded_and_audited(call_handler):
    set_staff_state(call_handler, state="available")
    row = set_staff_state(call_handler, state="break")

    assert row.state == "break"
    assert _history(call_handler) == [("off", "available"), ("available", "break")]
    events = Event.objects.filter(action=Action.STAFF_STATE_CHANGED).order_by("id")
    assert [(e.data["old_state"], e.data["new_state"]) for e in events] == [
        ("off", "available"),
        ("available", "break"),
    ]


def test_choosing_the_same_state_again_changes_nothing(call_handler):
    set_staff_state(call_handler, state="available")
    first = StaffState.objects.get(user=call_handler).since

    set_staff_state(call_handler, state="available")

    assert StaffState.objects.get(user=call_handler).since == first
    assert StaffStateChange.objects.filter(user=call_handler).count() == 1


@pytest.mark.parametrize("state", ["on_contact", "wrap_up", "asleep", ""])
def test_states_that_follow_contacts_cannot_be_chosen(call_handler, state):
    with pytest.raises(StateNotChosen, match="choose available, break or off"):
        set_staff_state(call_handler, state=state)

    assert not StaffStateChange.objects.exists()


def test_taking_a_contact_then_recording_its_outcome_moves_the_handler(call_handler):
    set_staff_state(call_handler, state="available")
    ContactFactory(channel=Contact.Channel.NON_EMERGENCY_CALL)

    contact = take_next_contact(by=call_handler, channels=["101"])
    on = StaffState.objects.get(user=call_handler)
    record_outcome(contact, by=call_handler, outcome="advice_given", summary="Advice on parking")

    assert (on.state, on.contact_id) == ("on_contact", contact.pk)
    after = StaffState.objects.get(user=call_handler)
    assert (after.state, after.contact_id) == ("wrap_up", contact.pk)
    assert _history(call_handler) == [
        ("off", "available"),
        ("available", "on_contact"),
        ("on_contact", "wrap_up"),
    ]


def test_handing_a_contact_back_makes_the_handler_available(call_handler):
    ContactFactory(channel=Contact.Channel.WEB_CHAT)
    contact = take_next_contact(by=call_handler, channels=["web_chat"])

    release_contact(contact, by=call_handler, reason="colleague speaks Polish")

    assert StaffState.objects.get(user=call_handler).state == "available"


def test_the_console_buttons_change_the_handlers_state(client, call_handler):
    client.force_login(call_handler)

    response = client.post(reverse("contacts:staff_state"), {"state": "break"}, follow=True)

    assert StaffState.objects.get(user=call_handler).state == "break"
    assert b"You are on a break." in response.content
    assert b'id="my-state-now">on a break</strong>' in response.content


def test_a_bad_state_from_the_console_is_explained_and_changes_nothing(client, call_handler):
    client.force_login(call_handler)

    response = client.post(reverse("contacts:staff_state"), {"state": "wrap_up"}, follow=True)

    assert b"is not a state to choose" in response.content
    assert not StaffState.objects.exists()


def test_staff_who_take_no_contacts_have_no_state_to_set(client, analyst):
    client.force_login(analyst)

    assert client.post(reverse("contacts:staff_state"), {"state": "break"}).status_code == 403


def _call_event(gateway, event, at, **extra):  # type: ignore[no-untyped-def]
    body = {
        "call_id": "c-floor-1",
        "event": event,
        "line": "999",
        "occurred_at": f"2026-11-23T14:00:{at:02d}Z",
        **extra,
    }
    return receive_call_event(json.dumps(body).encode(), by=gateway)


def test_a_call_answered_at_a_named_telephone_moves_the_agent_and_ringing_off_starts_wrap_up(
    call_handler, gateway
):
    _call_event(gateway, "offered", 0)
    _call_event(gateway, "answered", 4, agent="call_handler")
    on = StaffState.objects.get(user=call_handler)
    _call_event(gateway, "ended", 50)

    assert on.state == "on_contact"
    assert StaffState.objects.get(user=call_handler).state == "wrap_up"
    actors = Event.objects.filter(action=Action.STAFF_STATE_CHANGED).values_list(
        "actor__username", flat=True
    )
    assert list(actors) == ["gateway", "gateway"]
