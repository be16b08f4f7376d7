"""Response schemas shared by the API's routers."""

from typing import Any

from ninja import Schema


class InvalidRequestOut(Schema):
    """422: the request's shape or values were refused (config/api.py's validation handler
    gives `errors`, one per problem; a route's own refusal gives `detail` alone)."""

    detail: str
    errors: list[dict[str, Any]] = []
