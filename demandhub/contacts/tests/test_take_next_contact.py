"""Take next: the most urgent, longest-waiting contact, answered atomically."""

import threading

import pytest
from django.db import connection

from demandhub.audit.models import Action, Event
from demandhub.contacts.actions import take_next_contact
from demandhub.contacts.models import Contact
from demandhub.contacts.permissions import channels_for

from .factories import ContactFactory

Channel = Contact.Channel


def test_a_999_call_is_taken_before_a_101_call_that_has_waited_longer(call_handler):
    ContactFactory(channel=Channel.NON_EMERGENCY_CALL, ago=600)
    emergency = ContactFactory(channel=Channel.EMERGENCY_CALL, ago=5)

    taken = take_next_contact(by=call_handler, channels=channels_for(call_handler))

    assert taken == emergency


def test_within_a_channel_the_longest_waiting_contact_is_taken_first(call_handler):
    ContactFactory(channel=Channel.WEB_CHAT, ago=30)
    oldest = ContactFactory(channel=Channel.WEB_CHAT, ago=300)

    assert take_next_contact(by=call_handler, channels=[Channel.WEB_CHAT]) == oldest


def test_taking_a_contact_records_the_answer_time_the_handler_and_the_trail(
    call_handler, django_capture_on_commit_callbacks
):
    contact = ContactFactory(ago=42)

    with django_capture_on_commit_callbacks() as callbacks:
        take_next_contact(by=call_handler, channels=channels_for(call_handler))

    contact.refresh_from_db()
    assert contact.status == Contact.Status.IN_PROGRESS
    assert contact.handled_by == call_handler
    assert contact.answered_at is not None
    assert contact.answered_at > contact.offered_at
    assert contact.status_changes.get(new_status="in_progress").changed_by == call_handler
    event = Event.objects.get(action=Action.CONTACT_ANSWERED)
    assert event.data["waited_seconds"] >= 42
    assert len(callbacks) >= 1


def test_a_switchboard_operator_never_gets_a_999_call(switchboard_operator):
    ContactFactory(channel=Channel.EMERGENCY_CALL)
    public_line = ContactFactory(channel=Channel.NON_EMERGENCY_CALL)

    taken = take_next_contact(by=switchboard_operator, channels=channels_for(switchboard_operator))

    assert taken == public_line


def test_an_empty_queue_gives_nothing_and_changes_nothing(call_handler):
    ContactFactory(status=Contact.Status.COMPLETED, outcome="advice_given")

    assert take_next_contact(by=call_handler, channels=channels_for(call_handler)) is None
    assert not Event.objects.filter(action=Action.CONTACT_ANSWERED).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_handlers_pressing_take_next_at_once_each_get_a_different_contact():
    from demandhub.accounts.actions import sync_roles
    from demandhub.accounts.tests.factories import UserFactory

    sync_roles(by=None)
    handlers = [UserFactory(roles=["call_handler"]) for _ in range(6)]
    contacts = [ContactFactory(channel=Channel.EMERGENCY_CALL, ago=i) for i in range(4)]
    taken: list[Contact | None] = []
    start = threading.Barrier(len(handlers))

    def press(handler) -> None:  # type: ignore[no-untyped-def]
        try:
            start.wait()
            taken.append(take_next_contact(by=handler, channels=[Channel.EMERGENCY_CALL]))
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(h,)) for h in handlers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    got = [c.pk for c in taken if c is not None]
    assert sorted(got) == sorted(c.pk for c in contacts)
    assert taken.count(None) == 2
    assert Contact.objects.filter(status="in_progress").count() == 4


def test_a_call_answered_on_the_phone_without_a_named_agent_can_be_claimed(call_handler):
    from demandhub.contacts.actions import take_contact

    answered = ContactFactory(channel=Channel.EMERGENCY_CALL, status=Contact.Status.IN_PROGRESS)

    assert take_next_contact(by=call_handler, channels=[Channel.EMERGENCY_CALL]) == answered
    answered.refresh_from_db()
    assert answered.handled_by == call_handler
    with pytest.raises(Exception, match="cannot move"):
        take_contact(answered, by=call_handler)


def test_a_handler_can_hand_a_contact_back_to_the_queue(call_handler):
    from demandhub.contacts.actions import release_contact, take_contact

    contact = take_contact(ContactFactory(), by=call_handler)

    release_contact(contact, by=call_handler, reason="needs a Welsh speaker")

    contact.refresh_from_db()
    assert (contact.status, contact.handled_by) == (Contact.Status.QUEUED, None)
    assert Event.objects.filter(action=Action.CONTACT_RELEASED).get().data == {
        "reason": "needs a Welsh speaker"
    }
