"""Writes for crime records. Each runs in one transaction, audits itself, announces on commit."""

from .investigation import add_investigation_action, close_crime, complete_investigation_action
from .links import confirm_link
from .recording import (
    add_party,
    cancel_crime,
    decide_not_a_crime,
    record_crime,
    record_crime_from_incident,
    set_crime_location,
    update_crime_details,
)
from .review import (
    allocate_crime,
    assign_crime,
    end_posting,
    file_crime,
    request_information,
    set_posting,
)
from .victims import record_first_contact, record_key_decision, set_victim_care, update_victim

__all__ = [
    "add_investigation_action",
    "add_party",
    "allocate_crime",
    "assign_crime",
    "cancel_crime",
    "close_crime",
    "complete_investigation_action",
    "confirm_link",
    "decide_not_a_crime",
    "end_posting",
    "file_crime",
    "record_crime",
    "record_crime_from_incident",
    "record_first_contact",
    "record_key_decision",
    "request_information",
    "set_crime_location",
    "set_posting",
    "set_victim_care",
    "update_crime_details",
    "update_victim",
]
