"""The offence classifications a crime may be recorded under: a configurable list modelled on
the Home Office offence codes (Home Office Counting Rules). No database access here.

A force edits this table, not the code that uses it. `restricted` marks classifications whose
records are restricted by default (sexual offences): recording or reclassifying one restricts it
(accounts.Restriction) to the RESTRICTED_TEAM and its investigating officer. `enhanced` marks
those whose victims are entitled to enhanced services under the Victims' Code (victims of the
most serious crime).
"""

from dataclasses import dataclass

# The named team (accounts.Team, managed in the admin) that restricted-by-default records open
# to. Migration crimes/0004 created it with the staff who held the old view_restricted_crime.
RESTRICTED_TEAM = "restricted-crime"


@dataclass(frozen=True, kw_only=True)
class Offence:
    code: str  # Home Office offence code (HOCR)
    name: str
    group: str
    restricted: bool = False
    enhanced: bool = False
    acquisitive: bool = False  # property taken: the record should describe it


OFFENCES: tuple[Offence, ...] = (
    Offence(
        code="28E", name="Burglary, residential (dwelling)", group="Burglary", acquisitive=True
    ),
    Offence(
        code="30C", name="Burglary, business and community", group="Burglary", acquisitive=True
    ),
    Offence(code="45", name="Theft from a vehicle", group="Vehicle offences", acquisitive=True),
    Offence(
        code="48",
        name="Theft or unauthorised taking of a motor vehicle",
        group="Vehicle offences",
        acquisitive=True,
    ),
    Offence(code="44", name="Theft of a pedal cycle", group="Theft", acquisitive=True),
    Offence(code="46", name="Shoplifting", group="Theft", acquisitive=True),
    Offence(code="39", name="Theft from the person", group="Theft", acquisitive=True),
    Offence(code="49", name="Other theft", group="Theft", acquisitive=True),
    Offence(
        code="34B",
        name="Robbery of personal property",
        group="Robbery",
        acquisitive=True,
        enhanced=True,
    ),
    Offence(code="58A", name="Criminal damage to a dwelling", group="Criminal damage"),
    Offence(code="58C", name="Criminal damage to a vehicle", group="Criminal damage"),
    Offence(code="58D", name="Other criminal damage", group="Criminal damage"),
    Offence(code="56A", name="Arson endangering life", group="Criminal damage", enhanced=True),
    Offence(
        code="8N",
        name="Assault occasioning actual bodily harm (ABH)",
        group="Violence against the person",
    ),
    Offence(
        code="105A",
        name="Common assault (assault without injury)",
        group="Violence against the person",
    ),
    Offence(
        code="5D",
        name="Wounding or inflicting grievous bodily harm (GBH)",
        group="Violence against the person",
        enhanced=True,
    ),
    Offence(code="8Q", name="Stalking", group="Violence against the person", enhanced=True),
    Offence(code="8L", name="Harassment", group="Violence against the person"),
    Offence(code="195", name="Malicious communications", group="Violence against the person"),
    Offence(
        code="19C",
        name="Rape of a female aged 16 or over",
        group="Sexual offences",
        restricted=True,
        enhanced=True,
    ),
    Offence(
        code="17A",
        name="Sexual assault on a male aged 13 or over",
        group="Sexual offences",
        restricted=True,
        enhanced=True,
    ),
    Offence(
        code="20A",
        name="Sexual assault on a female aged 13 or over",
        group="Sexual offences",
        restricted=True,
        enhanced=True,
    ),
    Offence(
        code="53A",
        name="Fraud by false representation (reported to Action Fraud)",
        group="Fraud",
        acquisitive=True,
    ),
    Offence(code="92A", name="Trafficking in controlled drugs", group="Drug offences"),
    Offence(code="66", name="Public fear, alarm or distress", group="Public order offences"),
)

BY_CODE: dict[str, Offence] = {o.code: o for o in OFFENCES}
CHOICES: list[tuple[str, str]] = [(o.code, f"{o.code} {o.name}") for o in OFFENCES]


def offence(code: str) -> Offence | None:
    return BY_CODE.get(code.strip().upper())
