"""Which unit capabilities an incident needs, from its classification and its warnings.

Data, not code: add a row when a new classification or warning needs a specialist. Codes are
matched without regard to case. A requirement is a must-have: a unit without every required
capability is not offered at all, so list here only what the crew truly cannot do without.
"""

from collections.abc import Iterable

# Classification code (incidents.classifications) -> capabilities every unit sent must have.
FOR_CLASSIFICATION: dict[str, frozenset[str]] = {
    "CRIME-FIREARMS": frozenset({"firearms"}),
    "FIREARMS": frozenset({"firearms"}),
    "PSW-DANGEROUS-DOG": frozenset({"police_dog"}),
    "CRIME-PUBLIC-DISORDER-SERIOUS": frozenset({"public_order"}),
    "TRANSPORT-RTC-FATAL": frozenset({"collision_investigation"}),
}

# Warning marker code (incidents.models.WarningMarker.Code, as incidents.queries.warnings_for
# returns them) -> capabilities every unit sent must have. A firearms certificate holder at the
# address means guns within reach: armed officers go.
FOR_WARNING: dict[str, frozenset[str]] = {
    "FIREARMS_CERTIFICATE": frozenset({"firearms"}),
    "FIREARMS": frozenset({"firearms"}),
    "DANGEROUS_DOG": frozenset({"police_dog"}),
}


def required_capabilities(classification: str, warnings: Iterable[str]) -> frozenset[str]:
    needed = set(FOR_CLASSIFICATION.get(classification.strip().upper(), frozenset()))
    for code in warnings:
        needed |= FOR_WARNING.get(code.strip().upper(), frozenset())
    return frozenset(needed)
