"""The JSON API's request parser: Ninja's own, refusing NUL characters in any string.

PostgreSQL text cannot hold a NUL (0x00) and raises DataError on one, which would be a server
error; SQLite stores it silently, which would make the two engines disagree. Django's forms
refuse NUL with ProhibitNullCharactersValidator; this does the same for the API, for bodies
(nested keys and values) and query strings.
"""

import json
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.errors import HttpError
from ninja.parser import Parser

NUL = "\x00"
MESSAGE = "Text may not contain NUL (0x00) characters."


def holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(holds_nul(item) for item in value)
    return False


class NoNulParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        if holds_nul(data):
            # Ninja answers a parser's error with 400 "Cannot parse request body".
            raise ValueError(MESSAGE)
        return data  # type: ignore[no-any-return]

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        if holds_nul(parsed):
            raise HttpError(422, MESSAGE)
        return parsed
