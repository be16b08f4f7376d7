"""Demand, rota and channel files: the shipped examples read cleanly; bad files are refused
naming the line and the field."""

import io
from pathlib import Path

import pytest

from demandhub.analytics import planfiles
from demandhub.analytics.planfiles import PlanFileError
from demandhub.analytics.simulation import DEFAULT_CHANNELS

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def demand(text: str):  # type: ignore[no-untyped-def]
    return planfiles.read_demand(io.StringIO(text), "demand.csv")


def rota(text: str):  # type: ignore[no-untyped-def]
    return planfiles.read_rota(io.StringIO(text), "rota.csv")


def full_week(channel: str = "999", rate: str = "2") -> str:
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    return "".join(f"{channel},{d},{h},{rate}\n" for d in days for h in range(24))


def test_the_shipped_examples_read_and_describe_about_a_year_of_demand():
    d = planfiles.read_file(EXAMPLES / "demand.csv", planfiles.read_demand)
    r = planfiles.read_file(EXAMPLES / "rota.csv", planfiles.read_rota)
    c = planfiles.read_file(EXAMPLES / "channels.csv", planfiles.read_channels)

    assert set(d.rates) == {"999", "101", "web_chat", "online_report"}
    assert 430_000 < 52 * sum(sum(hours) for hours in d.rates.values()) < 470_000
    assert set(r.staff) == {"emergency", "shared"}
    assert c == list(DEFAULT_CHANNELS)


def test_a_demand_file_round_trips():
    rates = {"999": [float(h % 24) for h in range(168)], "101": [1.5] * 168}
    out = io.StringIO()

    planfiles.write_demand(rates, out)

    assert demand(out.getvalue()).rates == rates


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "demand.csv line 1: the file is empty"),
        ("channel,day,hour\n", "demand.csv line 1: missing column arrivals_per_hour"),
        (
            "channel,day,hour,arrivals_per_hour\n999,Mon,0,-3\n",
            "demand.csv line 2, arrivals_per_hour: -3 is negative",
        ),
        (
            "channel,day,hour,arrivals_per_hour\n999,Mon,0,lots\n",
            "demand.csv line 2, arrivals_per_hour: 'lots' is not a number",
        ),
        (
            "channel,day,hour,arrivals_per_hour\n999,Mnday,0,1\n",
            "demand.csv line 2, day: 'Mnday' is not one of Mon, Tue",
        ),
        (
            "channel,day,hour,arrivals_per_hour\n999,Mon,24,1\n",
            "demand.csv line 2, hour: 24 is not an hour of the day",
        ),
        (
            "channel,day,hour,arrivals_per_hour\n999,Mon,0,1\n999,Mon,0,2\n",
            "demand.csv line 3: 999 Mon hour 0 is already given on line 2",
        ),
        (
            "channel,day,hour,arrivals_per_hour\n" + full_week().replace("999,Tue,13,2\n", ""),
            "demand.csv: channel 999 has no row for Tue hour 13 (every channel",
        ),
    ],
)
def test_a_bad_demand_file_is_refused_naming_line_and_field(text, message):
    with pytest.raises(PlanFileError) as e:
        demand(text)

    assert str(e.value).startswith(message)


def rota_days(body: str) -> str:
    """The header, `body` for Monday, and 24-hour rows for the other days."""
    rest = "".join(f"{d},00:00,24:00,1,2\n" for d in ("Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
    return "day,start,end,emergency,shared\n" + body + rest


def test_a_rota_of_shifts_becomes_staff_per_half_hour():
    r = rota(rota_days("Mon,00:00,07:30,2,5\nMon,07:30,24:00,4,12\n"))

    assert r.staff["emergency"][:15] == [2] * 15
    assert r.staff["emergency"][15:48] == [4] * 33
    assert r.staff["shared"][48:] == [2] * (336 - 48)


def test_a_rota_round_trips():
    staff = {"emergency": [(k // 5) % 4 for k in range(336)], "shared": [7] * 336}
    out = io.StringIO()

    planfiles.write_rota(staff, out)

    assert rota(out.getvalue()).staff == staff


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "Mon,00:00,07:00,2,5\nMon,07:30,24:00,4,12\n",
            "rota.csv line 3, start: gap in the rota: Mon 07:00-07:30 has no row "
            "(line 2 ends at 07:00)",
        ),
        (
            "Mon,00:00,08:00,2,5\nMon,07:30,24:00,4,12\n",
            "rota.csv line 3, start: Mon 07:30 overlaps line 2, which runs to 08:00",
        ),
        ("Mon,00:00,22:00,2,5\n", "rota.csv line 2, end: gap in the rota: Mon 22:00-24:00"),
        ("Mon,00:00,07:15,2,5\n", "rota.csv line 2, end: 07:15 is not on the hour or half hour"),
        ("Mon,00:00,7am,2,5\n", "rota.csv line 2, end: '7am' is not a time HH:MM"),
        ("Mon,09:00,08:00,2,5\n", "rota.csv line 2, end: 08:00 is not after the start 09:00"),
        ("Mon,00:00,24:00,two,5\n", "rota.csv line 2, emergency: 'two' is not a whole number"),
        (
            "Mon,00:00,24:00,-1,5\n",
            "rota.csv line 2, emergency: '-1' is not a whole number of 0 or more",
        ),
        ("", "rota.csv, day: no rows for Mon: the rota needs every day"),
    ],
)
def test_a_bad_rota_is_refused_naming_line_and_field(body, message):
    with pytest.raises(PlanFileError) as e:
        rota(rota_days(body))

    assert str(e.value).startswith(message)


def test_a_rota_without_staff_columns_is_refused():
    with pytest.raises(PlanFileError, match=r"rota\.csv line 1: no staff columns"):
        rota("day,start,end\nMon,00:00,24:00\n")


def test_a_bad_channels_file_is_refused_naming_line_and_field():
    header = ",".join(planfiles.CHANNEL_COLUMNS) + "\n"

    with pytest.raises(PlanFileError, match=r"channels\.csv line 2, handling: 'gamma' is not"):
        planfiles.read_channels(io.StringIO(header + "999,e,0,10,300,gamma,,\n"), "channels.csv")
    with pytest.raises(PlanFileError, match=r"channels\.csv line 2: channel 999: lognormal"):
        planfiles.read_channels(
            io.StringIO(header + "999,e,0,10,300,lognormal,,\n"), "channels.csv"
        )


def test_a_missing_file_is_named():
    with pytest.raises(PlanFileError, match=r"nowhere\.csv: No such file"):
        planfiles.read_file("/nowhere.csv", planfiles.read_demand)
