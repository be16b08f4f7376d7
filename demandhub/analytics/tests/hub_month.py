"""A hand-built fortnight of the hub, with answers worked out by hand for the KPI tests.

Day D is Monday 2 November 2026 (GMT, so local time is UTC). Everything happens on D unless
said otherwise; NOW is D + 20 days.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from demandhub.accounts.tests.factories import UserFactory
from demandhub.contacts.models import Contact
from demandhub.crimes.models import CrimeRecord, Review, VictimUpdate
from demandhub.dispatch.models import Assignment
from demandhub.dispatch.tests.factories import ResourceFactory
from demandhub.forces.models import PolicingArea
from demandhub.forces.tests.factories import PolicingAreaFactory
from demandhub.incidents.models import Incident, QualityReview, Resolution

D = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
NOW = D + timedelta(days=20)
START, END = D - timedelta(days=1), D + timedelta(days=20)
S, M, H, DAY = (timedelta(seconds=1), timedelta(minutes=1), timedelta(hours=1), timedelta(days=1))


@dataclass
class Hub:
    urban: PolicingArea
    rural: PolicingArea


def _contact(channel: str, *, wait: timedelta | None, at: datetime = D, **kw: object) -> Contact:
    answered = at + wait if wait is not None else None
    status = "completed" if answered else "abandoned"
    outcome = kw.pop("outcome", "advice_given" if answered else "abandoned")
    return Contact.objects.create(
        channel=channel,
        status=status,
        outcome=outcome,
        offered_at=at,
        answered_at=answered,
        abandoned_at=None if answered else at + 40 * S,
        **kw,
    )


_n = 0


def _incident(
    grade: int,
    area: PolicingArea | None,
    *,
    deadline: timedelta | None,
    arrival: timedelta | None = None,
    contact: Contact | None = None,
) -> Incident:
    global _n
    _n += 1
    incident = Incident.objects.create(
        reference=f"CC-20261102-{_n:04d}",
        summary="hand-built",
        status="graded",
        opened_at=D,
        grade=grade,
        area=area,
        contact=contact,
        attendance_deadline=D + deadline if deadline is not None else None,
    )
    if contact is not None:
        contact.incident = incident
        contact.save(update_fields=["incident"])
    if arrival is not None:
        Assignment.objects.create(
            incident=incident,
            resource=ResourceFactory(),
            assigned_at=D + M,
            arrived_at=D + arrival,
            cleared_at=D + arrival + H,
        )
    return incident


def _crime(**kw: object) -> CrimeRecord:
    global _n
    _n += 1
    reported = kw.pop("reported_at", D)
    return CrimeRecord.objects.create(
        reference=f"CR-20261102-{_n:04d}",
        summary="hand-built",
        reported_at=reported,
        recording_deadline=reported + 24 * H,  # type: ignore[operator]
        recorded_at=reported,
        **kw,
    )


def build() -> Hub:
    urban = PolicingAreaFactory(area_type="urban")
    rural = PolicingAreaFactory(area_type="rural")
    reviewer = UserFactory(username="hub-reviewer")

    # 999: answered after 3, 5, 8, 12 and 30 s; one abandoned.
    emergency = [_contact("999", wait=w * S) for w in (3, 5, 8, 12, 30)]
    _contact("999", wait=None)
    # 101: answered after 60, 120 and 180 s; one abandoned. Web chat: 30 and 90 s.
    for w in (60, 120, 180, None):
        _contact("101", wait=w * S if w else None)
    for w in (30, 90):
        _contact("web_chat", wait=w * S)
    # Online reports: outcome recorded 2 and 4 hours after submission.
    for hours in (2, 4):
        _contact("online_report", wait=H, outcome_recorded_at=D + hours * H)
    # Outside the range: not counted anywhere.
    _contact("999", wait=60 * S, at=START - DAY)

    # Incidents (all graded): 1 urban attended in 10 of 15 min; 1 rural in 25 of 20 min;
    # 2 urban never attended, deadline passed; 3 appointment still ahead; two 4s resolved
    # by the resolution team, scored 4 and 2.
    _incident(1, urban, deadline=15 * M, arrival=10 * M, contact=emergency[0])
    _incident(1, rural, deadline=20 * M, arrival=25 * M, contact=emergency[1])
    _incident(2, urban, deadline=60 * M)
    _incident(3, urban, deadline=30 * DAY)
    for score in (4, 2):
        resolved = _incident(4, urban, deadline=None)
        resolution = Resolution.objects.create(
            incident=resolved, outcome="advice", resolved_at=D + H
        )
        QualityReview.objects.create(
            resolution=resolution,
            sampled_at=D + H,
            score=score,
            reviewed_at=D + 2 * H,
            reviewed_by=reviewer,
        )

    # Crimes: C1 recorded after 5 h, filed by the IMU after 6 h with outcome 18 the next day;
    # C2 recorded after 30 h, allocated after 36 h, assigned on D+2 with weekly updates, one
    # given on D+7 (meets the D+9 due date; the next is due a week after it), none by D+16
    # (missed); C3 undecided past 24 h; C4 decided not a crime (not counted for timeliness).
    c1 = _crime(
        recording_decision="recorded",
        recording_decided_at=D + 5 * H,
        status="filed",
        outcome_code="18",
        outcome_at=D + DAY,
    )
    c2 = _crime(
        recording_decision="recorded",
        recording_decided_at=D + 30 * H,
        status="under_investigation",
        assigned_at=D + 2 * DAY,
        update_every_days=7,
    )
    _crime()
    _crime(recording_decision="not_recorded", recording_decided_at=D + H, status="not_recorded")
    for crime, after, decision in ((c1, 6, "file"), (c2, 36, "investigate")):
        Review.objects.create(
            crime=crime,
            reviewer=reviewer,
            reviewed_at=D + after * H,
            decision=decision,
            solvability_score=1,
        )
    VictimUpdate.objects.create(
        crime=c2, kind="regular", channel="phone", text="update", given_at=D + 7 * DAY
    )

    # Key decisions, by their deadline's week: C1's filing told on D+1, due D+2 (in time; an
    # older one due before the range is not counted); C2's arrest told on D+15, due D+14
    # (late), and a charge due D+17 still untold (overdue); C5, reported a month earlier and
    # allocated, untold past D+3 (overdue); C6, likewise, told on D+8, due D+9 (in time).
    # Week of 2 Nov: 1 in time, 1 overdue; 9 Nov: 1 in time; 16 Nov: 1 late, 1 overdue.
    for crime, given, due in ((c1, D + DAY, D + 2 * DAY), (c1, START - 3 * DAY, START - DAY)):
        VictimUpdate.objects.create(
            crime=crime,
            kind="outcome",
            channel="phone",
            text="told",
            given_at=given,
            key_decision_due_at=due,
        )
    VictimUpdate.objects.create(
        crime=c2,
        kind="key_decision",
        channel="phone",
        text="arrest",
        given_at=D + 15 * DAY,
        key_decision_due_at=D + 14 * DAY,
    )
    c2.key_decision_due_at = D + 17 * DAY
    c2.save(update_fields=["key_decision_due_at"])
    earlier = START - 30 * DAY
    _crime(
        reported_at=earlier,
        recording_decision="recorded",
        recording_decided_at=earlier + H,
        status="allocated",
        key_decision_due_at=D + 3 * DAY,
    )
    c6 = _crime(
        reported_at=earlier,
        recording_decision="recorded",
        recording_decided_at=earlier + H,
        status="allocated",
    )
    VictimUpdate.objects.create(
        crime=c6,
        kind="key_decision",
        channel="phone",
        text="told",
        given_at=D + 8 * DAY,
        key_decision_due_at=D + 9 * DAY,
    )
    return Hub(urban=urban, rural=rural)
