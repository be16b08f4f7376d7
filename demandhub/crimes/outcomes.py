"""Home Office crime outcome codes: every recorded crime is finalised with one.

Source: the Home Office crime outcomes open data user guide, 2024 (../shared/DOMAIN.md
section 7). No database access here.
"""

NOT_YET_ASSIGNED = "0"
NO_SUSPECT_IDENTIFIED = "18"

OUTCOMES: dict[str, str] = {
    "0": "Not yet assigned an outcome",
    "1": "Charged or summonsed",
    "1A": "Charged or summonsed for an alternative offence",
    "2": "Caution, youth",
    "3": "Caution, adult",
    "4": "Taken into consideration",
    "5": "The offender has died",
    "6": "Penalty notice for disorder",
    "7": "Cannabis or khat warning",
    "8": "Community resolution",
    "9": "Prosecution not in the public interest (CPS)",
    "10": "Formal action not in the public interest (police)",
    "11": "Prosecution prevented, suspect under age",
    "12": "Prosecution prevented, suspect too ill",
    "13": "Prosecution prevented, victim or key witness dead or too ill",
    "14": "Evidential difficulties, suspect not identified, victim does not support action",
    "15": "Suspect identified, evidential difficulties, victim supports action",
    "16": "Suspect identified, evidential difficulties, victim does not support action",
    "17": "Prosecution time limit expired",
    "18": "Investigation complete, no suspect identified",
    "19": "Filed by the National Fraud Intelligence Bureau",
    "20": "Further action by another body or agency",
    "21": "Further investigation not in the public interest (police decision)",
    "22": "Diversionary, educational or intervention activity, no further action in the "
    "public interest",
}

# A crime is finalised with any code but 0, which means "still open".
FINAL: frozenset[str] = frozenset(OUTCOMES) - {NOT_YET_ASSIGNED}

# The outcome codes an IMU "file" decision may carry: the crime is filed without allocation
# because no line of enquiry is left, or another body deals with it.
FILING: frozenset[str] = frozenset({"14", "16", "18", "19", "20", "21"})

# Reasons the IMU gives for filing, each with the outcome code that follows from it.
FILE_REASONS: dict[str, tuple[str, str]] = {
    "no_lines_of_enquiry": ("No proportionate lines of enquiry; no suspect identified", "18"),
    "victim_declines": ("Suspect not identified and the victim does not support action", "14"),
    "nfib": ("Fraud filed by the National Fraud Intelligence Bureau", "19"),
    "another_agency": ("Further action by another body or agency", "20"),
    "public_interest": ("Further investigation not in the public interest", "21"),
}

# What the victim is told on their tracking page (no internal codes).
PUBLIC_WORDING: dict[str, str] = {
    "1": "Someone has been charged or summonsed to court.",
    "1A": "Someone has been charged or summonsed to court.",
    "2": "The offender has received a caution.",
    "3": "The offender has received a caution.",
    "8": "The matter has been dealt with by a community resolution.",
    "14": "We have not been able to identify a suspect, and the investigation has been closed.",
    "15": "A suspect was identified but there was not enough evidence to take further action.",
    "16": "A suspect was identified but there was not enough evidence to take further action.",
    "18": "We have finished our investigation but have not been able to identify a suspect. "
    "We will reopen it if new information comes to light.",
    "19": "Your report has been passed to the National Fraud Intelligence Bureau.",
    "20": "Another organisation is taking further action.",
}


def is_known(code: str) -> bool:
    return code in OUTCOMES


def label(code: str) -> str:
    return f"{code}: {OUTCOMES[code]}" if code in OUTCOMES else code


def public_wording(code: str) -> str:
    return PUBLIC_WORDING.get(code, "Your report has been finalised.")


CHOICES: list[tuple[str, str]] = [(c, label(c)) for c in OUTCOMES if c != NOT_YET_ASSIGNED]
