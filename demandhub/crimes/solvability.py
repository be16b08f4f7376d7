"""Solvability: how likely a crime is to be solved, from its evidence flags. No database here.

A score from 0 to 100 with the reasons behind it, so the IMU reviewer can explain a decision to
file or investigate. The weights are force policy (illustrative, in the spirit of published
solvability matrices); edit them here.
"""

from dataclasses import dataclass

# (flag, weight, why it helps). Order is the order of the explanation.
FACTORS: tuple[tuple[str, int, str], ...] = (
    ("suspect_named", 35, "a named suspect"),
    ("vehicle_registration", 20, "a vehicle registration"),
    ("suspect_described", 15, "a described suspect"),
    ("cctv", 15, "CCTV that may show the offence"),
    ("forensic_opportunity", 15, "a forensic opportunity"),
    ("witnesses", 10, "witnesses"),
    ("traceable_property", 10, "traceable property"),
)
FLAGS: tuple[str, ...] = tuple(f for f, _, _ in FACTORS)

# At or above this score the review recommends investigation; below it, filing.
INVESTIGATE_FROM = 30


@dataclass(frozen=True)
class Solvability:
    score: int
    recommendation: str  # "investigate" or "file"
    reasons: tuple[str, ...]

    @property
    def explanation(self) -> str:
        return "; ".join(self.reasons)


def assess(flags: dict[str, bool]) -> Solvability:
    """The score and explanation for these evidence flags (unknown flags are ignored)."""
    score, reasons = 0, []
    for flag, weight, why in FACTORS:
        if flags.get(flag):
            score += weight
            reasons.append(f"+{weight} {why}")
        else:
            reasons.append(f"+0 no {why.removeprefix('a ').removeprefix('an ')}")
    score = min(score, 100)
    recommendation = "investigate" if score >= INVESTIGATE_FROM else "file"
    return Solvability(score, recommendation, tuple(reasons))
