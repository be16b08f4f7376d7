"""Writes for contacts. Each runs in one transaction, audits itself and announces on commit.

Split by sub-domain: intake (a contact arrives), handling (staff take and work it), outcomes,
telephony events, handset locations, web chat and online reports.
"""

from .aml import receive_aml
from .chat import leave_chat, post_chat_message, start_chat
from .handling import (
    add_reporter_update,
    release_contact,
    set_location,
    take_contact,
    take_next_contact,
    use_handset_location,
)
from .intake import receive_contact, receive_message
from .online import submit_online_report
from .outcomes import record_outcome
from .staff import set_staff_state
from .telephony import receive_call_event

__all__ = [
    "add_reporter_update",
    "leave_chat",
    "post_chat_message",
    "receive_aml",
    "receive_call_event",
    "receive_contact",
    "receive_message",
    "record_outcome",
    "release_contact",
    "set_location",
    "set_staff_state",
    "start_chat",
    "submit_online_report",
    "take_contact",
    "take_next_contact",
    "use_handset_location",
]
