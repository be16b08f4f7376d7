"""How fast each kind of unit travels, and how much longer roads are than a straight line.

Force policy, set from experience of blue-light runs (illustrative figures for the demo force;
change them here, beside the reason). Used when no road routing engine is configured, and for
the units a routing engine could not route.
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
