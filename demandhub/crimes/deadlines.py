"""Crime recording deadlines. No database access here."""

from datetime import datetime, timedelta

# HMICFRS / Home Office Crime Recording Rules: the recording decision is due within 24 hours
# of the report reaching the force (../shared/DOMAIN.md section 6). The clock starts at
# receipt, never at an appointment.
RECORDING_DECISION_WITHIN = timedelta(hours=24)

# A report is "close to" its recording deadline in the last 4 hours of the 24.
DUE_SOON_WITHIN = timedelta(hours=4)


def recording_deadline(reported_at: datetime) -> datetime:
    return reported_at + RECORDING_DECISION_WITHIN


def recording_clock(deadline: datetime, now: datetime) -> str:
    """ "overdue" past the deadline, "due_soon" within DUE_SOON_WITHIN of it, else "in_time"."""
    if now >= deadline:
        return "overdue"
    if deadline - now <= DUE_SOON_WITHIN:
        return "due_soon"
    return "in_time"


CLOCK_LABELS = {"in_time": "in time", "due_soon": "due soon", "overdue": "overdue"}
