"""Who is served first, and who may take which channel. No database access here."""

from collections.abc import Iterable

from .models import Contact

Channel = Contact.Channel

# Emergencies are always offered before anything else; then 101 callers (on the phone and
# waiting), then web chats (a person waiting), then written work (online reports, social
# media, email), which nobody is waiting on the line for (../shared/DOMAIN.md section 1).
PRIORITY: dict[str, int] = {
    Channel.EMERGENCY_CALL: 0,
    Channel.EMERGENCY_SMS: 0,
    Channel.NON_EMERGENCY_CALL: 1,
    Channel.WEB_CHAT: 2,
    Channel.ONLINE_REPORT: 3,
    Channel.SOCIAL_MEDIA: 3,
    Channel.EMAIL: 3,
}

EMERGENCY_CHANNELS = frozenset({Channel.EMERGENCY_CALL, Channel.EMERGENCY_SMS})
# The same staff work 101, web chat and online reports with the same process.
SHARED_CHANNELS = frozenset(set(Channel) - EMERGENCY_CHANNELS)


def priority_of(channel: str) -> int:
    return PRIORITY[channel]


def permission_for(channel: str) -> str:
    if channel in EMERGENCY_CHANNELS:
        return "contacts.handle_emergency_contact"
    return "contacts.handle_contact"


def channels_for(permissions: Iterable[str]) -> frozenset[str]:
    """The channels a member of staff holding `permissions` may take contacts from."""
    held = set(permissions)
    channels: set[str] = set()
    if "contacts.handle_emergency_contact" in held:
        channels |= EMERGENCY_CHANNELS
    if "contacts.handle_contact" in held:
        channels |= SHARED_CHANNELS
    return frozenset(channels)
