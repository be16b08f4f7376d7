"""Crime recording deadlines. No database access here."""

from datetime import datetime, timedelta

# HMICFRS / Home Office Crime Recording Rules: the recording decision is due within 24 hours
# of the report reaching the force (../shared/DOMAIN.md section 6). The clock starts at
# receipt, never at an appointment.
RECORDING_DECISION_WITHIN = timedelta(hours=24)


def recording_deadline(reported_at: datetime) -> datetime:
    return reported_at + RECORDING_DECISION_WITHIN
