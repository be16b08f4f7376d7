"""The grading rules as a table of cases, attendance targets and the assessment's validation."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings

from demandhub.incidents import grading
from demandhub.incidents.classifications import catalogue
from demandhub.incidents.grading import Grade

from .factories import thrive


def propose(assessment: grading.Assessment, code: str = "") -> grading.Proposal:
    c = catalogue().get(code)
    return grading.propose(assessment, classification_code=code, tags=c.tags if c else ())


CASES = [
    # (assessment, classification, proposed grade, a reason it must give)
    (thrive(circumstances=("threat_to_life",)), "PSW-CONCERN", 1, "Threat to life"),
    (
        thrive(circumstances=("crime_in_progress",)),
        "CRIME-BURGLARY-DWELLING",
        1,
        "Crime in progress",
    ),
    (thrive(circumstances=("serious_injury",)), "TRANSPORT-RTC-INJURY", 1, "Serious injury"),
    (thrive(circumstances=("weapon_seen",)), "CRIME-WEAPONS", 1, "Weapon seen or threatened"),
    (
        thrive(circumstances=("offender_at_scene",)),
        "CRIME-VIOLENCE",
        1,
        "Offender at the scene of a violent incident",
    ),
    (
        thrive(circumstances=("offender_at_scene",)),
        "CRIME-THEFT",
        2,
        "Offender at or near the scene",
    ),
    (thrive(threat="high", risk="high"), "ASB-PERSONAL", 1, "High threat and high risk of harm"),
    (thrive(harm="high", risk="high"), "ASB-PERSONAL", 1, "High risk of serious harm"),
    (thrive(vulnerability="high"), "CRIME-THEFT", 2, "Vulnerable person at risk"),
    (thrive(circumstances=("offender_detained",)), "CRIME-THEFT", 2, "Offender detained"),
    (thrive(circumstances=("evidence_at_risk",)), "CRIME-DAMAGE", 2, "Evidence likely to be lost"),
    (thrive(threat="medium", risk="medium"), "ASB-PERSONAL", 2, "Significant threat or risk"),
    (thrive(), "PSW-MISSING", 2, "Priority classification by force policy"),
    (thrive(), "CRIME-THEFT", 4, "can be resolved without deployment"),
    (thrive("none"), "ADMIN-LOST-FOUND", 4, "can be resolved without deployment"),
    (thrive(), "CRIME-BURGLARY-DWELLING", 3, "No urgency"),  # not resolvable by policy
    (thrive(harm="medium"), "CRIME-THEFT", 3, "No urgency"),  # too much harm for grade 4
    (thrive(), "", 3, "No urgency"),  # unclassified: never grade 4 by default
    # The most urgent rule wins when several match.
    (
        thrive(vulnerability="high", circumstances=("threat_to_life",)),
        "PSW-DOMESTIC",
        1,
        "Threat to life",
    ),
]


@pytest.mark.parametrize(("assessment", "code", "grade", "reason"), CASES)
def test_the_rules_propose_a_grade_and_say_why(assessment, code, grade, reason):
    proposal = propose(assessment, code)

    assert proposal.grade == grade
    assert any(reason in r for r in proposal.reasons), proposal.reasons


def test_every_matching_rule_at_the_proposed_grade_is_given_as_a_reason():
    proposal = propose(
        thrive(circumstances=("threat_to_life", "crime_in_progress")), "CRIME-ROBBERY"
    )

    assert proposal.grade == Grade.EMERGENCY
    assert {"Threat to life", "Crime in progress"} <= set(proposal.reasons)


def test_a_force_configures_its_own_rules():
    rules = grading.rules_from_config(
        [{"grade": 2, "reason": "Any dog incident", "when": ["classification:PSW-ANIMAL"]}]
    )

    proposal = grading.propose(thrive(), classification_code="PSW-ANIMAL", rules=rules)

    assert (proposal.grade, proposal.reasons) == (Grade.PRIORITY, ("Any dog incident",))


@pytest.mark.parametrize("condition", ["threat >= enormous", "mood:bad", "circumstance:nope"])
def test_rules_with_conditions_nobody_understands_are_refused_at_load(condition):
    with pytest.raises(ValueError, match="condition"):
        grading.rules_from_config([{"grade": 1, "reason": "x", "when": [condition]}])


def test_an_assessment_needs_a_level_and_a_rationale_for_every_element():
    with pytest.raises(grading.AssessmentInvalid) as e:
        grading.Assessment.from_dict(
            {"elements": {"threat": {"level": "high", "rationale": ""}}, "circumstances": ["x"]}
        )

    message = str(e.value)
    assert "Threat: give a short rationale" in message
    assert "Harm: choose a level" in message
    assert "unknown circumstances: x" in message


def test_an_assessment_round_trips_through_its_stored_shape():
    original = thrive(threat="high", circumstances=("crime_in_progress",))

    assert grading.Assessment.from_dict(original.as_dict()) == original


@pytest.mark.parametrize(
    ("grade", "area_type", "minutes"),
    [(1, "urban", 15), (1, "rural", 20), (2, "urban", 60), (2, "rural", 60), (3, "urban", 2880)],
)
def test_attendance_targets_follow_grade_and_area_type(grade, area_type, minutes):
    assert grading.attendance_target(grade, area_type) == timedelta(minutes=minutes)


def test_grade_4_has_no_attendance_deadline():
    start = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

    assert grading.attendance_deadline(4, "urban", clock_start=start) is None


@override_settings(INCIDENT_ATTENDANCE_TARGETS={"CC": {1: {"urban": 10, "rural": 25}}})
def test_a_force_sets_its_own_targets():
    assert grading.attendance_target(1, "rural", force_code="CC") == timedelta(minutes=25)
    assert grading.attendance_target(1, "rural", force_code="XX") == timedelta(minutes=20)


def test_an_unknown_area_is_held_to_the_urban_target():
    assert grading.attendance_target(1, "") == timedelta(minutes=15)


def test_time_left_reads_naturally():
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)

    assert grading.format_time_left(now + timedelta(minutes=12, seconds=30), now) == "12 min left"
    assert grading.format_time_left(now - timedelta(minutes=3, seconds=5), now) == "3 min overdue"
    assert grading.format_time_left(now + timedelta(minutes=65), now) == "1 h 05 min left"
    assert grading.format_time_left(None, now) == ""
