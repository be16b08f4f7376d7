from demandhub.contacts import queueing
from demandhub.contacts.models import Contact

Channel = Contact.Channel


def test_emergencies_come_before_101_which_comes_before_chat_and_written_work():
    order = sorted(Channel, key=queueing.priority_of)

    assert order[:2] == [Channel.EMERGENCY_CALL, Channel.EMERGENCY_SMS]
    assert order[2:4] == [Channel.NON_EMERGENCY_CALL, Channel.WEB_CHAT]
    assert set(order[4:]) == {Channel.ONLINE_REPORT, Channel.SOCIAL_MEDIA, Channel.EMAIL}


def test_staff_take_only_the_channels_their_permissions_allow():
    switchboard = queueing.channels_for({"contacts.handle_contact"})
    handler = queueing.channels_for(
        {"contacts.handle_contact", "contacts.handle_emergency_contact"}
    )

    assert Channel.EMERGENCY_CALL not in switchboard
    assert {Channel.NON_EMERGENCY_CALL, Channel.WEB_CHAT, Channel.ONLINE_REPORT} <= switchboard
    assert handler == frozenset(Channel)
    assert queueing.channels_for(set()) == frozenset()
