"""Domain errors for contacts (no HTTP here; views and the API translate them)."""

from demandhub.core.errors import DomainError


class ContactError(DomainError):
    code = "contact_error"


class TransitionNotAllowed(ContactError):
    code = "transition_not_allowed"

    def __init__(self, old: str, new: str) -> None:
        super().__init__(f"a contact cannot move from {old!r} to {new!r}")


class ContactNotYours(ContactError):
    code = "contact_not_yours"

    def __init__(self) -> None:
        super().__init__("another member of staff is handling this contact")


class OutcomeNotAllowed(ContactError):
    code = "outcome_not_allowed"


class UnknownIncident(ContactError):
    code = "unknown_incident"

    def __init__(self, reference: str) -> None:
        super().__init__(f"there is no incident {reference!r}")


class ChatClosed(ContactError):
    code = "chat_closed"

    def __init__(self) -> None:
        super().__init__("this chat has ended")


class StateNotChosen(ContactError):
    """Staff choose available, break or off; on a contact and wrap-up follow their contacts."""

    def __init__(self, state: str) -> None:
        super().__init__(f"{state!r} is not a state to choose: choose available, break or off")
