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
