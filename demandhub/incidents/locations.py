"""Where an incident is: parse what the handler types or the network sends into one normalised
location with its source and accuracy (../shared/DOMAIN.md section 9).

Formats: latitude/longitude (WGS84), British National Grid easting/northing and lettered grid
references (OSGB36, EPSG:27700, converted with pyproj), what3words (`///word.word.word`),
AML SMS messages (ETSI TS 103 625) and free-text addresses. No database access; what3words is
resolved over HTTP only when WHAT3WORDS_API_KEY is set.
"""

import json
import math
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

from django.conf import settings
from pyproj import Transformer


class LocationInvalid(ValueError):
    """The text is not a usable location; the message says why."""


@dataclass(frozen=True)
class Location:
    kind: str  # latlon | bng | gridref | what3words | aml | address
    source: str  # handler | aml | what3words | eido ...
    text: str
    latitude: float | None = None
    longitude: float | None = None
    easting: int | None = None
    northing: int | None = None
    grid_reference: str = ""
    what3words: str = ""
    accuracy_m: float | None = None
    resolved: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["notes"] = list(self.notes)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Location":
        data = dict(data)
        data["notes"] = tuple(data.get("notes", ()))
        return cls(**data)

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None


# --- British National Grid ------------------------------------------------------------------------

GRID_MAX_EASTING, GRID_MAX_NORTHING = 700_000, 1_300_000
_LETTERS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"  # the grid omits I


@cache
def _to_wgs84() -> Transformer:
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


@cache
def _to_bng() -> Transformer:
    return Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)


def bng_to_latlon(easting: float, northing: float) -> tuple[float, float]:
    lon, lat = _to_wgs84().transform(easting, northing)
    return round(lat, 6), round(lon, 6)


def latlon_to_bng(latitude: float, longitude: float) -> tuple[int, int] | None:
    """Easting/northing, or None when the point is off the National Grid."""
    e, n = _to_bng().transform(longitude, latitude)
    if not (math.isfinite(e) and math.isfinite(n)):
        return None
    if not (0 <= e < GRID_MAX_EASTING and 0 <= n < GRID_MAX_NORTHING):
        return None
    return round(e), round(n)


def _square_origin(letters: str) -> tuple[int, int]:
    """The south-west corner of a 100 km square, from its two letters (OS convention; the
    algorithm of C. Veness's OS grid reference scripts, with the letter I skipped)."""
    l1, l2 = (_LETTERS.index(ch) for ch in letters)
    e100 = ((l1 - 2) % 5) * 5 + l2 % 5
    n100 = (19 - (l1 // 5) * 5) - l2 // 5
    return e100 * 100_000, n100 * 100_000


def grid_reference(easting: int, northing: int, digits: int = 10) -> str:
    """The lettered grid reference, e.g. 'TL 45000 58000' (digits 6, 8 or 10)."""
    e100, n100 = easting // 100_000, northing // 100_000
    l1 = (19 - n100) - (19 - n100) % 5 + (e100 + 10) // 5
    l2 = (19 - n100) * 5 % 25 + e100 % 5
    letters = _LETTERS[l1] + _LETTERS[l2]
    half = digits // 2
    scale = 10 ** (5 - half)
    e, n = easting % 100_000 // scale, northing % 100_000 // scale
    return f"{letters} {e:0{half}d} {n:0{half}d}"


_GRIDREF = re.compile(r"^([A-Za-z]{2})\s*(\d+)\s*(\d*)$")


def parse_grid_reference(text: str) -> Location:
    m = _GRIDREF.match(text.strip())
    if not m:
        raise LocationInvalid(f"{text!r} is not a grid reference")
    letters, a, b = m.group(1).upper(), m.group(2), m.group(3)
    digits = a + b
    if not b and len(a) % 2:
        raise LocationInvalid(f"{text!r}: a grid reference has an even number of figures")
    if b and len(a) != len(b):
        raise LocationInvalid(f"{text!r}: easting and northing need the same number of figures")
    if len(digits) not in (4, 6, 8, 10):
        raise LocationInvalid(f"{text!r}: use a 4, 6, 8 or 10-figure grid reference")
    if any(ch not in _LETTERS for ch in letters) or letters[0] not in "HJNOST":
        raise LocationInvalid(f"{text!r}: {letters} is not a square of the British National Grid")
    origin_e, origin_n = _square_origin(letters)
    if not (0 <= origin_e < GRID_MAX_EASTING and 0 <= origin_n < GRID_MAX_NORTHING):
        raise LocationInvalid(f"{text!r}: {letters} lies off the British National Grid")
    half = len(digits) // 2
    size = 10 ** (5 - half)  # the square the reference names, in metres
    easting = origin_e + int(digits[:half]) * size
    northing = origin_n + int(digits[half:]) * size
    # A reference names a square; its centre is the best single point, within half a diagonal.
    offset = size / 2 if size > 1 else 0  # a 10-figure reference is already to the metre
    centre_e, centre_n = easting + offset, northing + offset
    lat, lon = bng_to_latlon(centre_e, centre_n)
    return Location(
        kind="gridref",
        source="handler",
        text=text.strip(),
        latitude=lat,
        longitude=lon,
        easting=round(centre_e),
        northing=round(centre_n),
        grid_reference=f"{letters} {digits[:half]} {digits[half:]}",
        accuracy_m=round(size / math.sqrt(2), 1) if size > 1 else 1.0,
    )


def from_bng(easting: float, northing: float, *, text: str, source: str = "handler") -> Location:
    if not (0 <= easting < GRID_MAX_EASTING and 0 <= northing < GRID_MAX_NORTHING):
        raise LocationInvalid(
            f"{text!r}: easting {easting:g}, northing {northing:g} lies off the British National "
            f"Grid (0-{GRID_MAX_EASTING}, 0-{GRID_MAX_NORTHING})"
        )
    lat, lon = bng_to_latlon(easting, northing)
    e, n = round(easting), round(northing)
    return Location(
        kind="bng",
        source=source,
        text=text,
        latitude=lat,
        longitude=lon,
        easting=e,
        northing=n,
        grid_reference=grid_reference(e, n),
        accuracy_m=1.0,
    )


def from_latlon(
    latitude: float,
    longitude: float,
    *,
    text: str,
    source: str = "handler",
    kind: str = "latlon",
    accuracy_m: float | None = None,
    notes: tuple[str, ...] = (),
) -> Location:
    if not (math.isfinite(latitude) and -90 <= latitude <= 90):
        raise LocationInvalid(f"{text!r}: latitude {latitude:g} is not between -90 and 90")
    if not (math.isfinite(longitude) and -180 <= longitude <= 180):
        raise LocationInvalid(f"{text!r}: longitude {longitude:g} is not between -180 and 180")
    bng = latlon_to_bng(latitude, longitude)
    if bng is None:
        notes = (*notes, "outside the British National Grid")
    return Location(
        kind=kind,
        source=source,
        text=text,
        latitude=round(latitude, 6),
        longitude=round(longitude, 6),
        easting=bng[0] if bng else None,
        northing=bng[1] if bng else None,
        grid_reference=grid_reference(*bng) if bng else "",
        accuracy_m=accuracy_m,
        notes=notes,
    )


# --- what3words ---------------------------------------------------------------------------------

# Three words of letters (any script), separated by dots; an optional /// prefix.
_W3W = re.compile(r"^(?:///)?([^\W\d_]+)\.([^\W\d_]+)\.([^\W\d_]+)$")
_W3W_LIKE = re.compile(r"^///|^[^\W\d_]+\.[^\W\d_]+(\.|$)")


class What3WordsUnavailable(Exception):
    """The what3words service could not be reached or refused the request."""


def resolve_what3words(words: str) -> tuple[float, float] | None:
    """Coordinates of a what3words address through the v3 API; None when no key is configured.

    Raises LocationInvalid when the service says the address does not exist and
    What3WordsUnavailable when it cannot be asked (the location is then kept, unresolved).
    """
    key = getattr(settings, "WHAT3WORDS_API_KEY", "")
    if not key:
        return None
    base = getattr(settings, "WHAT3WORDS_API_URL", "https://api.what3words.com/v3").rstrip("/")
    query = urllib.parse.urlencode({"words": words, "key": key, "format": "json"})
    url = f"{base}/convert-to-coordinates?{query}"
    if not url.startswith(("http://", "https://")):
        raise What3WordsUnavailable("WHAT3WORDS_API_URL must be an http(s) URL")
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (scheme checked)
            body = json.loads(response.read())
    except urllib.error.HTTPError as e:
        try:
            body = json.loads(e.read())
        except ValueError:
            raise What3WordsUnavailable(f"what3words answered {e.code}") from e
        code = (body.get("error") or {}).get("code", "")
        if code in ("BadWords", "BadSquare"):
            raise LocationInvalid(f"///{words} is not a what3words address") from e
        raise What3WordsUnavailable(f"what3words answered {e.code} {code}") from e
    except (OSError, ValueError) as e:
        raise What3WordsUnavailable(f"what3words could not be reached: {e}") from e
    try:
        coordinates = body["coordinates"]
        return float(coordinates["lat"]), float(coordinates["lng"])
    except (KeyError, TypeError, ValueError) as e:
        raise What3WordsUnavailable("what3words gave no coordinates") from e


def parse_what3words(text: str) -> Location:
    m = _W3W.match(text.strip().lower())
    if not m:
        raise LocationInvalid(
            f"{text!r} is not a what3words address: use three words separated by dots, "
            "for example ///filled.count.soap"
        )
    words = ".".join(m.groups())
    try:
        position = resolve_what3words(words)
    except What3WordsUnavailable as e:
        return Location(
            kind="what3words",
            source="what3words",
            text=text.strip(),
            what3words=f"///{words}",
            resolved=False,
            notes=(f"unresolved: {e}",),
        )
    if position is None:
        return Location(
            kind="what3words",
            source="what3words",
            text=text.strip(),
            what3words=f"///{words}",
            resolved=False,
            notes=("unresolved: no what3words API key configured",),
        )
    located = from_latlon(*position, text=text.strip(), source="what3words", kind="what3words")
    return Location(
        **{
            **located.as_dict(),
            "what3words": f"///{words}",
            "accuracy_m": 2.1,
            "notes": tuple(located.notes),
        }
    )


# --- AML (Advanced Mobile Location) SMS, ETSI TS 103 625 --------------------------------------

AML_METHODS = {"G": "GNSS", "W": "Wi-Fi", "C": "cell", "N": "none"}


def parse_aml(text: str) -> Location:
    message = text.strip()
    if not message.startswith('A"ML='):
        raise LocationInvalid('not an AML message (it starts A"ML=)')
    fields = dict(part.split("=", 1) for part in message.split(";") if "=" in part)
    notes: list[str] = []
    if fields.get("pm") == "N" or fields.get("rd") == "N":
        raise LocationInvalid("the AML message carries no position (pm=N / rd=N)")
    try:
        lat, lon = float(fields["lt"]), float(fields["lg"])
    except (KeyError, ValueError) as e:
        raise LocationInvalid("the AML message has no readable lt/lg position") from e
    try:
        accuracy = float(fields["rd"])
    except (KeyError, ValueError):
        accuracy = None
        notes.append("no accuracy radius")
    ml = fields.get("ml", "")
    if ml.isdigit() and int(ml) != len(message):
        # Published examples get ml wrong: note it, never reject (DOMAIN.md section 9).
        notes.append(f"length field ml={ml} but the message has {len(message)} characters")
    method = AML_METHODS.get(fields.get("pm", ""), "unknown")
    notes.append(f"method {method}")
    if top := fields.get("top"):
        notes.append(f"positioned at {top} UTC")
    if lc := fields.get("lc"):
        notes.append(f"confidence {lc}%")
    return from_latlon(
        lat,
        lon,
        text=message,
        source="aml",
        kind="aml",
        accuracy_m=accuracy,
        notes=tuple(notes),
    )


# --- Free text and the dispatcher ---------------------------------------------------------------

_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_PAIR = re.compile(
    rf"^\s*(?:lat(?:itude)?\s*[:=]?\s*)?({_NUMBER})\s*°?\s*([NS])?\s*[,;/\s]\s*"
    rf"(?:lon(?:g(?:itude)?)?\s*[:=]?\s*)?({_NUMBER})\s*°?\s*([EW])?\s*$",
    re.IGNORECASE,
)
_EN = re.compile(rf"^\s*E\s*[:=]?\s*({_NUMBER})\s*[,;\s]\s*N\s*[:=]?\s*({_NUMBER})\s*$", re.I)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_STREET_WORDS = re.compile(
    r"\b(road|rd|street|st|lane|ln|avenue|ave|close|drive|way|court|crescent|place|square|"
    r"terrace|hill|grove|gardens|park|green|row|walk|parade|bridge|station|car park|junction|"
    r"roundabout|a\d+|m\d+|b\d{3,4})\b",
    re.IGNORECASE,
)


def parse_address(text: str, *, source: str = "handler") -> Location:
    """A free-text address or description: kept as given, with no position (not geocoded)."""
    cleaned = " ".join(text.split())
    if len(cleaned) < 3 or not re.search(r"[^\W\d_]{2,}", cleaned):
        raise LocationInvalid(f"{text!r} is not a location")
    return Location(
        kind="address",
        source=source,
        text=cleaned,
        resolved=False,
        notes=("free text: no position until a map point or grid reference is given",),
    )


def _looks_like_address(text: str) -> bool:
    return bool(
        _POSTCODE.search(text)
        or _STREET_WORDS.search(text)
        or "," in text
        or re.match(r"^\d+[a-z]?\s+[^\W\d_]{2,}", text.strip(), re.IGNORECASE)
    )


def parse(text: str, *, kind: str = "", source: str = "") -> Location:
    """Recognise and normalise `text`; LocationInvalid says what is wrong with it.

    `kind` forces a format (latlon, bng, gridref, what3words, aml, address); otherwise it is
    recognised from the text. `source` overrides the recorded source.
    """
    raw = text.strip()
    if not raw:
        raise LocationInvalid("no location given")
    location = _parse(raw, kind)
    if source:
        location = Location(
            **{**location.as_dict(), "source": source, "notes": tuple(location.notes)}
        )
    return location


def _parse(raw: str, kind: str) -> Location:
    if kind == "address":
        return parse_address(raw)
    if kind == "aml" or raw.startswith('A"ML='):
        return parse_aml(raw)
    if kind == "what3words" or (_W3W_LIKE.match(raw) and not _PAIR.match(raw)):
        return parse_what3words(raw)
    if kind == "gridref" or re.match(r"^[A-Za-z]{2}\s*\d", raw):
        return parse_grid_reference(raw)
    if m := _EN.match(raw):
        return from_bng(float(m.group(1)), float(m.group(2)), text=raw)
    if m := _PAIR.match(raw):
        a, b = float(m.group(1)), float(m.group(3))
        has_decimals = "." in m.group(1) or "." in m.group(3)
        if kind == "bng" or (not kind and not has_decimals and (abs(a) > 180 or abs(b) > 180)):
            return from_bng(a, b, text=raw)
        if m.group(2) and m.group(2).upper() == "S":
            a = -a
        if m.group(4) and m.group(4).upper() == "W":
            b = -b
        return from_latlon(a, b, text=raw)
    if kind in ("latlon", "bng", "gridref"):
        raise LocationInvalid(f"{raw!r} is not a {kind} location")
    if _looks_like_address(raw):
        return parse_address(raw)
    raise LocationInvalid(
        f"{raw!r} is not a recognisable location: give latitude, longitude; a grid reference "
        "(TL 45000 58000); easting, northing; a what3words address (///word.word.word); "
        "or an address with a street, place or postcode"
    )


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine; ample for a county)."""
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


def point_in_boundary(latitude: float, longitude: float, boundary: dict[str, Any]) -> bool:
    """Whether the point lies in a GeoJSON Polygon or MultiPolygon ([lon, lat] coordinates).

    Ray casting over each ring: inside the outer ring and outside every hole.
    """
    kind = boundary.get("type")
    if kind == "Polygon":
        polygons = [boundary.get("coordinates") or []]
    elif kind == "MultiPolygon":
        polygons = boundary.get("coordinates") or []
    else:
        return False
    return any(_in_polygon(longitude, latitude, rings) for rings in polygons if rings)


def _in_ring(x: float, y: float, ring: list[list[float]]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def _in_polygon(x: float, y: float, rings: list[list[list[float]]]) -> bool:
    return _in_ring(x, y, rings[0]) and not any(_in_ring(x, y, hole) for hole in rings[1:])
