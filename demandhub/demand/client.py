"""A JSON API client with a bearer token, for the simulated staff and units: they drive the
hub through its API exactly as any other token client does. Standard library only."""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

TIMEOUT = 30  # seconds per request


@dataclass(frozen=True)
class Reply:
    """The server's answer: HTTP status (0 when it could not be reached) and the JSON body
    (None when there was none, or it was not JSON)."""

    status: int
    data: Any
    text: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def detail(self) -> str:
        if isinstance(self.data, dict) and "detail" in self.data:
            return str(self.data["detail"])
        return self.text[:200]


class ApiClient:
    """Requests to /api/... as the token's holder."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.requests = 0  # how many were made: tests count them

    def get(self, path: str, **params: Any) -> Reply:
        query = ("?" + urlencode(params, doseq=True)) if params else ""
        return self._send("GET", path + query, None)

    def post(self, path: str, body: dict[str, Any]) -> Reply:
        return self._send("POST", path, json.dumps(body).encode())

    def _send(self, method: str, path: str, body: bytes | None) -> Reply:
        self.requests += 1
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(  # noqa: S310  (the operator's base URL)
            self.base_url + path, data=body, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                return _reply(response.status, response.read())
        except urllib.error.HTTPError as error:
            with error:
                return _reply(error.code, error.read())
        except (urllib.error.URLError, OSError) as error:
            return Reply(0, None, f"unreachable: {getattr(error, 'reason', error)}")


def _reply(status: int, raw: bytes) -> Reply:
    text = raw.decode("utf-8", errors="replace")
    try:
        data = json.loads(text) if text else None
    except ValueError:
        data = None
    return Reply(status, data, text)
