"""Sending to a Demand Hub server over HTTP, through its public entry points only: the contacts
API with a gateway's bearer token (telephony events, AML, messages) and the public's pages
(web chat, online reports) as a browser fills them in. Standard library only, so it runs
against any server from anywhere."""

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from http.cookiejar import CookieJar
from typing import Any
from urllib.parse import urlencode

from .generator import AML_SMS, CHAT, LONDON, MESSAGE, REPORT, TELEPHONY, Send

TIMEOUT = 30  # seconds per request
REPORT_PATHS = {
    "crime": "/report/crime/",
    "asb": "/report/anti-social-behaviour/",
    "rtc": "/report/road-traffic/",
}
_REFERENCE = re.compile(r"\b((?:WEB|CHT)-\d{8}-\d{4,})\b")


@dataclass(frozen=True)
class Answer:
    """What the server answered: HTTP status (0 when it could not be reached), whether that
    is what a working server answers, and a one-line summary."""

    status: int
    ok: bool
    summary: str
    outcome: str = ""  # a word for counting: applied, duplicate, created, matched, ...


@dataclass(frozen=True)
class Request:
    path: str
    body: bytes
    content_type: str
    public: bool  # a public page: needs the CSRF cookie, no bearer token


def aml_text(fields: dict[str, Any], positioned_at: datetime) -> str:
    """An AML SMS (v1) with a correct `ml` (the whole message's length, ml included)."""
    head = (
        f'A"ML=1;lt={fields["lt"]:+.5f};lg={fields["lg"]:+.5f};rd={fields["rd"]};'
        f"top={positioned_at:%Y%m%d%H%M%S};lc={fields['lc']};pm={fields['pm']};"
        "si=234150999999999;ei=353000000000000;mcc=234;mnc=15;ml="
    )
    length = len(head) + 2
    while len(head) + len(str(length)) != length:
        length = len(head) + len(str(length))
    return head + str(length)


def build(send: Send, wall: datetime) -> Request:
    """The HTTP request for `send`, its time fields stamped with `wall` when send.stamp."""
    payload = dict(send.payload)
    when = wall.isoformat()
    if send.kind == TELEPHONY:
        if send.stamp:
            payload["occurred_at"] = when
        return Request("/api/contacts/telephony/events", _json(payload), "application/json", False)
    if send.kind == MESSAGE:
        if send.stamp:
            payload["received_at"] = when
        return Request("/api/contacts/messages", _json(payload), "application/json", False)
    if send.kind == AML_SMS:
        text = aml_text(payload, wall.astimezone(UTC))
        body = _json({"sender": payload["sender"], "text": text})
        return Request("/api/contacts/aml/sms", body, "application/json", False)
    if send.kind == CHAT:
        return Request("/chat/", urlencode(payload).encode(), _FORM, True)
    if send.kind == REPORT:
        kind = payload.pop("kind")
        days_ago = int(payload.pop("days_ago", 0))
        payload["when"] = (_local_date(wall) - timedelta(days=days_ago)).isoformat()
        return Request(REPORT_PATHS[kind], urlencode(payload).encode(), _FORM, True)
    raise ValueError(f"unknown kind {send.kind!r}")


class Gateway:
    """One connection's worth of state: the base URL, the bearer token and a cookie jar."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.cookies = CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects()
        )

    def send(self, send: Send, wall: datetime) -> Answer:
        request = build(send, wall)
        headers = {"Content-Type": request.content_type}
        body = request.body
        if request.public:
            csrf = self._csrf_token(request.path)
            if csrf is None:
                return Answer(0, False, f"no CSRF cookie from {request.path}")
            headers["X-CSRFToken"] = csrf
            body += b"&" + urlencode({"csrfmiddlewaretoken": csrf}).encode()
        else:
            headers["Authorization"] = f"Bearer {self.token}"
        status, text = self._post(request.path, body, headers)
        return interpret(send.kind, status, text)

    def _csrf_token(self, path: str) -> str | None:
        if (token := self._cookie("csrftoken")) is None:
            self._get(path)
            token = self._cookie("csrftoken")
        return token

    def _cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name and c.value), None)

    def _get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base_url + path))  # noqa: S310

    def _post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        request = urllib.request.Request(  # noqa: S310  (the operator's base URL)
            self.base_url + path, data=body, headers=headers, method="POST"
        )
        return self._open(request)

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self._opener.open(request, timeout=TIMEOUT) as response:
                return response.status, response.read().decode("utf-8", errors="replace")
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode("utf-8", errors="replace")
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            return 0, f"unreachable: {reason}"


def interpret(kind: str, status: int, text: str) -> Answer:
    """A one-line account of the server's answer to a `kind` request."""
    if status == 0:
        return Answer(0, False, text, "unreachable")
    if status == 429:
        return Answer(status, False, "rate limited", "rate limited")
    if kind in (CHAT, REPORT):
        if kind == CHAT and status in (302, 303):
            return Answer(status, True, "chat started", "started")
        if kind == REPORT and status == 200 and (match := _REFERENCE.search(text)):
            return Answer(status, True, f"report {match.group(1)}", "created")
        return Answer(status, False, f"form refused (HTTP {status})", "refused")
    try:
        data = json.loads(text)
    except ValueError:
        return Answer(status, False, f"HTTP {status}: {text[:120]}")
    if not isinstance(data, dict):
        return Answer(status, False, f"HTTP {status}: {text[:120]}")
    if status != 200:
        errors = data.get("errors") or data.get("error") or data.get("detail")
        return Answer(status, False, f"HTTP {status}: {errors}", "refused")
    if kind == TELEPHONY:
        outcome = str(data.get("status"))
        return Answer(status, True, f"contact {data.get('contact')} {outcome}", outcome)
    if kind == AML_SMS:
        outcome = str(data.get("status"))
        return Answer(status, True, f"aml {outcome} contact {data.get('contact')}", outcome)
    created = "created" if data.get("created") else "already received"
    return Answer(status, True, f"contact {data.get('contact')} {created}", created)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A started chat redirects to its page; following it would count against the public
    # tracking limit for nothing.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode()


def _local_date(moment: datetime) -> date:
    return moment.astimezone(LONDON).date()


_FORM = "application/x-www-form-urlencoded"
