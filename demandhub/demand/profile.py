"""The shape of a force's demand: how many contacts arrive on each channel in each hour of the
week, what they are about, and how callers behave. Pure data and arithmetic, no I/O.

Volumes are Cambridgeshire's 2025 monthly mix (../shared/DOMAIN.md section 1: about 11,000 999
calls, 17,000 101 calls, 27,000 web chats, 2,000 online reports and 1,200 social media contacts a
month). The hour-of-day and day-of-week shapes are planning assumptions of the usual police
pattern: quiet small hours, a rise from 07:00, a late-afternoon and evening peak, busier Friday
and Saturday nights for 999 and busier weekdays for 101 and online work.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

HOURS_PER_WEEK = 168
DAYS_PER_MONTH = 365.25 / 12

# The channels the generator produces, by their Contact.Channel values.
EMERGENCY_CALL = "999"
NON_EMERGENCY_CALL = "101"
WEB_CHAT = "web_chat"
ONLINE_REPORT = "online_report"
SOCIAL_MEDIA = "social_media"
EMAIL = "email"
EMERGENCY_SMS = "emergency_sms"
CHANNELS = (
    EMERGENCY_CALL,
    NON_EMERGENCY_CALL,
    WEB_CHAT,
    ONLINE_REPORT,
    SOCIAL_MEDIA,
    EMAIL,
    EMERGENCY_SMS,
)

MONTHLY_VOLUMES: dict[str, float] = {
    EMERGENCY_CALL: 11_000,
    NON_EMERGENCY_CALL: 17_000,
    WEB_CHAT: 27_000,
    ONLINE_REPORT: 2_000,
    SOCIAL_MEDIA: 1_200,
    EMAIL: 300,  # not in the seeds: a small planning figure
    EMERGENCY_SMS: 30,  # the deaf and speech-impaired service: rare
}

# Relative weight of each clock hour (00:00-01:00 first).
_EMERGENCY_HOURS = (
    (0, 1.00), (1, 0.85), (2, 0.70), (3, 0.55), (4, 0.45), (5, 0.42), (6, 0.50), (7, 0.65),
    (8, 0.80), (9, 0.90), (10, 0.95), (11, 1.00), (12, 1.05), (13, 1.05), (14, 1.10),
    (15, 1.20), (16, 1.30), (17, 1.35), (18, 1.35), (19, 1.30), (20, 1.30), (21, 1.25),
    (22, 1.20), (23, 1.10),
)  # fmt: skip
_OFFICE_HOURS = (
    (0, 0.35), (1, 0.22), (2, 0.15), (3, 0.10), (4, 0.10), (5, 0.14), (6, 0.30), (7, 0.65),
    (8, 1.10), (9, 1.40), (10, 1.50), (11, 1.50), (12, 1.40), (13, 1.40), (14, 1.45),
    (15, 1.45), (16, 1.45), (17, 1.35), (18, 1.25), (19, 1.15), (20, 1.05), (21, 0.90),
    (22, 0.70), (23, 0.50),
)  # fmt: skip
EMERGENCY_HOUR_WEIGHTS = tuple(w for _, w in _EMERGENCY_HOURS)
OFFICE_HOUR_WEIGHTS = tuple(w for _, w in _OFFICE_HOURS)

# Monday first.
EMERGENCY_DAY_WEIGHTS = (0.95, 0.93, 0.95, 0.98, 1.07, 1.12, 1.00)
OFFICE_DAY_WEIGHTS = (1.12, 1.06, 1.03, 1.00, 0.98, 0.88, 0.93)
# Friday and Saturday nights (22:00-03:00 the next morning) are busier on 999.
WEEKEND_NIGHT_FACTOR = 1.35

# What each channel's contacts are about: incidents.classifications codes, relative weights.
TYPE_MIX: dict[str, dict[str, float]] = {
    EMERGENCY_CALL: {
        "CRIME-VIOLENCE": 14, "CRIME-ROBBERY": 2, "CRIME-SEXUAL": 2, "CRIME-BURGLARY-DWELLING": 5,
        "CRIME-WEAPONS": 3, "CRIME-PUBLIC-ORDER": 4, "CRIME-DAMAGE": 3, "ASB-PERSONAL": 5,
        "ASB-NUISANCE": 4, "PSW-CONCERN": 14, "PSW-MISSING": 5, "PSW-DOMESTIC": 12,
        "PSW-MENTAL-HEALTH": 8, "PSW-SUSPICIOUS": 6, "PSW-ALARM": 2, "PSW-SUDDEN-DEATH": 1,
        "TRANSPORT-RTC-INJURY": 5, "TRANSPORT-RTC-DAMAGE": 3, "TRANSPORT-HAZARD": 3,
    },
    NON_EMERGENCY_CALL: {
        "CRIME-VIOLENCE": 4, "CRIME-BURGLARY-DWELLING": 3, "CRIME-BURGLARY-OTHER": 3,
        "CRIME-VEHICLE": 6, "CRIME-THEFT": 9, "CRIME-DAMAGE": 6, "CRIME-FRAUD": 6,
        "CRIME-DRUGS": 3, "ASB-PERSONAL": 4, "ASB-NUISANCE": 8, "ASB-ENVIRONMENTAL": 3,
        "PSW-CONCERN": 6, "PSW-DOMESTIC": 4, "PSW-SUSPICIOUS": 6, "PSW-ANIMAL": 2,
        "TRANSPORT-RTC-DAMAGE": 4, "TRANSPORT-HAZARD": 3, "ADMIN-LOST-FOUND": 5,
        "ADMIN-INFORMATION": 9, "ADMIN-OTHER-AGENCY": 6,
    },
    WEB_CHAT: {
        "CRIME-THEFT": 8, "CRIME-VEHICLE": 5, "CRIME-DAMAGE": 5, "CRIME-FRAUD": 8,
        "ASB-NUISANCE": 7, "ASB-PERSONAL": 3, "ASB-ENVIRONMENTAL": 3, "PSW-SUSPICIOUS": 4,
        "PSW-CONCERN": 3, "ADMIN-LOST-FOUND": 5, "ADMIN-INFORMATION": 12,
        "ADMIN-OTHER-AGENCY": 6, "TRANSPORT-RTC-DAMAGE": 3,
    },
    ONLINE_REPORT: {
        "CRIME-THEFT": 10, "CRIME-VEHICLE": 6, "CRIME-DAMAGE": 6, "CRIME-FRAUD": 6,
        "CRIME-BURGLARY-OTHER": 2, "ASB-NUISANCE": 6, "ASB-ENVIRONMENTAL": 3, "ASB-PERSONAL": 2,
        "TRANSPORT-RTC-DAMAGE": 4,
    },
    SOCIAL_MEDIA: {
        "ADMIN-INFORMATION": 10, "ASB-NUISANCE": 4, "PSW-SUSPICIOUS": 3, "CRIME-THEFT": 2,
        "TRANSPORT-HAZARD": 2, "ADMIN-LOST-FOUND": 2,
    },
    EMAIL: {"ADMIN-INFORMATION": 8, "CRIME-FRAUD": 3, "ASB-NUISANCE": 2, "ADMIN-LOST-FOUND": 2},
    EMERGENCY_SMS: {"PSW-CONCERN": 3, "PSW-DOMESTIC": 2, "CRIME-VIOLENCE": 2, "PSW-SUSPICIOUS": 1},
}  # fmt: skip

# Incidents seen by passers-by bring several 999 callers: mean extra callers per incident.
EXTRA_CALLERS: dict[str, float] = {
    "TRANSPORT-RTC-INJURY": 1.6,
    "TRANSPORT-HAZARD": 0.8,
    "CRIME-PUBLIC-ORDER": 1.0,
    "CRIME-VIOLENCE": 0.5,
    "CRIME-WEAPONS": 0.7,
    "CRIME-ROBBERY": 0.3,
    "PSW-CONCERN": 0.2,
    "PSW-SUSPICIOUS": 0.2,
}


@dataclass(frozen=True)
class Behaviour:
    """How callers behave. Shares are probabilities per contact."""

    abandon_999: float = 0.03  # rings off before an answer
    abandon_101: float = 0.15
    patience_999_seconds: float = 25.0  # mean wait before ringing off, when they do
    patience_101_seconds: float = 150.0
    mobile_999: float = 0.75  # 999 calls from a mobile (the rest: landlines with an address)
    aml_after_mobile_999: float = 0.9  # handsets that send AML during the call
    repeat_caller: float = 0.06  # a contact from someone who has been in touch before
    callback_101: float = 0.04  # rings 101 back later about the same thing


@dataclass(frozen=True)
class Profile:
    """Mean contacts per day on each channel, shaped over the hour of the week.

    scale multiplies every volume (10 for a major incident's tenfold demand, 0.1 for a quiet
    demonstration). rates() gives arrivals per hour for each of the 168 hours of the week,
    Monday 00:00-01:00 local time first.
    """

    monthly: Mapping[str, float] = field(default_factory=lambda: dict(MONTHLY_VOLUMES))
    type_mix: Mapping[str, Mapping[str, float]] = field(default_factory=lambda: TYPE_MIX)
    extra_callers: Mapping[str, float] = field(default_factory=lambda: EXTRA_CALLERS)
    behaviour: Behaviour = field(default_factory=Behaviour)
    scale: float = 1.0

    def __post_init__(self) -> None:
        if not self.scale >= 0:
            raise ValueError("scale must be zero or more")
        for channel, volume in self.monthly.items():
            if channel not in CHANNELS:
                raise ValueError(f"unknown channel {channel!r}")
            if not volume >= 0:
                raise ValueError(f"{channel}: volume must be zero or more")
            if volume and not self.type_mix.get(channel):
                raise ValueError(f"{channel}: no incident-type mix")

    def daily(self, channel: str) -> float:
        return self.monthly.get(channel, 0.0) / DAYS_PER_MONTH * self.scale

    def rates(self, channel: str) -> list[float]:
        """Mean arrivals per hour for each hour of the week."""
        shape = weekly_shape(channel)
        return [self.daily(channel) * 7 * s for s in shape]

    def share(self, channel: str) -> float:
        total = sum(self.daily(c) for c in CHANNELS)
        return self.daily(channel) / total if total else 0.0


def weekly_shape(channel: str) -> list[float]:
    """The share of a week's contacts on `channel` falling in each hour of the week (sums to 1)."""
    emergency = channel in (EMERGENCY_CALL, EMERGENCY_SMS)
    hours = EMERGENCY_HOUR_WEIGHTS if emergency else OFFICE_HOUR_WEIGHTS
    days = EMERGENCY_DAY_WEIGHTS if emergency else OFFICE_DAY_WEIGHTS
    raw = []
    for how in range(HOURS_PER_WEEK):
        day, hour = divmod(how, 24)
        weight = days[day] * hours[hour]
        friday_or_saturday_night = (day in (4, 5) and hour >= 22) or (day in (5, 6) and hour < 3)
        if emergency and friday_or_saturday_night:
            weight *= WEEKEND_NIGHT_FACTOR
        raw.append(weight)
    total = sum(raw)
    return [w / total for w in raw]
