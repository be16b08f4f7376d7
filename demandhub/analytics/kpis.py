"""Key performance indicators from recorded timestamps. Pure: rows in, figures out; no database.

Every KPI is defined in docs/analytics.md; each function's docstring says which rows it counts.
Buckets (day, ISO week starting Monday, calendar month) are in the force's local time.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import mean, median
from typing import TypeVar

from django.utils import timezone

from demandhub.crimes import victims_code

PERIODS = ("day", "week", "month")
# The national 999 standard: 90% answered within 10 seconds (../shared/DOMAIN.md section 4).
EMERGENCY_ANSWER_SECONDS = 10
EMERGENCY_ANSWER_TARGET = 0.9
# Home Office published bands for 999 answer times.
ANSWER_BANDS = (("under 10 s", 0, 10), ("10 to 60 s", 10, 60), ("60 s or more", 60, None))
# NCRS: the recording decision within 24 hours of the report.
RECORDING_WITHIN = timedelta(hours=24)

R = TypeVar("R")


# -- buckets ---------------------------------------------------------------------------------


def bucket_of(at: datetime, period: str) -> date:
    """The first local day of the day, ISO week (Monday) or month holding `at`."""
    day = timezone.localtime(at).date()
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    raise ValueError(f"period must be one of {', '.join(PERIODS)}")


def buckets_between(first: date, last: date, period: str) -> list[date]:
    """Every bucket from the one holding local day `first` to the one holding `last`."""
    out: list[date] = []
    start = first
    if period == "week":
        start = first - timedelta(days=first.weekday())
    elif period == "month":
        start = first.replace(day=1)
    elif period != "day":
        raise ValueError(f"period must be one of {', '.join(PERIODS)}")
    while start <= last:
        out.append(start)
        if period == "day":
            start += timedelta(days=1)
        elif period == "week":
            start += timedelta(days=7)
        else:
            start = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return out


def bucket_label(start: date, period: str) -> str:
    if period == "month":
        return start.strftime("%b %Y")
    if period == "week":
        return f"w/c {start:%d %b}"
    return start.strftime("%d %b")


# -- statistics ------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile: the smallest value with at least p of the values at or below
    it. None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p * len(ordered)))
    return ordered[rank - 1]


def middle(values: Sequence[float]) -> float | None:
    """The median (the mean of the two middle values for an even count); None for none."""
    return median(values) if values else None


def average(values: Sequence[float]) -> float | None:
    return mean(values) if values else None


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# -- rows (what the queries return) ----------------------------------------------------------


@dataclass(frozen=True)
class ContactRow:
    channel: str
    offered_at: datetime
    answered_at: datetime | None
    abandoned_at: datetime | None
    outcome: str
    outcome_recorded_at: datetime | None

    @property
    def answer_seconds(self) -> float | None:
        if self.answered_at is None:
            return None
        return max(0.0, (self.answered_at - self.offered_at).total_seconds())


@dataclass(frozen=True)
class IncidentRow:
    opened_at: datetime
    grade: int | None
    area_type: str  # "urban", "rural" or "" (no known area)
    attendance_deadline: datetime | None
    first_arrival_at: datetime | None
    deployed: bool
    resolved_without_deployment: bool


@dataclass(frozen=True)
class QualityRow:
    reviewed_at: datetime
    score: int


@dataclass(frozen=True)
class CrimeRow:
    pk: int
    reported_at: datetime
    recording_deadline: datetime
    recording_decision: str  # "", "recorded", "not_recorded"
    recording_decided_at: datetime | None
    assigned_at: datetime | None
    update_every_days: int
    outcome_code: str
    outcome_at: datetime | None
    cancelled: bool
    key_decision_due_at: datetime | None = None  # a key decision the victim awaits
    victim_told_on: date | None = None  # the day the victim was told of the outcome
    # The key-decision deadline closing the crime met (its crime.closed audit entry).
    closed_key_decision_due_at: datetime | None = None


@dataclass(frozen=True)
class UpdateRow:
    """An update given to a victim; key_decision_due_at is the key-decision deadline it met
    (None when none was pending)."""

    crime_pk: int
    given_at: datetime
    key_decision_due_at: datetime | None


@dataclass(frozen=True)
class ReviewRow:
    crime_pk: int
    reviewed_at: datetime
    decision: str  # "file" or "investigate"


# -- contacts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerStats:
    """Answer times of the contacts offered on one channel."""

    offered: int
    answered: int
    abandoned: int
    within_target: int  # answered within target_seconds
    target_seconds: float
    median_seconds: float | None
    p95_seconds: float | None
    mean_seconds: float | None
    bands: tuple[int, ...] = ()

    @property
    def within_target_share(self) -> float | None:
        return share(self.within_target, self.answered)

    @property
    def abandonment_rate(self) -> float | None:
        return share(self.abandoned, self.answered + self.abandoned)


def answer_stats(
    rows: Iterable[ContactRow], *, target_seconds: float = EMERGENCY_ANSWER_SECONDS
) -> AnswerStats:
    """Answer times (offered -> answered) of answered contacts; abandonment = abandoned among
    those answered or abandoned (contacts still waiting are in neither)."""
    offered = abandoned = 0
    waits: list[float] = []
    for row in rows:
        offered += 1
        seconds = row.answer_seconds
        if seconds is not None:
            waits.append(seconds)
        elif row.abandoned_at is not None:
            abandoned += 1
    bands = tuple(
        sum(1 for w in waits if w >= low and (high is None or w < high))
        for _, low, high in ANSWER_BANDS
    )
    return AnswerStats(
        offered=offered,
        answered=len(waits),
        abandoned=abandoned,
        within_target=sum(1 for w in waits if w <= target_seconds),
        target_seconds=target_seconds,
        median_seconds=middle(waits),
        p95_seconds=percentile(waits, 0.95),
        mean_seconds=average(waits),
        bands=bands,
    )


def handling_seconds(rows: Iterable[ContactRow]) -> list[float]:
    """Offered -> outcome recorded, for contacts with an outcome other than abandoned."""
    return [
        (r.outcome_recorded_at - r.offered_at).total_seconds()
        for r in rows
        if r.outcome_recorded_at is not None and r.outcome not in ("", "abandoned")
    ]


def by_channel_and_outcome(rows: Iterable[ContactRow]) -> dict[str, Counter[str]]:
    """Contacts per channel, split by outcome ("" = not finished yet)."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        out[row.channel][row.outcome] += 1
    return out


def group_by_bucket(rows: Iterable[R], when: str, period: str) -> dict[date, list[R]]:
    """Rows grouped by the bucket of their attribute `when` (rows without it are left out)."""
    out: dict[date, list[R]] = defaultdict(list)
    for row in rows:
        at = getattr(row, when)
        if at is not None:
            out[bucket_of(at, period)].append(row)
    return out


# -- incidents -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attendance:
    within: int
    missed: int
    pending: int  # deadline still ahead and nobody there yet: not counted

    @property
    def counted(self) -> int:
        return self.within + self.missed

    @property
    def within_share(self) -> float | None:
        return share(self.within, self.counted)


def attendance_outcome(row: IncidentRow, now: datetime) -> str | None:
    """ "within", "missed" or "pending" for an incident with an attendance deadline (Grades
    1-3), else None. The first unit to arrive decides; no arrival by the deadline is a miss."""
    if row.attendance_deadline is None:
        return None
    if row.first_arrival_at is not None:
        return "within" if row.first_arrival_at <= row.attendance_deadline else "missed"
    return "missed" if now > row.attendance_deadline else "pending"


def attendance(rows: Iterable[IncidentRow], now: datetime) -> dict[tuple[int, str], Attendance]:
    """Attendance within target by (grade, area type); an incident outside every known area
    has area type "" ("unknown")."""
    counts: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
    for row in rows:
        result = attendance_outcome(row, now)
        if result is not None and row.grade is not None:
            counts[(row.grade, row.area_type)][result] += 1
    return {
        key: Attendance(within=c["within"], missed=c["missed"], pending=c["pending"])
        for key, c in sorted(counts.items())
    }


def total_attendance(rows: Iterable[IncidentRow], now: datetime) -> Attendance:
    c = Counter(attendance_outcome(r, now) for r in rows)
    return Attendance(within=c["within"], missed=c["missed"], pending=c["pending"])


def by_grade(rows: Iterable[IncidentRow]) -> Counter[int | None]:
    return Counter(r.grade for r in rows)


@dataclass(frozen=True)
class WithoutDeployment:
    resolved: int
    graded: int

    @property
    def rate(self) -> float | None:
        return share(self.resolved, self.graded)


def without_deployment(rows: Iterable[IncidentRow]) -> WithoutDeployment:
    """Graded incidents the resolution team resolved with no unit ever assigned, among all
    graded incidents."""
    graded = [r for r in rows if r.grade is not None]
    resolved = sum(1 for r in graded if r.resolved_without_deployment and not r.deployed)
    return WithoutDeployment(resolved=resolved, graded=len(graded))


@dataclass(frozen=True)
class QualityScores:
    reviews: int
    mean_score: float | None
    by_score: tuple[int, int, int, int, int]  # count of scores 1..5


def quality_scores(rows: Iterable[QualityRow]) -> QualityScores:
    scores = [r.score for r in rows]
    counts = Counter(scores)
    return QualityScores(
        reviews=len(scores),
        mean_score=average(scores),
        by_score=(counts[1], counts[2], counts[3], counts[4], counts[5]),
    )


# -- crimes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordingTimeliness:
    within: int
    late: int  # recorded after 24 hours, or still undecided past the deadline

    @property
    def counted(self) -> int:
        return self.within + self.late

    @property
    def within_share(self) -> float | None:
        return share(self.within, self.counted)


def recording_outcome(row: CrimeRow, now: datetime) -> str | None:
    """ "within" or "late" for a report recorded as a crime or still undecided past its
    deadline; None for one decided "not a crime" or undecided within its 24 hours."""
    if row.recording_decision == "recorded" and row.recording_decided_at is not None:
        return "within" if row.recording_decided_at <= row.recording_deadline else "late"
    if row.recording_decision == "" and now > row.recording_deadline:
        return "late"
    return None


def recording_timeliness(rows: Iterable[CrimeRow], now: datetime) -> RecordingTimeliness:
    c = Counter(recording_outcome(r, now) for r in rows)
    return RecordingTimeliness(within=c["within"], late=c["late"])


@dataclass(frozen=True)
class ImuDecisions:
    decisions: int
    filed: int
    investigated: int
    median_hours: float | None
    mean_hours: float | None

    @property
    def file_rate(self) -> float | None:
        return share(self.filed, self.decisions)

    @property
    def allocate_rate(self) -> float | None:
        return share(self.investigated, self.decisions)


def first_reviews(reviews: Iterable[ReviewRow]) -> dict[int, ReviewRow]:
    """Each crime's first IMU decision (a later review of the same crime is a revision)."""
    first: dict[int, ReviewRow] = {}
    for review in reviews:
        seen = first.get(review.crime_pk)
        if seen is None or review.reviewed_at < seen.reviewed_at:
            first[review.crime_pk] = review
    return first


def imu_decisions(crimes: Iterable[CrimeRow], firsts: dict[int, ReviewRow]) -> ImuDecisions:
    """Time from the report reaching the force to the IMU's first file-or-investigate decision;
    the split between filing and allocating for investigation."""
    hours: list[float] = []
    filed = investigated = 0
    for crime in crimes:
        review = firsts.get(crime.pk)
        if review is None:
            continue
        hours.append((review.reviewed_at - crime.reported_at).total_seconds() / 3600)
        if review.decision == "file":
            filed += 1
        else:
            investigated += 1
    return ImuDecisions(
        decisions=len(hours),
        filed=filed,
        investigated=investigated,
        median_hours=middle(hours),
        mean_hours=average(hours),
    )


@dataclass(frozen=True)
class UpdateDue:
    due_at: datetime
    met: bool


def victim_updates_due(
    crime: CrimeRow, given: Sequence[datetime], now: datetime
) -> list[UpdateDue]:
    """The regular victim updates a crime under investigation fell due for, and whether each
    was given in time (Victims' Code, at the agreed frequency).

    The first is due `update_every_days` after the officer was assigned, each next one that
    long after the update before (or after the missed due date). An update given on or before
    the due date meets it. Nothing falls due after the outcome, nor after `now`.
    """
    if crime.assigned_at is None:
        return []
    every = timedelta(days=crime.update_every_days)
    stop = min(now, crime.outcome_at) if crime.outcome_at is not None else now
    later = sorted(g for g in given if g > crime.assigned_at)
    dues: list[UpdateDue] = []
    last = crime.assigned_at
    i = 0
    while last + every <= stop:
        due = last + every
        while i < len(later) and later[i] <= last:
            i += 1
        if i < len(later) and later[i] <= due:
            dues.append(UpdateDue(due_at=due, met=True))
            last = later[i]
            i += 1
        else:
            dues.append(UpdateDue(due_at=due, met=False))
            last = due
    return dues


@dataclass(frozen=True)
class Compliance:
    met: int
    missed: int

    @property
    def due(self) -> int:
        return self.met + self.missed

    @property
    def rate(self) -> float | None:
        return share(self.met, self.due)


def compliance(dues: Iterable[UpdateDue]) -> Compliance:
    c = Counter(d.met for d in dues)
    return Compliance(met=c[True], missed=c[False])


def outcomes_by_code(rows: Iterable[CrimeRow]) -> Counter[str]:
    """Crimes finalised with each Home Office outcome code (cancelled records left out)."""
    return Counter(r.outcome_code for r in rows if r.outcome_code and not r.cancelled)


@dataclass(frozen=True)
class KeyDecisionDue:
    """A deadline to tell a victim of a key decision; told_at is None while they wait.
    told_on is set instead when only the day is known: a crime closed with the date the
    victim was told of its outcome, which tells them of the key decision awaiting them."""

    due_at: datetime
    told_at: datetime | None
    told_on: date | None = None


def key_decisions_due(
    crimes: Iterable[CrimeRow], updates: Iterable[UpdateRow]
) -> list[KeyDecisionDue]:
    """Every key-decision deadline: met by an update (its given time), met by closing the
    crime (the day the victim was told), or still pending on a crime that is not cancelled.
    Decisions awaiting the same update share its deadline, the earliest, and count once."""
    told = [
        KeyDecisionDue(u.key_decision_due_at, u.given_at)
        for u in updates
        if u.key_decision_due_at is not None
    ]
    # Closing on the tracking page tells the victim with an outcome update, which met the
    # deadline already: count the closing only when no update of the crime met the same one.
    met_by_update = {(u.crime_pk, u.key_decision_due_at) for u in updates}
    closed = [
        KeyDecisionDue(due, None, told_on=c.victim_told_on)
        for c in crimes
        if (due := c.closed_key_decision_due_at) is not None
        and c.victim_told_on is not None
        and (c.pk, due) not in met_by_update
    ]
    waiting = [
        KeyDecisionDue(c.key_decision_due_at, None)
        for c in crimes
        if c.key_decision_due_at is not None and not c.cancelled
    ]
    return told + closed + waiting


def key_decision_outcome(due: KeyDecisionDue, now: datetime) -> str:
    """ "in_time" (told by the deadline, or on or before its day when only the day is known),
    "late" (told after it), "overdue" (not told and the deadline has passed) or "pending"
    (not told, deadline still ahead)."""
    if due.told_on is not None:
        return "in_time" if victims_code.told_on_deadline_day(due.told_on, due.due_at) else "late"
    if due.told_at is not None:
        return "in_time" if due.told_at <= due.due_at else "late"
    return "overdue" if now > due.due_at else "pending"


@dataclass(frozen=True)
class KeyDecisionTimeliness:
    in_time: int
    late: int
    overdue: int
    pending: int  # deadline still ahead and the victim not told yet: not counted in the rate

    @property
    def due(self) -> int:
        return self.in_time + self.late + self.overdue + self.pending

    @property
    def counted(self) -> int:
        return self.in_time + self.late + self.overdue

    @property
    def rate(self) -> float | None:
        return share(self.in_time, self.counted)


def key_decision_timeliness(dues: Iterable[KeyDecisionDue], now: datetime) -> KeyDecisionTimeliness:
    """How many victims were told of a key decision within its deadline (1 working day for
    enhanced entitlement, else 5), among the deadlines met late, missed, or met in time."""
    c = Counter(key_decision_outcome(d, now) for d in dues)
    return KeyDecisionTimeliness(
        in_time=c["in_time"], late=c["late"], overdue=c["overdue"], pending=c["pending"]
    )
