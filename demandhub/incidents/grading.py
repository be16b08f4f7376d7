"""THRIVE+ assessment, the rules that propose a grade from it, and attendance targets.

Pure: no database access. Policy lives in the tables below (DEFAULT_RULES, ATTENDANCE_TARGETS,
DEFAULT_PLUS_CHECKLIST); a force overrides them with the settings INCIDENT_GRADING_RULES,
INCIDENT_ATTENDANCE_TARGETS and INCIDENT_PLUS_CHECKLIST (../shared/DOMAIN.md sections 2 and 3).
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from typing import Any

from django.conf import settings


class Level(StrEnum):
    NONE = "none"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return list(Level).index(self)

    @property
    def label(self) -> str:
        return self.value.capitalize()


class Grade(IntEnum):
    EMERGENCY = 1
    PRIORITY = 2
    SCHEDULED = 3
    RESOLUTION = 4

    @property
    def label(self) -> str:
        return GRADE_NAMES[self]

    @property
    def deploys(self) -> bool:
        """Whether the grade sends officers (Grade 4 is resolved without deployment)."""
        return self is not Grade.RESOLUTION


GRADE_NAMES = {
    Grade.EMERGENCY: "Grade 1: emergency",
    Grade.PRIORITY: "Grade 2: priority",
    Grade.SCHEDULED: "Grade 3: scheduled appointment",
    Grade.RESOLUTION: "Grade 4: resolution without deployment",
}
GRADE_CHOICES = [(int(g), g.label) for g in Grade]

# The six THRIVE elements, in the order the handler meets them.
ELEMENTS: dict[str, str] = {
    "threat": "Threat",
    "harm": "Harm",
    "risk": "Risk",
    "investigation": "Investigative opportunity",
    "vulnerability": "Vulnerability",
    "engagement": "Engagement",
}

# Facts from first contact that the rules act on; the handler ticks what applies.
CIRCUMSTANCES: dict[str, str] = {
    "threat_to_life": "Threat to life",
    "crime_in_progress": "Crime in progress",
    "offender_at_scene": "Offender at or near the scene",
    "serious_injury": "Serious injury",
    "weapon_seen": "Weapon seen or threatened",
    "offender_detained": "Offender detained",
    "evidence_at_risk": "Evidence likely to be lost",
    "person_in_distress": "Person in distress or vulnerable",
}

# The force's "+" (West Midlands Police THRIVE policy; varies by force).
DEFAULT_PLUS_CHECKLIST: dict[str, str] = {
    "prevention_advice": "Prevention and crime-reduction advice given",
    "scene_preservation": "Scene and evidence preservation advice given",
    "repeat_victim_check": "Repeat-victim and repeat-location check made",
    "safeguarding_considered": "Safeguarding referral considered",
}


def plus_checklist() -> dict[str, str]:
    return dict(getattr(settings, "INCIDENT_PLUS_CHECKLIST", None) or DEFAULT_PLUS_CHECKLIST)


class AssessmentInvalid(ValueError):
    """The assessment is incomplete or names things that do not exist."""


@dataclass(frozen=True)
class Element:
    level: Level
    rationale: str


@dataclass(frozen=True)
class Assessment:
    elements: Mapping[str, Element]
    circumstances: frozenset[str] = frozenset()
    plus: Mapping[str, bool] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Assessment":
        """Build from the stored / posted shape; AssessmentInvalid names every problem."""
        problems: list[str] = []
        raw = data.get("elements") or {}
        elements: dict[str, Element] = {}
        for key, name in ELEMENTS.items():
            item = raw.get(key) or {}
            try:
                level = Level(str(item.get("level", "")))
            except ValueError:
                problems.append(f"{name}: choose a level (none, low, medium or high)")
                continue
            rationale = str(item.get("rationale", "")).strip()
            if not rationale:
                problems.append(f"{name}: give a short rationale")
            elements[key] = Element(level, rationale)
        circumstances = frozenset(data.get("circumstances") or ())
        if unknown := circumstances - set(CIRCUMSTANCES):
            problems.append(f"unknown circumstances: {', '.join(sorted(unknown))}")
        plus_items = plus_checklist()
        plus = {k: bool(v) for k, v in (data.get("plus") or {}).items()}
        if unknown := set(plus) - set(plus_items):
            problems.append(f"unknown checklist items: {', '.join(sorted(unknown))}")
        if problems:
            raise AssessmentInvalid("; ".join(problems))
        return cls(elements, circumstances, {k: plus.get(k, False) for k in plus_items})

    def as_dict(self) -> dict[str, Any]:
        return {
            "elements": {
                k: {"level": e.level.value, "rationale": e.rationale}
                for k, e in self.elements.items()
            },
            "circumstances": sorted(self.circumstances),
            "plus": dict(self.plus),
        }

    def level(self, element: str) -> Level:
        return self.elements[element].level


# --- Grading rules -----------------------------------------------------------------------------
#
# A rule proposes `grade` when every condition in `when` holds. Conditions:
#   "<element> >= <level>" (also <=, ==), e.g. "threat >= high"
#   "circumstance:<name>"      a ticked circumstance
#   "tag:<tag>"                a tag of the opening classification (classifications.py)
#   "classification:<code>"    the opening classification itself
#   "no-circumstances"         nothing ticked
# The most urgent matching grade wins; every matching rule at that grade is given as a reason.
# With no match the fallback grade applies.

_ELEMENT_CONDITION = re.compile(r"^\s*(\w+)\s*(>=|<=|==)\s*(\w+)\s*$")


@dataclass(frozen=True)
class Rule:
    grade: Grade
    reason: str
    when: tuple[str, ...]

    def __post_init__(self) -> None:
        for condition in self.when:
            _check_condition(condition)


def _check_condition(condition: str) -> None:
    if condition == "no-circumstances":
        return
    if m := _ELEMENT_CONDITION.match(condition):
        if m.group(1) not in ELEMENTS or m.group(3) not in {lv.value for lv in Level}:
            raise ValueError(f"grading rule condition {condition!r}: unknown element or level")
        return
    kind, _, value = condition.partition(":")
    if kind == "circumstance" and value in CIRCUMSTANCES:
        return
    if kind in ("tag", "classification") and value:
        return
    raise ValueError(f"grading rule condition {condition!r} is not understood")


def _holds(condition: str, assessment: Assessment, code: str, tags: frozenset[str]) -> bool:
    if condition == "no-circumstances":
        return not assessment.circumstances
    if m := _ELEMENT_CONDITION.match(condition):
        actual, wanted = assessment.level(m.group(1)).rank, Level(m.group(3)).rank
        return {">=": actual >= wanted, "<=": actual <= wanted, "==": actual == wanted}[m.group(2)]
    kind, _, value = condition.partition(":")
    if kind == "circumstance":
        return value in assessment.circumstances
    if kind == "tag":
        return value in tags
    return value == code  # classification:<code>


DEFAULT_RULES: tuple[Rule, ...] = (
    Rule(Grade.EMERGENCY, "Threat to life", ("circumstance:threat_to_life",)),
    Rule(Grade.EMERGENCY, "Crime in progress", ("circumstance:crime_in_progress",)),
    Rule(Grade.EMERGENCY, "Serious injury", ("circumstance:serious_injury",)),
    Rule(Grade.EMERGENCY, "Weapon seen or threatened", ("circumstance:weapon_seen",)),
    Rule(
        Grade.EMERGENCY,
        "Offender at the scene of a violent incident",
        ("circumstance:offender_at_scene", "tag:violence"),
    ),
    Rule(Grade.EMERGENCY, "High threat and high risk of harm", ("threat >= high", "risk >= high")),
    Rule(Grade.EMERGENCY, "High risk of serious harm", ("harm >= high", "risk >= high")),
    Rule(Grade.PRIORITY, "Vulnerable person at risk", ("vulnerability >= high",)),
    Rule(Grade.PRIORITY, "Offender detained", ("circumstance:offender_detained",)),
    Rule(Grade.PRIORITY, "Evidence likely to be lost", ("circumstance:evidence_at_risk",)),
    Rule(Grade.PRIORITY, "Person in distress", ("circumstance:person_in_distress",)),
    Rule(Grade.PRIORITY, "Offender at or near the scene", ("circumstance:offender_at_scene",)),
    Rule(Grade.PRIORITY, "Significant threat or risk", ("threat >= medium", "risk >= medium")),
    Rule(Grade.PRIORITY, "Priority classification by force policy", ("tag:priority",)),
    Rule(
        Grade.RESOLUTION,
        "Low threat, harm, risk and vulnerability; can be resolved without deployment",
        (
            "no-circumstances",
            "threat <= low",
            "harm <= low",
            "risk <= low",
            "vulnerability <= low",
            "tag:resolvable",
        ),
    ),
)
FALLBACK = Rule(Grade.SCHEDULED, "No urgency: attendance can be booked as an appointment", ())


def rules_from_config(raw: Iterable[Mapping[str, Any]]) -> tuple[Rule, ...]:
    """Rules from settings ({"grade": 1, "reason": "...", "when": [...]}); ValueError if bad."""
    return tuple(
        Rule(Grade(int(r["grade"])), str(r["reason"]), tuple(r.get("when", ()))) for r in raw
    )


def configured_rules() -> tuple[Rule, ...]:
    raw = getattr(settings, "INCIDENT_GRADING_RULES", None)
    return rules_from_config(raw) if raw else DEFAULT_RULES


@dataclass(frozen=True)
class Proposal:
    grade: Grade
    reasons: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"grade": int(self.grade), "reasons": list(self.reasons)}


def propose(
    assessment: Assessment,
    *,
    classification_code: str = "",
    tags: Iterable[str] = (),
    rules: Iterable[Rule] | None = None,
) -> Proposal:
    """The grade the rules propose for this assessment and classification, and why."""
    tag_set = frozenset(tags)
    matched = [
        r
        for r in (configured_rules() if rules is None else rules)
        if all(_holds(c, assessment, classification_code, tag_set) for c in r.when)
    ]
    deploying = [r for r in matched if r.grade.deploys]
    if deploying:
        grade = min(r.grade for r in deploying)
        return Proposal(grade, tuple(r.reason for r in deploying if r.grade == grade))
    if matched:  # only resolution-without-deployment rules matched
        return Proposal(Grade.RESOLUTION, tuple(r.reason for r in matched))
    return Proposal(FALLBACK.grade, (FALLBACK.reason,))


# --- Attendance targets ------------------------------------------------------------------------
# Per force code ("default" for any force not listed), per grade, per area type
# (forces.PolicingArea.AreaType); None = no attendance target (Grade 4 is resolved without
# deployment). National standard for Grade 1: 15 minutes urban, 20 rural; Grade 2 within the
# hour; Grade 3 an appointment within 48 h.

ATTENDANCE_TARGETS: dict[str, dict[int, dict[str, timedelta | None]]] = {
    "default": {
        1: {"urban": timedelta(minutes=15), "rural": timedelta(minutes=20)},
        2: {"urban": timedelta(minutes=60), "rural": timedelta(minutes=60)},
        3: {"urban": timedelta(hours=48), "rural": timedelta(hours=48)},
        4: {"urban": None, "rural": None},
    },
}

# An incident whose location lies in no known policing area is held to the stricter target.
UNKNOWN_AREA_TYPE = "urban"


def _targets() -> dict[str, dict[int, dict[str, timedelta | None]]]:
    """The table, with a force's overrides from INCIDENT_ATTENDANCE_TARGETS (minutes or None)."""
    configured = getattr(settings, "INCIDENT_ATTENDANCE_TARGETS", None) or {}
    table = {force: dict(grades) for force, grades in ATTENDANCE_TARGETS.items()}
    for force, grades in configured.items():
        table[force] = {
            int(g): {
                area: (timedelta(minutes=m) if m is not None else None)
                for area, m in by_area.items()
            }
            for g, by_area in grades.items()
        }
    return table


def attendance_target(grade: int, area_type: str, *, force_code: str = "") -> timedelta | None:
    table = _targets()
    by_grade = table.get(force_code) or table["default"]
    by_area = by_grade.get(int(grade), {})
    return by_area.get(area_type or UNKNOWN_AREA_TYPE, by_area.get(UNKNOWN_AREA_TYPE))


def attendance_deadline(
    grade: int, area_type: str, *, clock_start: datetime, force_code: str = ""
) -> datetime | None:
    target = attendance_target(grade, area_type, force_code=force_code)
    return clock_start + target if target is not None else None


def format_time_left(deadline: datetime | None, now: datetime) -> str:
    """'12 min left', '3 min overdue', '1 h 05 min left'; '' without a deadline."""
    if deadline is None:
        return ""
    seconds = int((deadline - now).total_seconds())
    minutes = abs(seconds) // 60
    text = f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"
    return f"{text} left" if seconds >= 0 else f"{text} overdue"
