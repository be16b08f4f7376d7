"""Domain errors for incidents: raised by actions, translated to HTTP by views and the API."""

from demandhub.core.errors import DomainError


class IncidentError(DomainError):
    code = "incident_error"


class TransitionNotAllowed(IncidentError):
    code = "transition_not_allowed"

    def __init__(self, old: str, new: str) -> None:
        super().__init__(f"An incident cannot move from {old} to {new}.")
        self.old, self.new = old, new


class ReasonRequired(IncidentError):
    code = "reason_required"


class NotGradeable(IncidentError):
    code = "not_gradeable"


class AlreadyStricken(IncidentError):
    code = "already_stricken"


class AlreadyLinked(IncidentError):
    code = "already_linked"


class ReviewAlreadyDone(IncidentError):
    code = "review_already_done"
