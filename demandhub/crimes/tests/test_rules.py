"""Pure rules: solvability, completeness, outcome codes, offence list, the recording clock."""

from datetime import UTC, datetime, timedelta

import pytest

from demandhub.crimes import completeness, offences, outcomes, solvability
from demandhub.crimes.deadlines import recording_clock


@pytest.mark.parametrize(
    ("flags", "score", "recommendation"),
    [
        ({}, 0, "file"),
        ({"witnesses": True}, 10, "file"),
        ({"cctv": True, "witnesses": True}, 25, "file"),
        ({"cctv": True, "forensic_opportunity": True}, 30, "investigate"),
        ({"suspect_named": True}, 35, "investigate"),
        ({"vehicle_registration": True, "traceable_property": True}, 30, "investigate"),
        (dict.fromkeys(solvability.FLAGS, True), 100, "investigate"),
    ],
)
def test_solvability_scores_the_evidence_flags(flags, score, recommendation):
    assessed = solvability.assess(flags)

    assert (assessed.score, assessed.recommendation) == (score, recommendation)


def test_solvability_explains_every_factor():
    assessed = solvability.assess({"cctv": True})

    assert "+15 CCTV that may show the offence" in assessed.reasons
    assert "+0 no named suspect" in assessed.reasons
    assert len(assessed.reasons) == len(solvability.FACTORS)


def _facts(**overrides):  # type: ignore[no-untyped-def]
    facts = {
        "offence_code": "28E",
        "summary": "Shed broken into",
        "has_location": True,
        "has_time_window": True,
        "victims": 1,
        "victim_contactable": True,
        "property_description": "Drill",
        "modus_operandi": "Padlock cut",
    }
    return completeness.ReportFacts(**{**facts, **overrides})


@pytest.mark.parametrize(
    ("overrides", "missing"),
    [
        ({}, []),
        ({"offence_code": ""}, ["offence"]),
        ({"offence_code": "XX"}, ["offence"]),
        ({"has_location": False, "has_time_window": False}, ["location", "time"]),
        ({"victims": 0}, ["victim"]),
        ({"victim_contactable": False}, ["victim_contact"]),
        ({"property_description": " "}, ["property"]),
        ({"offence_code": "105A", "property_description": ""}, []),  # common assault
        ({"modus_operandi": ""}, ["modus_operandi"]),
    ],
)
def test_the_completeness_check_lists_what_is_missing(overrides, missing):
    assert completeness.missing(_facts(**overrides)) == missing


def test_the_reporter_is_asked_plain_questions_not_for_the_classification():
    questions = completeness.questions_for_reporter(["offence", "location"])

    assert questions == [completeness.QUESTIONS["location"][1]]


def test_every_outcome_in_the_home_office_list_is_known_and_others_are_not():
    assert {"0", "1", "1A", "18", "22"} <= set(outcomes.OUTCOMES)
    assert len(outcomes.OUTCOMES) == 24
    assert not outcomes.is_known("23")
    assert not outcomes.is_known("")
    assert outcomes.NOT_YET_ASSIGNED not in outcomes.FINAL


def test_every_filing_reason_carries_a_filing_outcome():
    assert {code for _, code in outcomes.FILE_REASONS.values()} <= outcomes.FILING


def test_sexual_offences_are_restricted_and_carry_enhanced_entitlement():
    sexual = [o for o in offences.OFFENCES if o.group == "Sexual offences"]

    assert sexual
    assert all(o.restricted and o.enhanced for o in sexual)
    assert offences.offence(" 28e ").name.startswith("Burglary")  # type: ignore[union-attr]
    assert len(offences.BY_CODE) == len(offences.OFFENCES)


def test_the_recording_clock_warns_in_the_last_four_hours_and_then_is_overdue():
    deadline = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)

    assert recording_clock(deadline, deadline - timedelta(hours=5)) == "in_time"
    assert recording_clock(deadline, deadline - timedelta(hours=4)) == "due_soon"
    assert recording_clock(deadline, deadline) == "overdue"
