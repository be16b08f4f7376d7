"""Every HTTP and websocket route of the site, as concrete sample URLs, for the access tests."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from demandhub.config.routing import websocket_urlpatterns

SAMPLE_BY_NAME = {"app_label": "accounts", "object_id": "1", "url": "x", "group": "audit"}
SAMPLE_BY_CONVERTER = {"int": "1", "slug": "x", "str": "x", "path": "x", "uuid": "0" * 32}


@dataclass(frozen=True)
class Route:
    url: str
    name: str  # namespace:name, or the URL when the pattern has no name


def _named_group_sample(regex: str) -> str:
    """The regex with each (?P<name>...) group replaced by a sample and anchors dropped."""
    out, i = [], 0
    while i < len(regex):
        if regex.startswith("(?P<", i):
            end_name = regex.index(">", i)
            name = regex[i + 4 : end_name]
            depth, j = 1, end_name + 1
            while depth:
                depth += {"(": 1, ")": -1}.get(regex[j], 0)
                j += 1
            out.append(SAMPLE_BY_NAME.get(name, "1"))
            i = j
        else:
            out.append(regex[i])
            i += 1
    text = "".join(out).lstrip("^").rstrip("$").replace("\\Z", "")
    return re.sub(r"\\(.)", r"\1", text)


def _route_sample(route: str) -> str:
    return re.sub(
        r"<(?:(\w+):)?(\w+)>",
        lambda m: SAMPLE_BY_NAME.get(m.group(2), SAMPLE_BY_CONVERTER.get(m.group(1) or "str", "x")),
        route,
    )


def _sample(pattern: RoutePattern | RegexPattern) -> str:
    if isinstance(pattern, RoutePattern):
        return _route_sample(str(pattern))
    return _named_group_sample(pattern.regex.pattern)


def http_routes() -> Iterator[Route]:
    def walk(
        patterns: list[URLPattern | URLResolver], prefix: str, namespace: str
    ) -> Iterator[Route]:
        for p in patterns:
            url = prefix + _sample(p.pattern)
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, url, ns)
            else:
                yield Route("/" + url, f"{namespace}{p.name}" if p.name else "/" + url)

    seen: set[str] = set()
    for route in walk(get_resolver().url_patterns, "", ""):
        if route.url not in seen:
            seen.add(route.url)
            yield route


def websocket_routes() -> list[str]:
    return ["/" + _sample(p.pattern) for p in websocket_urlpatterns]
