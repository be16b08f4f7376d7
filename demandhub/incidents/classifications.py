"""Opening and closing classifications and closing codes, modelled on the National Standard for
Incident Recording (NSIR 2011, ../shared/DOMAIN.md section 5).

The list is data: a force replaces it by pointing INCIDENT_CLASSIFICATIONS_FILE at a JSON file of
the same shape ({"classifications": [...], "closing_codes": [...]}). Tags feed the grading rules
(grading.DEFAULT_RULES) and duplicate detection (`family`: classifications in one family may
describe the same event, for example a fight and an assault).
"""

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class Classification:
    code: str
    label: str
    category: str  # NSIR category: Crime, Anti-Social Behaviour, Public Safety and Welfare, ...
    family: str  # duplicate detection: same family = compatible
    tags: frozenset[str] = field(default_factory=frozenset)

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "label": self.label,
            "category": self.category,
            "family": self.family,
            "tags": sorted(self.tags),
        }


@dataclass(frozen=True)
class ClosingCode:
    code: str
    label: str


def _c(code: str, label: str, category: str, family: str, *tags: str) -> Classification:
    return Classification(code, label, category, family, frozenset(tags))


# Tags used by the default rules: violence, weapons, in_progress_likely, threat_to_life_likely,
# vulnerable_likely, resolvable (may be resolved without deployment when the risk is low),
# priority (at least Grade 2 by force policy).
DEFAULT_CLASSIFICATIONS: tuple[Classification, ...] = (
    _c("CRIME-VIOLENCE", "Crime: violence against the person", "Crime", "violence", "violence"),
    _c("CRIME-ROBBERY", "Crime: robbery", "Crime", "violence", "violence", "in_progress_likely"),
    _c("CRIME-SEXUAL", "Crime: sexual offence", "Crime", "sexual", "vulnerable_likely"),
    _c("CRIME-BURGLARY-DWELLING", "Crime: burglary (dwelling)", "Crime", "burglary"),
    _c("CRIME-BURGLARY-OTHER", "Crime: burglary (other)", "Crime", "burglary", "resolvable"),
    _c("CRIME-VEHICLE", "Crime: vehicle crime", "Crime", "vehicle_crime", "resolvable"),
    _c("CRIME-THEFT", "Crime: theft", "Crime", "theft", "resolvable"),
    _c("CRIME-DAMAGE", "Crime: criminal damage", "Crime", "damage", "resolvable"),
    _c("CRIME-FRAUD", "Crime: fraud", "Crime", "fraud", "resolvable"),
    _c("CRIME-WEAPONS", "Crime: weapons", "Crime", "violence", "weapons", "violence"),
    _c("CRIME-DRUGS", "Crime: drugs", "Crime", "drugs", "resolvable"),
    _c("CRIME-PUBLIC-ORDER", "Crime: public order", "Crime", "disorder", "violence"),
    _c("ASB-PERSONAL", "Anti-social behaviour: personal", "Anti-Social Behaviour", "asb"),
    _c(
        "ASB-NUISANCE",
        "Anti-social behaviour: nuisance",
        "Anti-Social Behaviour",
        "asb",
        "resolvable",
    ),
    _c(
        "ASB-ENVIRONMENTAL",
        "Anti-social behaviour: environmental",
        "Anti-Social Behaviour",
        "asb",
        "resolvable",
    ),
    _c(
        "PSW-CONCERN",
        "Public safety: concern for safety",
        "Public Safety and Welfare",
        "welfare",
        "vulnerable_likely",
        "priority",
    ),
    _c(
        "PSW-MISSING",
        "Public safety: missing person",
        "Public Safety and Welfare",
        "missing",
        "vulnerable_likely",
        "priority",
    ),
    _c(
        "PSW-DOMESTIC",
        "Public safety: domestic incident",
        "Public Safety and Welfare",
        "domestic",
        "vulnerable_likely",
        "priority",
    ),
    _c(
        "PSW-MENTAL-HEALTH",
        "Public safety: mental health",
        "Public Safety and Welfare",
        "welfare",
        "vulnerable_likely",
    ),
    _c(
        "PSW-SUSPICIOUS",
        "Public safety: suspicious circumstances",
        "Public Safety and Welfare",
        "suspicious",
        "resolvable",
    ),
    _c("PSW-ALARM", "Public safety: intruder alarm", "Public Safety and Welfare", "burglary"),
    _c("PSW-SUDDEN-DEATH", "Public safety: sudden death", "Public Safety and Welfare", "death"),
    _c("PSW-ANIMAL", "Public safety: animals", "Public Safety and Welfare", "animal", "resolvable"),
    _c(
        "TRANSPORT-RTC-INJURY",
        "Transport: road traffic collision (injury)",
        "Transport",
        "rtc",
        "threat_to_life_likely",
    ),
    _c(
        "TRANSPORT-RTC-DAMAGE",
        "Transport: road traffic collision (damage only)",
        "Transport",
        "rtc",
        "resolvable",
    ),
    _c("TRANSPORT-HAZARD", "Transport: highway disruption", "Transport", "hazard"),
    _c(
        "ADMIN-LOST-FOUND",
        "Administration: lost or found property",
        "Administration",
        "admin",
        "resolvable",
    ),
    _c(
        "ADMIN-INFORMATION",
        "Administration: message or information",
        "Administration",
        "admin",
        "resolvable",
    ),
    _c(
        "ADMIN-OTHER-AGENCY",
        "Administration: other agency matter",
        "Administration",
        "admin",
        "resolvable",
    ),
)

DEFAULT_CLOSING_CODES: tuple[ClosingCode, ...] = (
    ClosingCode("crime-recorded", "Crime recorded"),
    ClosingCode("no-crime", "No crime: incident only"),
    ClosingCode("advice-given", "Advice given"),
    ClosingCode("resolved-by-phone", "Resolved without deployment"),
    ClosingCode("arrest", "Arrest made"),
    ClosingCode("no-trace", "Attended: no trace"),
    ClosingCode("duplicate", "Duplicate of another incident"),
    ClosingCode("other-agency", "Passed to another agency"),
    ClosingCode("hoax", "Malicious or hoax call"),
    ClosingCode("cancelled", "Cancelled by the caller: no police action"),
)


@dataclass(frozen=True)
class Catalogue:
    classifications: tuple[Classification, ...]
    closing_codes: tuple[ClosingCode, ...]

    def get(self, code: str) -> Classification | None:
        return next((c for c in self.classifications if c.code == code), None)

    def closing_code(self, code: str) -> ClosingCode | None:
        return next((c for c in self.closing_codes if c.code == code), None)

    def choices(self) -> list[tuple[str, str]]:
        return [(c.code, c.label) for c in self.classifications]

    def closing_choices(self) -> list[tuple[str, str]]:
        return [(c.code, c.label) for c in self.closing_codes]


def load(path: Path) -> Catalogue:
    """A force's own list from a JSON file; raises ValueError with the problem when malformed."""
    try:
        raw = json.loads(path.read_text())
        classifications = tuple(
            Classification(
                str(c["code"]),
                str(c["label"]),
                str(c.get("category", "")),
                str(c.get("family", c["code"])),
                frozenset(c.get("tags", ())),
            )
            for c in raw["classifications"]
        )
        closing = tuple(ClosingCode(str(c["code"]), str(c["label"])) for c in raw["closing_codes"])
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ValueError(f"{path}: not a classification list ({e})") from e
    if len({c.code for c in classifications}) != len(classifications):
        raise ValueError(f"{path}: classification codes must be unique")
    return Catalogue(classifications, closing)


@cache
def _catalogue(path: str) -> Catalogue:
    if path:
        return load(Path(path))
    return Catalogue(DEFAULT_CLASSIFICATIONS, DEFAULT_CLOSING_CODES)


def catalogue() -> Catalogue:
    return _catalogue(getattr(settings, "INCIDENT_CLASSIFICATIONS_FILE", "") or "")
