"""Which unit capabilities an incident needs, from its classification and its warnings.

Data, not code: add a row when a new classification or warning needs a specialist. Codes are
matched without regard to case. A requirement is a must-have: a unit without every required
capability is not offered at all, so list here only what the crew truly cannot do without.
"""

from collections.abc import Iterable

# Classification code -> capabilities every unit sent must have.
FOR_CLASSIFICATION: dict[str, frozenset[str]] = {
    "firearms": frozenset({"firearms"}),
    "firearms_incident": frozenset({"firearms"}),
    "armed_robbery": frozenset({"firearms"}),
    "shots_fired": frozenset({"firearms"}),
    "dangerous_dog": frozenset({"police_dog"}),
    "public_disorder": frozenset({"public_order"}),
    "riot": frozenset({"public_order"}),
    "serious_collision": frozenset({"collision_investigation"}),
    "fatal_collision": frozenset({"collision_investigation"}),
    "pursuit": frozenset({"pursuit"}),
}

# Warning code (incidents.queries.warnings_for) -> capabilities every unit sent must have.
FOR_WARNING: dict[str, frozenset[str]] = {
    "firearms": frozenset({"firearms"}),
    "firearm": frozenset({"firearms"}),
    "gun": frozenset({"firearms"}),
    "dangerous_dog": frozenset({"police_dog"}),
    "dogs_on_premises": frozenset({"police_dog"}),
}


def required_capabilities(classification: str, warnings: Iterable[str]) -> frozenset[str]:
    needed = set(FOR_CLASSIFICATION.get(classification.strip().lower(), frozenset()))
    for code in warnings:
        needed |= FOR_WARNING.get(code.strip().lower(), frozenset())
    return frozenset(needed)
