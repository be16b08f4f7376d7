"""Domain errors for crime records (no HTTP here; the edges translate them)."""

from demandhub.core.errors import DomainError


class CrimeError(DomainError):
    code = "crime_error"


class TransitionNotAllowed(CrimeError):
    code = "transition_not_allowed"

    def __init__(self, old: str, new: str) -> None:
        super().__init__(f"a crime record cannot move from {old!r} to {new!r}")
