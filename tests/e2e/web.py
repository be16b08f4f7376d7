"""A small stdlib HTTP client with its own cookie jar: one member of staff at one browser."""

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from typing import Any
from urllib.parse import urlencode, urlsplit


@dataclass(frozen=True)
class Response:
    status: int
    path: str  # of the final URL, with its query string, after any redirects followed
    headers: dict[str, str]  # names in lower case
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # urllib then hands back the 3xx itself


def csrf_token(page: Response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match, f"the form on {page.path} has no CSRF token"
    return match.group(1)


class WebClient:
    def __init__(self, base_url: str, *, follow_redirects: bool = True) -> None:
        self.base_url = base_url
        self.cookies = CookieJar()
        handlers: list[urllib.request.BaseHandler] = [
            urllib.request.HTTPCookieProcessor(self.cookies)
        ]
        if not follow_redirects:
            handlers.append(_NoRedirects())
        self._opener = urllib.request.build_opener(*handlers)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    def get(self, path: str) -> Response:
        return self._send(urllib.request.Request(self.base_url + path))  # noqa: S310  (http://)

    def post(self, path: str, data: dict[str, str] | None = None) -> Response:
        body = urlencode(data or {}).encode()
        request = urllib.request.Request(self.base_url + path, data=body, method="POST")  # noqa: S310
        return self._send(request)

    def sign_in(self, username: str, password: str, *, second_factor: bool = True) -> Response:
        """Fill in and send the sign-in form as a browser would, CSRF token included, then the
        code from the authenticator the demo enrolled for `username` (second_factor=False:
        stop at the code page)."""
        page = self.sign_in_password(username, password)
        if not second_factor or page.path != "/login/verify/":
            return page  # a refused password stays on /login/
        return self.give_code(page, username)

    def sign_in_password(self, username: str, password: str) -> Response:
        form = self.get("/login/")
        return self.post(
            "/login/",
            {
                "csrfmiddlewaretoken": csrf_token(form),
                "username": username,
                "password": password,
                "next": "/",
            },
        )

    def give_code(self, page: Response, username: str) -> Response:
        """Answer the code page `page` with the current code of `username`'s authenticator."""
        from .server import serving

        code = serving(self.base_url).totp_code(username)
        return self.post("/login/verify/", {"csrfmiddlewaretoken": csrf_token(page), "code": code})

    def _send(self, request: urllib.request.Request) -> Response:
        try:
            with self._opener.open(request, timeout=30) as answer:
                return self._response(answer, answer.status)
        except urllib.error.HTTPError as error:
            with error:
                return self._response(error, error.code)

    @staticmethod
    def _response(answer: Any, status: int) -> Response:
        url = urlsplit(answer.geturl())
        return Response(
            status=status,
            path=url.path + (f"?{url.query}" if url.query else ""),
            headers={k.lower(): v for k, v in answer.headers.items()},
            text=answer.read().decode("utf-8", errors="replace"),
        )
