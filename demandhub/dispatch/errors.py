"""Dispatch's domain errors: raised by actions, turned into 409s and form errors at the edges."""

from demandhub.core.errors import DomainError


class DispatchError(DomainError):
    code = "dispatch_error"


class TransitionNotAllowed(DispatchError):
    """The status lifecycle (workflow.NEXT) has no move from the unit's status to the one asked."""

    code = "transition_not_allowed"

    def __init__(self, call_sign: str, old: str, new: str) -> None:
        self.old, self.new = old, new
        super().__init__(f"{call_sign} cannot go from {_label(old)} to {_label(new)}.")


class StatusSetByAssignment(DispatchError):
    """Assigned is the consequence of an assignment, never picked from a list."""

    code = "status_set_by_assignment"

    def __init__(self, call_sign: str) -> None:
        super().__init__(f"{call_sign} becomes assigned only when a dispatcher assigns it.")


class TrainingIncident(DispatchError):
    """A training exercise's incident: live units are never committed to it."""

    code = "training_incident"

    def __init__(self, reference: str) -> None:
        super().__init__(f"{reference} is a training exercise's: live units are not sent to it.")


class AlreadyBookedOn(DispatchError):
    code = "already_booked_on"

    def __init__(self, call_sign: str) -> None:
        super().__init__(f"You are already booked on to {call_sign}; book off from it first.")


class NotBookedOn(DispatchError):
    code = "not_booked_on"

    def __init__(self, call_sign: str) -> None:
        super().__init__(f"You are not booked on to {call_sign}.")


class CommittedUnitCannotBookOff(DispatchError):
    code = "committed_unit_cannot_book_off"

    def __init__(self, call_sign: str, status: str) -> None:
        super().__init__(
            f"{call_sign} is {_label(status).lower()}: the last crew member cannot book off "
            "until the unit is stood down or clear."
        )


def _label(status: str) -> str:
    from .models import Resource

    try:
        return str(Resource.Status(status).label)
    except ValueError:
        return status


class ResourceNotAvailable(DispatchError):
    """The unit cannot be sent: off duty, busy with a more urgent incident, already here..."""

    code = "resource_not_available"


class IncidentNotAwaitingDeployment(DispatchError):
    code = "incident_not_awaiting_deployment"

    def __init__(self, reference: str, status_label: str) -> None:
        super().__init__(f"{reference} is {status_label.lower()}: units cannot be sent to it.")


class NothingToAssign(DispatchError):
    code = "nothing_to_assign"

    def __init__(self) -> None:
        super().__init__("Choose at least one unit to assign.")


class AssignmentAlreadyCleared(DispatchError):
    code = "assignment_already_cleared"

    def __init__(self, call_sign: str) -> None:
        super().__init__(f"{call_sign} is no longer assigned to that incident.")


class ResourceNotReassignable(DispatchError):
    """Only a unit assigned, en route or at scene moves to another incident in one step."""

    code = "resource_not_reassignable"

    def __init__(self, call_sign: str, status: str, reference: str) -> None:
        why = (
            "a unit with a person in its care cannot be reassigned"
            if status in ("transporting", "at_custody")
            else "it cannot be reassigned"
        )
        super().__init__(f"{call_sign} is {_label(status).lower()} for {reference}: {why}.")


class UnknownIncident(DispatchError):
    """The incident to send a unit to does not exist (or is not one this user may see)."""

    code = "unknown_incident"

    def __init__(self, ref: object) -> None:
        super().__init__(f"No incident {ref} to send the unit to.")
