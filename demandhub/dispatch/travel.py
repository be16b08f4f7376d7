"""How fast each kind of unit travels, how much longer roads are than a straight line, and how
long a crew takes to get moving (turn-out).

Force policy, set from experience of blue-light runs (illustrative figures for the demo force;
change them here, beside the reason). Speeds and detours are used when no road routing engine
is configured, and for the units a routing engine could not route; turn-out is added to every
ETA, by road or estimated.
"""

# Average speed under blue lights, km/h, by unit kind and the incident's area type.
SPEED_KMH: dict[str, dict[str, float]] = {
    "response_car": {"urban": 40, "rural": 65},
    "armed_response": {"urban": 45, "rural": 75},
    "dog_unit": {"urban": 40, "rural": 65},
    "roads_policing": {"urban": 50, "rural": 85},
    "neighbourhood": {"urban": 25, "rural": 45},
    "public_order": {"urban": 35, "rural": 55},
    "cid": {"urban": 30, "rural": 55},
}
DEFAULT_SPEED_KMH = {"urban": 35, "rural": 55}

# Road distance over great-circle distance: towns wind more than the countryside.
DETOUR_FACTOR: dict[str, float] = {"urban": 1.4, "rural": 1.25}


def speed_kmh(kind: str, area_type: str) -> float:
    return SPEED_KMH.get(kind, DEFAULT_SPEED_KMH).get(area_type, DEFAULT_SPEED_KMH["urban"])


# Turn-out: seconds from being sent to moving, added to every ETA. Keyed by where the unit is
# and what it is doing, among the units the recommender offers (available ones, and committed
# ones a Grade 1 may divert). Override in DISPATCH_TURNOUT_SECONDS (JSON), a key at a time;
# "kind:key" (e.g. "armed_response:at_station") applies to one kind of unit only.
TURNOUT_SECONDS: dict[str, float] = {
    "mobile": 0,  # available and away from its station (on patrol): the crew is in the vehicle
    "at_station": 120,  # available or assigned at its home station: to the vehicle, out of the yard
    "assigned": 0,  # assigned away from its station: already told to go, in the vehicle
    "en_route": 0,  # a diversion on the move: it only turns round
    "at_scene": 60,  # a diversion from a scene: the crew walks back to the vehicle
}
# Statuses in which a unit at its home station is still there (not yet moving).
STATIONARY = frozenset({"available", "assigned"})


def turnout_key(status: str, at_station: bool) -> str:
    if at_station and status in STATIONARY:
        return "at_station"
    return "mobile" if status == "available" else status


def turnout_table(overrides: dict[str, object] | None = None) -> dict[str, float]:
    """The defaults with `overrides` applied; ValueError naming a bad key or value."""
    table = dict(TURNOUT_SECONDS)
    for key, value in (overrides or {}).items():
        kind, _, name = key.rpartition(":")
        if name not in TURNOUT_SECONDS or (kind and kind not in SPEED_KMH):
            known = ", ".join(TURNOUT_SECONDS)
            raise ValueError(f"unknown key {key!r}: use one of {known}, optionally as KIND:KEY")
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 3600:
            raise ValueError(f"{key!r} must be a number of seconds from 0 to 3600, not {value!r}")
        table[key] = float(value)
    return table


def turnout_seconds(table: dict[str, float], kind: str, status: str, at_station: bool) -> float:
    """A unit's turn-out from `table` (turnout_table): its kind's own entry first."""
    key = turnout_key(status, at_station)
    found = table.get(f"{kind}:{key}")
    return found if found is not None else table.get(key, 0.0)
