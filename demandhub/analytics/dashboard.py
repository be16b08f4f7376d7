"""The performance dashboard: every KPI for a scope, as headline figures, charts and the
tables behind them. Reads through queries.py (a fixed number of queries), computes in kpis.py."""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from demandhub.contacts.models import Contact
from demandhub.crimes.outcomes import OUTCOMES

from . import kpis, queries
from .charts import WIDE, SeriesChart, format_value, series_chart

Channel = Contact.Channel
GRADES = (1, 2, 3, 4)
AREA_TYPES = (("urban", "Urban"), ("rural", "Rural"), ("", "Unknown area"))


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    columns: list[str]
    rows: list[list[Any]]


@dataclass(frozen=True)
class Panel:
    slug: str
    title: str
    chart: SeriesChart
    table: Table
    note: str = ""
    wide: bool = False


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    detail: str = ""
    tone: str = ""  # "ok", "short" or "" (no target)


@dataclass(frozen=True)
class Dashboard:
    scope: queries.Scope
    period: str
    buckets: list[date]
    labels: list[str]
    figures: list[Figure]
    panels: list[Panel]

    def panel(self, slug: str) -> Panel:
        for panel in self.panels:
            if panel.slug == slug:
                return panel
        raise KeyError(slug)


def _fmt(value: float | None, unit: str) -> str:
    return "-" if value is None else format_value(value, unit)


def _cell(value: float | None, digits: int = 1) -> Any:
    return "" if value is None else round(value, digits)


def _pct(value: float | None) -> Any:
    return "" if value is None else round(value * 100, 1)


class _Bucketed:
    """Rows grouped by bucket once, so each KPI series is a map over the buckets."""

    def __init__(self, rows: Sequence[Any], when: str, period: str, buckets: list[date]):
        self.groups = kpis.group_by_bucket(rows, when, period)
        self.buckets = buckets

    def each(self, fn: Callable[[list[Any]], Any]) -> list[Any]:
        return [fn(self.groups.get(b, [])) for b in self.buckets]


def build(scope: queries.Scope, *, period: str, last_day: date, now: datetime) -> Dashboard:
    """Every KPI for `scope`, bucketed by `period` (the range's last local day is `last_day`)."""
    first_day = kpis.bucket_of(scope.start, "day")
    buckets = kpis.buckets_between(first_day, last_day, period)
    labels = [kpis.bucket_label(b, period) for b in buckets]

    contacts = queries.contact_rows(scope)
    incidents = queries.incident_rows(scope)
    reviews = queries.quality_rows(scope)
    crimes = queries.crime_rows(scope)
    firsts = kpis.first_reviews(queries.imu_review_rows(scope))
    updates = queries.victim_update_rows(scope)
    given: dict[int, list[datetime]] = defaultdict(list)
    for update in updates:
        given[update.crime_pk].append(update.given_at)

    def on(channel: str) -> list[kpis.ContactRow]:
        return [c for c in contacts if c.channel == channel]

    emergency, non_emergency = on(Channel.EMERGENCY_CALL), on(Channel.NON_EMERGENCY_CALL)
    chats, online = on(Channel.WEB_CHAT), on(Channel.ONLINE_REPORT)
    reported = [c for c in crimes if c.reported_at >= scope.start and c.reported_at < scope.end]
    finalised = [c for c in crimes if c.outcome_at and scope.start <= c.outcome_at < scope.end]
    dues = [
        d
        for c in crimes
        for d in kpis.victim_updates_due(c, given.get(c.pk, []), now)
        if scope.start <= d.due_at < scope.end
    ]
    key_decisions = [
        d for d in kpis.key_decisions_due(crimes, updates) if scope.start <= d.due_at < scope.end
    ]

    def by(rows: Sequence[Any], when: str) -> _Bucketed:
        return _Bucketed(rows, when, period, buckets)

    panels = [
        _emergency_panel(by(emergency, "offered_at"), labels),
        _answer_time_panel(by(emergency, "offered_at"), labels),
        _non_emergency_panel(by(non_emergency, "offered_at"), labels),
        _abandonment_panel(by(emergency, "offered_at"), by(non_emergency, "offered_at"), labels),
        _chat_panel(by(chats, "offered_at"), labels),
        _online_panel(by(online, "offered_at"), labels),
        _volume_panel(by(contacts, "offered_at"), labels),
        _outcomes_panel(contacts),
        _grades_panel(by(incidents, "opened_at"), labels),
        _attendance_panel(incidents, now),
        _without_deployment_panel(by(incidents, "opened_at"), labels),
        _quality_panel(reviews),
        _recording_panel(by(reported, "reported_at"), labels, now),
        _imu_panel(by(reported, "reported_at"), labels, firsts),
        _victim_panel(by(dues, "due_at"), labels),
        _key_decisions_panel(by(key_decisions, "due_at"), labels, now),
        _crime_outcomes_panel(finalised),
    ]
    e = kpis.answer_stats(emergency)
    n = kpis.answer_stats(non_emergency)
    chat_waits = [w for c in chats if (w := c.answer_seconds) is not None]
    att = kpis.total_attendance(incidents, now)
    wd = kpis.without_deployment(incidents)
    qa = kpis.quality_scores(reviews)
    rec = kpis.recording_timeliness(reported, now)
    imu = kpis.imu_decisions(reported, firsts)
    vc = kpis.compliance(dues)
    kd = kpis.key_decision_timeliness(key_decisions, now)
    share = e.within_target_share
    figures = [
        Figure(
            "999 answered within 10 s",
            _fmt(share, "percent"),
            f"{e.within_target} of {e.answered} answered; national standard 90%",
            "" if share is None else ("ok" if share >= kpis.EMERGENCY_ANSWER_TARGET else "short"),
        ),
        Figure(
            "999 median answer",
            _fmt(e.median_seconds, "seconds"),
            f"95th percentile {_fmt(e.p95_seconds, 'seconds')}",
        ),
        Figure(
            "101 average answer",
            _fmt(n.mean_seconds, "seconds"),
            f"abandoned {_fmt(n.abandonment_rate, 'percent')} of {n.answered + n.abandoned}",
        ),
        Figure(
            "Web chat median wait",
            _fmt(kpis.middle(chat_waits), "seconds"),
            f"{len(chat_waits)} chats answered",
        ),
        Figure(
            "Online report handling",
            _fmt(_hours(kpis.middle(kpis.handling_seconds(online))), "hours"),
            "median, submission to outcome",
        ),
        Figure(
            "Attended within target",
            _fmt(att.within_share, "percent"),
            f"{att.within} of {att.counted} Grade 1-3 incidents",
        ),
        Figure(
            "Resolved without deployment",
            _fmt(wd.rate, "percent"),
            f"{wd.resolved} of {wd.graded} graded incidents",
        ),
        Figure(
            "Resolution quality", _fmt(qa.mean_score, "score"), f"mean of {qa.reviews} reviews, 1-5"
        ),
        Figure(
            "Crimes recorded within 24 h",
            _fmt(rec.within_share, "percent"),
            f"{rec.within} of {rec.counted}",
        ),
        Figure(
            "IMU decision time",
            _fmt(imu.median_hours, "hours"),
            f"median; filed {_fmt(imu.file_rate, 'percent')} of {imu.decisions}",
        ),
        Figure("Victim updates on time", _fmt(vc.rate, "percent"), f"{vc.met} of {vc.due} due"),
        Figure(
            "Key decisions told in time",
            _fmt(kd.rate, "percent"),
            f"{kd.in_time} of {kd.counted} due; {kd.overdue} not yet told",
        ),
    ]
    return Dashboard(scope, period, buckets, labels, figures, panels)


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else seconds / 3600


def _emergency_panel(b: _Bucketed, labels: list[str]) -> Panel:
    stats = b.each(kpis.answer_stats)
    chart = series_chart(
        "emergency-answer",
        labels,
        [("answered within 10 s", [s.within_target_share for s in stats])],
        unit="percent",
        target=kpis.EMERGENCY_ANSWER_TARGET,
        target_label="standard 90%",
    )
    rows = [
        [label, s.offered, s.answered, s.within_target, _pct(s.within_target_share), *s.bands]
        for label, s in zip(labels, stats, strict=True)
    ]
    columns = [
        "period",
        "offered",
        "answered",
        "within 10 s",
        "% within 10 s",
        *[f"answered {band[0]}" for band in kpis.ANSWER_BANDS],
    ]
    return Panel(
        "emergency-answer",
        "999 calls answered within 10 seconds",
        chart,
        Table("emergency-answer", "999 answer times", columns, rows),
        "Of 999 calls answered; the clock starts when the call reached the force.",
    )


def _answer_time_panel(b: _Bucketed, labels: list[str]) -> Panel:
    stats = b.each(kpis.answer_stats)
    chart = series_chart(
        "answer-times",
        labels,
        [
            ("median", [s.median_seconds for s in stats]),
            ("95th percentile", [s.p95_seconds for s in stats]),
        ],
        unit="seconds",
    )
    rows = [
        [label, s.answered, _cell(s.median_seconds), _cell(s.p95_seconds), _cell(s.mean_seconds)]
        for label, s in zip(labels, stats, strict=True)
    ]
    return Panel(
        "answer-times",
        "999 answer time: median and 95th percentile",
        chart,
        Table(
            "answer-times",
            "999 answer time (seconds)",
            ["period", "answered", "median s", "95th percentile s", "mean s"],
            rows,
        ),
    )


def _non_emergency_panel(b: _Bucketed, labels: list[str]) -> Panel:
    stats = b.each(kpis.answer_stats)
    chart = series_chart(
        "non-emergency",
        labels,
        [("average answer", [s.mean_seconds for s in stats])],
        kind="bar",
        unit="seconds",
    )
    rows = [
        [
            label,
            s.offered,
            s.answered,
            s.abandoned,
            _cell(s.mean_seconds),
            _cell(s.median_seconds),
            _pct(s.abandonment_rate),
        ]
        for label, s in zip(labels, stats, strict=True)
    ]
    return Panel(
        "non-emergency",
        "101 average answer time",
        chart,
        Table(
            "non-emergency",
            "101 calls",
            [
                "period",
                "offered",
                "answered",
                "abandoned",
                "mean answer s",
                "median answer s",
                "% abandoned",
            ],
            rows,
        ),
    )


def _abandonment_panel(e: _Bucketed, n: _Bucketed, labels: list[str]) -> Panel:
    es, ns = e.each(kpis.answer_stats), n.each(kpis.answer_stats)
    chart = series_chart(
        "abandonment",
        labels,
        [("101", [s.abandonment_rate for s in ns]), ("999", [s.abandonment_rate for s in es])],
        unit="percent",
    )
    rows = [
        [label, a.abandoned, _pct(a.abandonment_rate), c.abandoned, _pct(c.abandonment_rate)]
        for label, a, c in zip(labels, ns, es, strict=True)
    ]
    return Panel(
        "abandonment",
        "Calls abandoned before answer",
        chart,
        Table(
            "abandonment",
            "Abandoned calls",
            ["period", "101 abandoned", "101 % abandoned", "999 abandoned", "999 % abandoned"],
            rows,
        ),
        "Of calls answered or abandoned; calls still waiting count in neither.",
    )


def _chat_panel(b: _Bucketed, labels: list[str]) -> Panel:
    stats = b.each(lambda rows: kpis.answer_stats(rows, target_seconds=120))
    chart = series_chart(
        "web-chat",
        labels,
        [
            ("median wait", [s.median_seconds for s in stats]),
            ("95th percentile", [s.p95_seconds for s in stats]),
        ],
        unit="seconds",
    )
    rows = [
        [
            label,
            s.offered,
            s.answered,
            s.abandoned,
            _cell(s.median_seconds),
            _cell(s.p95_seconds),
            _cell(s.mean_seconds),
        ]
        for label, s in zip(labels, stats, strict=True)
    ]
    return Panel(
        "web-chat",
        "Web chat wait to answer",
        chart,
        Table(
            "web-chat",
            "Web chat waits",
            [
                "period",
                "started",
                "answered",
                "left before answer",
                "median s",
                "95th percentile s",
                "mean s",
            ],
            rows,
        ),
    )


def _online_panel(b: _Bucketed, labels: list[str]) -> Panel:
    times = b.each(kpis.handling_seconds)
    chart = series_chart(
        "online-reports",
        labels,
        [("median", [_hours(kpis.middle(t)) for t in times])],
        kind="bar",
        unit="hours",
    )
    rows = [
        [label, len(t), _cell(_hours(kpis.middle(t)), 2), _cell(_hours(kpis.average(t)), 2)]
        for label, t in zip(labels, times, strict=True)
    ]
    return Panel(
        "online-reports",
        "Online report handling time",
        chart,
        Table(
            "online-reports",
            "Online reports handled",
            ["period", "handled", "median hours", "mean hours"],
            rows,
        ),
        "From submission to the outcome being recorded.",
    )


def _volume_panel(b: _Bucketed, labels: list[str]) -> Panel:
    channels = list(Channel)
    counts = b.each(lambda rows: [sum(1 for r in rows if r.channel == c) for c in channels])
    used = [i for i, _ in enumerate(channels) if any(row[i] for row in counts)]
    chart = series_chart(
        "contacts-by-channel",
        labels,
        [(str(channels[i].label), [row[i] for row in counts]) for i in used],
        kind="bar",
        stacked=True,
        width=WIDE,
    )
    rows = [[label, *row, sum(row)] for label, row in zip(labels, counts, strict=True)]
    return Panel(
        "contacts-by-channel",
        "Contacts by channel",
        chart,
        Table(
            "contacts-by-channel",
            "Contacts offered by channel",
            ["period", *[str(c.label) for c in channels], "total"],
            rows,
        ),
        wide=True,
    )


def _outcomes_panel(contacts: Sequence[kpis.ContactRow]) -> Panel:
    matrix = kpis.by_channel_and_outcome(contacts)
    outcomes = [*Contact.Outcome, ""]
    names = {**{o.value: str(o.label) for o in Contact.Outcome}, "": "Not finished"}
    channels = [c for c in Channel if c.value in matrix]
    used = [o for o in outcomes if any(matrix[c][o] for c in matrix)]
    chart = series_chart(
        "contact-outcomes",
        [str(c.label) for c in channels],
        [(names[o], [matrix[c][o] for c in channels]) for o in used],
        kind="bar",
        stacked=True,
        width=WIDE,
    )
    rows = [
        [str(c.label), *[matrix[c][o] for o in outcomes], sum(matrix[c].values())] for c in channels
    ]
    return Panel(
        "contact-outcomes",
        "Contacts by channel and outcome",
        chart,
        Table(
            "contact-outcomes",
            "Contacts by channel and outcome",
            ["channel", *[names[o] for o in outcomes], "total"],
            rows,
        ),
        wide=True,
    )


def _grades_panel(b: _Bucketed, labels: list[str]) -> Panel:
    counts = b.each(kpis.by_grade)
    chart = series_chart(
        "incidents-by-grade",
        labels,
        [(f"Grade {g}", [c[g] for c in counts]) for g in GRADES],
        kind="bar",
        stacked=True,
    )
    rows = [
        [label, *[c[g] for g in GRADES], c[None], sum(c.values())]
        for label, c in zip(labels, counts, strict=True)
    ]
    return Panel(
        "incidents-by-grade",
        "Incidents by grade",
        chart,
        Table(
            "incidents-by-grade",
            "Incidents opened by grade",
            ["period", *[f"grade {g}" for g in GRADES], "not graded", "total"],
            rows,
        ),
    )


def _attendance_panel(incidents: Sequence[kpis.IncidentRow], now: datetime) -> Panel:
    table = kpis.attendance(incidents, now)
    types = [(t, name) for t, name in AREA_TYPES if t or any(k[1] == "" for k in table)]
    chart = series_chart(
        "attendance",
        [f"Grade {g}" for g in (1, 2, 3)],
        [
            (name, [a.within_share if (a := table.get((g, t))) else None for g in (1, 2, 3)])
            for t, name in types
        ],
        kind="bar",
        unit="percent",
    )
    rows = [
        [f"Grade {g}", dict(AREA_TYPES)[t], a.within, a.missed, a.pending, _pct(a.within_share)]
        for (g, t), a in table.items()
    ]
    return Panel(
        "attendance",
        "Attended within target, by grade and area",
        chart,
        Table(
            "attendance",
            "Attendance against the grade's target",
            ["grade", "area", "within target", "missed", "not due yet", "% within"],
            rows,
        ),
        "The first unit to arrive decides; no arrival by the deadline is a miss.",
    )


def _without_deployment_panel(b: _Bucketed, labels: list[str]) -> Panel:
    stats = b.each(kpis.without_deployment)
    chart = series_chart(
        "without-deployment",
        labels,
        [("resolved without deployment", [s.rate for s in stats])],
        unit="percent",
    )
    rows = [
        [label, s.graded, s.resolved, _pct(s.rate)] for label, s in zip(labels, stats, strict=True)
    ]
    return Panel(
        "without-deployment",
        "Resolved without deployment",
        chart,
        Table(
            "without-deployment",
            "Incidents resolved without deployment",
            ["period", "graded", "resolved without deployment", "%"],
            rows,
        ),
    )


def _quality_panel(reviews: Sequence[kpis.QualityRow]) -> Panel:
    qa = kpis.quality_scores(reviews)
    chart = series_chart(
        "quality", [str(s) for s in range(1, 6)], [("reviews", list(qa.by_score))], kind="bar"
    )
    rows = [[score, count] for score, count in zip(range(1, 6), qa.by_score, strict=True)]
    return Panel(
        "quality",
        "Resolution quality scores",
        chart,
        Table("quality", "Quality review scores (1 poor, 5 excellent)", ["score", "reviews"], rows),
        f"Mean {_fmt(qa.mean_score, 'score')} over {qa.reviews} reviews.",
    )


def _recording_panel(b: _Bucketed, labels: list[str], now: datetime) -> Panel:
    stats = b.each(lambda rows: kpis.recording_timeliness(rows, now))
    chart = series_chart(
        "recording",
        labels,
        [("recorded within 24 h", [s.within_share for s in stats])],
        unit="percent",
    )
    rows = [
        [label, s.within, s.late, _pct(s.within_share)]
        for label, s in zip(labels, stats, strict=True)
    ]
    return Panel(
        "recording",
        "Crimes recorded within 24 hours",
        chart,
        Table(
            "recording",
            "Crime recording decisions",
            ["period", "within 24 h", "late or overdue", "% within 24 h"],
            rows,
        ),
        "Reports recorded as crimes, and reports still undecided past their 24 hours.",
    )


def _imu_panel(b: _Bucketed, labels: list[str], firsts: dict[int, kpis.ReviewRow]) -> Panel:
    stats = b.each(lambda rows: kpis.imu_decisions(rows, firsts))
    chart = series_chart(
        "imu",
        labels,
        [("filed", [s.filed for s in stats]), ("allocated", [s.investigated for s in stats])],
        kind="bar",
        stacked=True,
    )
    rows = [
        [
            label,
            s.decisions,
            s.filed,
            s.investigated,
            _pct(s.file_rate),
            _cell(s.median_hours, 2),
            _cell(s.mean_hours, 2),
        ]
        for label, s in zip(labels, stats, strict=True)
    ]
    return Panel(
        "imu",
        "IMU decisions: filed or allocated",
        chart,
        Table(
            "imu",
            "IMU decisions",
            ["period", "decisions", "filed", "allocated", "% filed", "median hours", "mean hours"],
            rows,
        ),
        "Each crime's first decision; time from the report reaching the force.",
    )


def _victim_panel(b: _Bucketed, labels: list[str]) -> Panel:
    stats = b.each(kpis.compliance)
    chart = series_chart(
        "victim-updates",
        labels,
        [("updates on time", [s.rate for s in stats])],
        unit="percent",
    )
    rows = [
        [label, s.due, s.met, s.missed, _pct(s.rate)]
        for label, s in zip(labels, stats, strict=True)
    ]
    return Panel(
        "victim-updates",
        "Victim updates given on time",
        chart,
        Table(
            "victim-updates",
            "Regular victim updates falling due",
            ["period", "due", "on time", "missed", "% on time"],
            rows,
        ),
        "At the frequency agreed with the victim, from the officer's assignment.",
    )


def _key_decisions_panel(b: _Bucketed, labels: list[str], now: datetime) -> Panel:
    stats = b.each(lambda rows: kpis.key_decision_timeliness(rows, now))
    chart = series_chart(
        "key-decisions",
        labels,
        [
            ("told in time", [s.in_time for s in stats]),
            ("told late", [s.late for s in stats]),
            ("not told, overdue", [s.overdue for s in stats]),
            ("not due yet", [s.pending for s in stats]),
        ],
        kind="bar",
        stacked=True,
    )
    rows = [
        [label, s.due, s.in_time, s.late, s.overdue, s.pending, _pct(s.rate)]
        for label, s in zip(labels, stats, strict=True)
    ]
    return Panel(
        "key-decisions",
        "Victims told of key decisions in time",
        chart,
        Table(
            "key-decisions",
            "Key decisions falling due",
            ["period", "due", "told in time", "told late", "overdue", "not due yet", "% in time"],
            rows,
        ),
        "By the end of the 1st working day (enhanced entitlement) or the 5th after the "
        "decision; by the deadline's date.",
    )


def _crime_outcomes_panel(finalised: Sequence[kpis.CrimeRow]) -> Panel:
    counts = kpis.outcomes_by_code(finalised)
    codes = sorted(counts, key=_code_order)
    chart = series_chart(
        "crime-outcomes",
        codes,
        [("crimes", [counts[c] for c in codes])],
        kind="bar",
    )
    rows = [[c, OUTCOMES.get(c, ""), counts[c]] for c in codes if counts[c]]
    return Panel(
        "crime-outcomes",
        "Crime outcomes by Home Office code",
        chart,
        Table(
            "crime-outcomes",
            "Crimes finalised by outcome code",
            ["code", "outcome", "crimes"],
            rows,
        ),
        "Crimes given an outcome in the period.",
    )


def _code_order(code: str) -> tuple[int, str]:
    digits = "".join(ch for ch in code if ch.isdigit())
    return (int(digits) if digits else 99, code)
