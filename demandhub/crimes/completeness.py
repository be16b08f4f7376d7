"""What a crime report still lacks before the IMU can decide on it. No database here."""

from dataclasses import dataclass

from . import offences


@dataclass(frozen=True, kw_only=True)
class ReportFacts:
    """The facts the completeness check reads, copied from a crime record and its people."""

    offence_code: str
    summary: str
    has_location: bool
    has_time_window: bool
    victims: int
    victim_contactable: bool
    property_description: str
    modus_operandi: str


# (key, what the reviewer sees, what the reporter is asked)
QUESTIONS: dict[str, tuple[str, str]] = {
    "offence": ("Offence classification", ""),
    "location": ("Where it happened", "Where exactly did this happen (address or postcode)?"),
    "time": ("When it happened", "When did this happen? Give the earliest and latest times."),
    "victim": ("Victim details", "Please tell us the name of the person this happened to."),
    "victim_contact": ("How to contact the victim", "How can an officer contact you?"),
    "property": (
        "Property stolen or damaged",
        "What was taken or damaged? Include serial "
        "numbers, makes and models, and values if you know them.",
    ),
    "modus_operandi": (
        "How it was done",
        "How did the offender do it (for example how they got in)?",
    ),
}


def missing(facts: ReportFacts) -> list[str]:
    """Keys of QUESTIONS the report lacks, in a stable order."""
    out = []
    offence = offences.offence(facts.offence_code)
    if offence is None:
        out.append("offence")
    if not facts.has_location:
        out.append("location")
    if not facts.has_time_window:
        out.append("time")
    if facts.victims == 0:
        out.append("victim")
    elif not facts.victim_contactable:
        out.append("victim_contact")
    if offence is not None and offence.acquisitive and not facts.property_description.strip():
        out.append("property")
    if not facts.modus_operandi.strip():
        out.append("modus_operandi")
    return out


def labels(keys: list[str]) -> list[str]:
    return [QUESTIONS[k][0] for k in keys]


def questions_for_reporter(keys: list[str]) -> list[str]:
    """Plain questions for the reporter's tracking page (the classification is ours to make)."""
    return [QUESTIONS[k][1] for k in keys if QUESTIONS[k][1]]
