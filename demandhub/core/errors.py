"""The base of every app's domain errors: raised by actions, translated to HTTP by views and API."""


class DomainError(Exception):
    """A request that the domain rules refuse (HTTP 409 at the edges)."""

    code = "domain_error"
