"""Domain errors for crime records (no HTTP here; the edges translate them)."""

from demandhub.core.errors import DomainError


class CrimeError(DomainError):
    code = "crime_error"


class TransitionNotAllowed(CrimeError):
    code = "transition_not_allowed"

    def __init__(self, old: str, new: str) -> None:
        super().__init__(f"a crime record cannot move from {old!r} to {new!r}")


class UnknownOffence(CrimeError):
    code = "unknown_offence"

    def __init__(self, code: str) -> None:
        super().__init__(f"{code!r} is not an offence code in the classification list")


class UnknownOutcome(CrimeError):
    code = "unknown_outcome"

    def __init__(self, code: str) -> None:
        super().__init__(f"{code!r} is not a Home Office outcome code")


class OutcomeNotAllowed(CrimeError):
    code = "outcome_not_allowed"


class ReasonRequired(CrimeError):
    code = "reason_required"


class CancellationReasonNotAllowed(CrimeError):
    code = "cancellation_reason_not_allowed"

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"{reason!r} is not an allowed reason to cancel a crime: no crime occurred "
            "(verifiable information), recorded in error, duplicate, or another force's area"
        )


class AreaDoesNotCoverLocation(CrimeError):
    code = "area_does_not_cover_location"

    def __init__(self, area: str, covering: str) -> None:
        super().__init__(
            f"{area} does not cover the crime's location ({covering or 'no area'} does): "
            "give an override reason to allocate it there"
        )


class OfficerNotInArea(CrimeError):
    code = "officer_not_in_area"


class NotCrimeStaff(CrimeError):
    code = "not_crime_staff"

    def __init__(self, user: str) -> None:
        super().__init__(
            f"{user} is not an active sergeant or investigating officer: only they are posted "
            "to an area's crime team"
        )


class AlreadyLinked(CrimeError):
    code = "already_linked"
