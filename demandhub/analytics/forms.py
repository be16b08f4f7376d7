"""The staffing calculator's input."""

from django import forms

from .simulation import DEFAULT_CHANNELS

# Starting figures per channel for the calculator; planners overwrite them.
PRESETS: dict[str, dict[str, float]] = {
    "999": {
        "arrivals_per_hour": 20,
        "aht_seconds": 300,
        "target_seconds": 10,
        "service_level": 0.9,
    },
    "101": {
        "arrivals_per_hour": 30,
        "aht_seconds": 420,
        "target_seconds": 120,
        "service_level": 0.8,
    },
    "web_chat": {
        "arrivals_per_hour": 15,
        "aht_seconds": 900,
        "target_seconds": 120,
        "service_level": 0.8,
    },
    "online_report": {
        "arrivals_per_hour": 4,
        "aht_seconds": 1200,
        "target_seconds": 14400,
        "service_level": 0.8,
    },
}
CHANNEL_LABELS = {"999": "999 calls", "101": "101 calls", "web_chat": "Web chat",
                  "online_report": "Online reports"}  # fmt: skip
assert set(PRESETS) == {c.name for c in DEFAULT_CHANNELS}


class ErlangForm(forms.Form):
    channel = forms.ChoiceField(choices=list(CHANNEL_LABELS.items()), initial="999")
    arrivals_per_hour = forms.FloatField(
        min_value=0.001, max_value=100_000, label="Arrivals per hour"
    )
    aht_seconds = forms.FloatField(
        min_value=1, max_value=86_400, label="Average handling time (seconds)"
    )
    agents = forms.IntegerField(min_value=1, max_value=2000, required=False, label="Agents")
    target_seconds = forms.FloatField(
        min_value=0, max_value=86_400, label="Answer within (seconds)"
    )
    service_level = forms.FloatField(
        min_value=0.01, max_value=0.999, label="Target service level (0-1)"
    )

    @classmethod
    def preset(cls, channel: str) -> "ErlangForm":
        figures = PRESETS.get(channel, PRESETS["999"])
        return cls({"channel": channel if channel in PRESETS else "999", **figures})


# -- the performance dashboard's scope ---------------------------------------------------------

PERIOD_CHOICES = [("day", "By day"), ("week", "By week"), ("month", "By month")]
# Most buckets a chart may have: a day-by-day view of two years would be unreadable.
MAX_BUCKETS = {"day": 93, "week": 106, "month": 60}
GRADE_CHOICES = [("", "All grades"), *[(str(g), f"Grade {g}") for g in (1, 2, 3, 4)]]


def _channel_choices() -> list[tuple[str, str]]:
    from demandhub.contacts.models import Contact

    return [("", "All channels"), *Contact.Channel.choices]


class PerformanceForm(forms.Form):
    """Which records the dashboard counts: a range of local days, a bucket size and filters."""

    start = forms.DateField(label="From")
    end = forms.DateField(label="To")
    period = forms.ChoiceField(choices=PERIOD_CHOICES, initial="day", label="Show")
    channel = forms.ChoiceField(choices=_channel_choices, required=False, label="Channel")
    area = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="All areas", label="Policing area"
    )
    grade = forms.TypedChoiceField(
        choices=GRADE_CHOICES, coerce=int, empty_value=None, required=False, label="Grade"
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        from demandhub.forces.models import PolicingArea

        self.fields["area"].queryset = PolicingArea.objects.order_by("name")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end, period = data.get("start"), data.get("end"), data.get("period")
        if start and end and period:
            if end < start:
                self.add_error("end", "The end of the range is before its start.")
            else:
                from . import kpis

                n = len(kpis.buckets_between(start, end, period))  # type: ignore[arg-type]
                if n > MAX_BUCKETS[period]:  # type: ignore[index]
                    self.add_error(
                        "period",
                        f"{n} {period}s is too many to chart (at most "
                        f"{MAX_BUCKETS[period]}): choose a longer period or a shorter range.",  # type: ignore[index]
                    )
        return data


class ReportForm(forms.Form):
    """The monthly performance report: which month, with the dashboard's filters."""

    month = forms.RegexField(
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        error_messages={"invalid": "Give the month as YYYY-MM, e.g. 2026-11."},
    )
