"""Road travel times from an OSRM server (its /table service), when one is configured.

OSRM_URL points at a server on the force network (docs/operations.md). Any failure (refused,
slow, malformed, "code" other than "Ok") raises RoutingUnavailable; the caller falls back to
great-circle estimates, so a routing outage never stops a dispatch.
"""

import json
import logging
import math
import urllib.error
import urllib.request
from collections.abc import Sequence

from django.conf import settings

logger = logging.getLogger(__name__)


class RoutingUnavailable(Exception):
    pass


def osrm_durations(
    origins: Sequence[tuple[float, float]],
    destination: tuple[float, float],
    *,
    base_url: str | None = None,
    timeout: float | None = None,
    profile: str = "driving",
) -> list[float | None]:
    """Seconds by road from each (lat, lon) origin to the destination; None where unroutable.

    One GET /table/v1/{profile}/{lon,lat;...}?sources=0;..;n-1&destinations=n&annotations=duration
    """
    if not origins:
        return []
    base = (base_url if base_url is not None else settings.OSRM_URL).rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise RoutingUnavailable(f"OSRM_URL must be an http(s) URL, not {base!r}")
    points = [*origins, destination]
    coordinates = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in points)
    n = len(origins)
    url = (
        f"{base}/table/v1/{profile}/{coordinates}"
        f"?sources={';'.join(map(str, range(n)))}&destinations={n}&annotations=duration"
    )
    try:
        with urllib.request.urlopen(  # noqa: S310  (scheme checked above)
            url, timeout=timeout if timeout is not None else settings.OSRM_TIMEOUT_SECONDS
        ) as response:
            body = json.load(response)
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as e:
        raise RoutingUnavailable(f"OSRM request failed: {e}") from e
    if not isinstance(body, dict) or body.get("code") != "Ok":
        code = body.get("code") if isinstance(body, dict) else None
        raise RoutingUnavailable(f"OSRM answered {code!r}")
    rows = body.get("durations")
    if not isinstance(rows, list) or len(rows) != n:
        raise RoutingUnavailable("OSRM answered a table of the wrong shape")
    out: list[float | None] = []
    for row in rows:
        value = row[0] if isinstance(row, list) and row else None
        ok = isinstance(value, int | float) and math.isfinite(value) and value >= 0
        out.append(float(value) if ok else None)
    return out


def configured_road_seconds():  # type: ignore[no-untyped-def]
    """The road-time function for recommend(), or None when no OSRM server is configured.

    Failures degrade to estimates for every candidate (logged), never to an error.
    """
    if not settings.OSRM_URL:
        return None

    def road_seconds(
        origins: Sequence[tuple[float, float]], destination: tuple[float, float]
    ) -> list[float | None]:
        try:
            return osrm_durations(origins, destination)
        except RoutingUnavailable as e:
            logger.warning("road routing unavailable, using estimates: %s", e)
            return [None] * len(origins)

    return road_seconds
