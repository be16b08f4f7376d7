"""The staff consoles: thin views over the actions, within query budgets, refusing strangers."""

import pytest
from django.urls import reverse

from demandhub.audit.models import Action, Event
from demandhub.contacts.actions import start_chat, take_contact
from demandhub.contacts.models import Contact

from .factories import ContactFactory


def test_the_console_lists_my_contacts_and_the_queue_within_a_query_budget(
    client, call_handler, django_assert_max_num_queries
):
    take_contact(ContactFactory(channel="999"), by=call_handler)
    for i in range(10):
        ContactFactory(channel="101", caller_name=f"Caller {i}")
    client.force_login(call_handler)

    with django_assert_max_num_queries(12):
        page = client.get(reverse("contacts:console")).content.decode()

    assert "Take next contact" in page
    assert "Caller 9" in page
    assert 'data-live-group="contacts"' in page


def test_the_queue_board_counts_each_channel_within_a_query_budget(
    client, supervisor, django_assert_max_num_queries
):
    for channel in ("999", "101", "101", "web_chat", "email"):
        ContactFactory(channel=channel)
    client.force_login(supervisor)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("contacts:board"), headers={"HX-Request": "true"})

    page = response.content.decode()
    assert page.index('data-channel="999"') < page.index('data-channel="101"')
    assert page.index('data-channel="101"') < page.index('data-channel="web_chat"')
    assert '<strong class="waiting-count">2</strong>' in page


def test_take_next_opens_the_contact_taken(client, call_handler):
    contact = ContactFactory(channel="999")
    client.force_login(call_handler)

    response = client.post(reverse("contacts:take_next"))

    assert response.status_code == 302
    assert response.headers["Location"] == reverse("contacts:detail", args=[contact.pk])
    contact.refresh_from_db()
    assert contact.handled_by == call_handler


def test_take_next_with_an_empty_queue_says_so(client, call_handler):
    client.force_login(call_handler)

    response = client.post(reverse("contacts:take_next"), follow=True)

    assert "Nobody is waiting" in response.content.decode()


def test_recording_an_outcome_from_the_console(client, call_handler):
    contact = take_contact(ContactFactory(channel="999"), by=call_handler)
    client.force_login(call_handler)

    response = client.post(
        reverse("contacts:outcome", args=[contact.pk]),
        {"outcome": "incident_raised", "summary": "Man with a knife outside the shop"},
    )

    contact.refresh_from_db()
    assert response.headers["Location"] == reverse("incidents:detail", args=[contact.incident_id])
    assert (contact.status, contact.incident.summary) == (
        "completed",
        "Man with a knife outside the shop",
    )


def test_an_incomplete_outcome_is_refused_with_the_reason_and_changes_nothing(
    client, switchboard_operator
):
    contact = take_contact(ContactFactory(channel="101"), by=switchboard_operator)
    client.force_login(switchboard_operator)

    response = client.post(
        reverse("contacts:outcome", args=[contact.pk]), {"outcome": "redirected_agency"}
    )

    assert response.status_code == 422
    assert "give the reason" in response.content.decode().lower()
    contact.refresh_from_db()
    assert contact.status == "in_progress"
    assert not Event.objects.filter(action=Action.CONTACT_COMPLETED).exists()


def test_the_switchboard_sees_its_five_routes_for_a_101_call(client, switchboard_operator):
    contact = take_contact(ContactFactory(channel="101"), by=switchboard_operator)
    client.force_login(switchboard_operator)

    page = client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()

    for route in (
        "Emergency line",
        "Public line",
        "Crime line",
        "Online reporting",
        "Another agency",
    ):
        assert route in page


def test_only_the_handler_holding_a_contact_may_work_it(client, call_handler, supervisor):
    contact = take_contact(ContactFactory(channel="999"), by=call_handler)
    client.force_login(supervisor)

    response = client.post(
        reverse("contacts:outcome", args=[contact.pk]), {"outcome": "advice_given"}
    )

    assert response.status_code == 403


def test_a_chat_is_invisible_to_everyone_but_its_operator(
    client, call_handler, switchboard_operator
):
    contact, _ = start_chat(name="Jo", first_message="Someone is following me")
    take_contact(contact, by=call_handler)

    client.force_login(switchboard_operator)
    assert client.get(reverse("contacts:detail", args=[contact.pk])).status_code == 404
    client.force_login(call_handler)
    assert (
        "Someone is following me"
        in client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    )


def test_accepting_a_waiting_chat(client, switchboard_operator):
    contact, _ = start_chat(name="Jo", first_message="Hello")
    client.force_login(switchboard_operator)
    assert "Jo" in client.get(reverse("contacts:chats")).content.decode()

    response = client.post(reverse("contacts:take", args=[contact.pk]))

    assert response.headers["Location"] == reverse("contacts:detail", args=[contact.pk])
    contact.refresh_from_db()
    assert contact.handled_by == switchboard_operator
    assert contact.chat_messages.last().body.endswith("has joined the chat.")


def test_a_chat_accepted_by_someone_else_first_is_explained(
    client, call_handler, switchboard_operator
):
    contact, _ = start_chat(name="Jo")
    take_contact(contact, by=call_handler)
    client.force_login(switchboard_operator)

    response = client.post(reverse("contacts:take", args=[contact.pk]), follow=True)

    assert "already taken" in response.content.decode()


def test_a_waiting_contact_is_taken_from_its_own_page(client, call_handler, supervisor):
    contact = ContactFactory(channel="101", caller_name="Sam")
    client.force_login(call_handler)
    page = client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert "Take this contact" in page
    assert reverse("contacts:take", args=[contact.pk]) in page

    response = client.post(reverse("contacts:take", args=[contact.pk]), follow=True)

    contact.refresh_from_db()
    assert (contact.status, contact.handled_by) == (Contact.Status.IN_PROGRESS, call_handler)
    assert response.redirect_chain[-1][0] == reverse("contacts:detail", args=[contact.pk])
    assert "Take this contact" not in response.content.decode()
    assert "Record outcome" in response.content.decode()
    assert Event.objects.filter(action=Action.CONTACT_ANSWERED, actor=call_handler).count() == 1
    # A colleague who opened the page before: no button now, and the take is refused cleanly.
    client.force_login(supervisor)
    assert (
        "Take this contact"
        not in client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    )
    response = client.post(reverse("contacts:take", args=[contact.pk]), follow=True)
    assert "already taken" in response.content.decode()
    contact.refresh_from_db()
    assert contact.handled_by == call_handler
    assert Event.objects.filter(action=Action.CONTACT_ANSWERED).count() == 1


def test_setting_a_location_with_half_a_position_is_refused(client, call_handler):
    contact = take_contact(ContactFactory(channel="999"), by=call_handler)
    client.force_login(call_handler)

    response = client.post(
        reverse("contacts:location", args=[contact.pk]),
        {"text": "Market Square", "latitude": "52.2"},
    )

    assert response.status_code == 422
    contact.refresh_from_db()
    assert contact.location_text == ""


@pytest.mark.parametrize("persona", ["outsider", "dispatcher", "imu_reviewer"])
def test_staff_who_do_not_work_contacts_are_refused(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("contacts:console")).status_code == 403
    assert client.post(reverse("contacts:take_next")).status_code == 403
    assert Contact.objects.count() == 0


def test_the_waiting_chats_list_stays_within_a_query_budget(
    client, switchboard_operator, django_assert_max_num_queries
):
    for i in range(8):
        start_chat(name=f"Person {i}", first_message="Hello")
    client.force_login(switchboard_operator)

    with django_assert_max_num_queries(6):
        page = client.get(
            reverse("contacts:chats"), headers={"HX-Request": "true"}
        ).content.decode()

    assert page.count('data-chat="') == 8


def test_the_board_shows_the_share_of_999_calls_answered_within_10_seconds(client, supervisor):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    for waited in (3, 8, 9, 25):
        ContactFactory(
            channel="999",
            status="completed",
            outcome="advice_given",
            offered_at=now - timedelta(minutes=5),
            answered_at=now - timedelta(minutes=5) + timedelta(seconds=waited),
        )
    client.force_login(supervisor)

    page = client.get(reverse("contacts:board")).content.decode()

    assert "Answered within 10 seconds today: <strong>75%</strong>" in page


def test_the_contact_page_lists_earlier_contacts_from_the_same_number(client, call_handler):
    earlier = ContactFactory(
        channel="101",
        caller_number="+447700900123",
        status="completed",
        outcome="advice_given",
        ago=3 * 24 * 3600,
    )
    ContactFactory(channel="101", caller_number="+447700900999", ago=3600)
    contact = take_contact(
        ContactFactory(channel="999", caller_number="+447700900123"), by=call_handler
    )
    client.force_login(call_handler)

    page = client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()

    assert "Earlier contacts from this caller" in page
    assert earlier.offered_at.strftime("%d %b %Y") in page
    assert page.count('<span class="channel ch-101">') == 1


def test_staff_find_contacts_by_number_in_any_format_but_not_others_chats(
    client, supervisor, call_handler
):
    call = ContactFactory(channel="999", caller_number="+447700900123")
    ContactFactory(channel="101", caller_number="+447700900999")
    chat, _ = start_chat(name="Jo", phone="07700 900123")
    take_contact(chat, by=call_handler)
    client.force_login(supervisor)

    page = client.get(reverse("contacts:search"), {"q": "07700 900123"}).content.decode()

    assert reverse("contacts:detail", args=[call.pk]) in page
    assert reverse("contacts:detail", args=[chat.pk]) not in page
    assert "+447700900999" not in page
    assert "07700 900999" not in page


def test_a_chat_contact_page_stays_within_a_query_budget(
    client, call_handler, django_assert_max_num_queries
):
    from demandhub.contacts.actions import post_chat_message

    chat, _ = start_chat(name="Jo", phone="07700 900123", first_message="Hello")
    take_contact(chat, by=call_handler)
    for i in range(10):
        post_chat_message(chat, body=f"line {i}", by=call_handler if i % 2 else None)
    client.force_login(call_handler)

    with django_assert_max_num_queries(15):
        response = client.get(reverse("contacts:detail", args=[chat.pk]))

    assert response.status_code == 200
    assert "line 9" in response.content.decode()


def test_the_incident_raised_from_the_console_takes_the_classification_chosen(client, call_handler):
    contact = take_contact(ContactFactory(channel="999"), by=call_handler)
    client.force_login(call_handler)

    response = client.post(
        reverse("contacts:outcome", args=[contact.pk]),
        {
            "outcome": "incident_raised",
            "summary": "Car into a wall",
            "classification": "TRANSPORT-RTC-INJURY",
        },
    )

    contact.refresh_from_db()
    assert response.status_code == 302
    assert contact.incident.classification == "TRANSPORT-RTC-INJURY"


def test_a_classification_not_in_the_list_is_refused_and_the_contact_stays_held(
    client, call_handler
):
    contact = take_contact(ContactFactory(channel="999"), by=call_handler)
    client.force_login(call_handler)

    response = client.post(
        reverse("contacts:outcome", args=[contact.pk]),
        {"outcome": "incident_raised", "summary": "Car into a wall", "classification": "NOPE"},
    )

    assert response.status_code == 422
    contact.refresh_from_db()
    assert (contact.status, contact.incident_id) == ("in_progress", None)
