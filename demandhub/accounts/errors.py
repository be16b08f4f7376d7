"""Domain errors for staff accounts and tokens."""

from demandhub.core.errors import DomainError


class UnknownRole(DomainError):
    code = "unknown_role"

    def __init__(self, name: str) -> None:
        super().__init__(f"there is no role called {name!r}")


class TokenAlreadyRevoked(DomainError):
    code = "token_already_revoked"


class ReasonRequired(DomainError):
    code = "reason_required"
