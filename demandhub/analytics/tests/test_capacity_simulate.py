"""`demandhub capacity simulate` and `forecast`: files in, report out, bad files named."""

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

from django.utils import timezone

from demandhub.analytics import planfiles
from demandhub.contacts.models import Contact

from .test_capacity_command import run

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_simulating_the_examples_reports_every_channel_and_half_hour_as_json(capsys):
    code, out, _ = run(
        capsys, "simulate", "--demand", str(EXAMPLES / "demand.csv"),
        "--rota", str(EXAMPLES / "rota.csv"), "--weeks", "1", "--seed", "4", "--format", "json",
    )  # fmt: skip

    report = json.loads(out)
    assert code == 0
    assert set(report["overall"]["channels"]) == {"999", "101", "web_chat", "online_report"}
    assert len(report["intervals"]) == 336
    assert report["intervals"][17]["day"] == "Mon"
    assert report["intervals"][17]["start"] == "08:30"
    assert 0 <= report["overall"]["channels"]["999"]["service_level"] <= 1


def test_the_table_shows_overall_figures_then_each_half_hour(capsys):
    code, out, _ = run(
        capsys, "simulate", "--demand", str(EXAMPLES / "demand.csv"),
        "--rota", str(EXAMPLES / "rota.csv"), "--channels", str(EXAMPLES / "channels.csv"),
        "--weeks", "1",
    )  # fmt: skip

    assert code == 0
    assert "999" in out
    assert "SL%:999" in out
    assert "Sun  23:30" in out


def test_a_rota_with_a_gap_is_refused_naming_the_line(capsys, tmp_path):
    bad = tmp_path / "rota.csv"
    bad.write_text(
        (EXAMPLES / "rota.csv").read_text().replace("Mon,02:00,04:00", "Mon,02:30,04:00")
    )

    code, out, err = run(
        capsys, "simulate", "--demand", str(EXAMPLES / "demand.csv"), "--rota", str(bad)
    )

    assert code == 2
    assert out == ""
    assert "rota.csv line 3, start: gap in the rota: Mon 02:00-02:30 has no row" in err


def test_demand_for_a_channel_without_settings_is_refused(capsys, tmp_path):
    bad = tmp_path / "demand.csv"
    bad.write_text((EXAMPLES / "demand.csv").read_text().replace("web_chat,", "fax,"))

    code, _, err = run(
        capsys, "simulate", "--demand", str(bad), "--rota", str(EXAMPLES / "rota.csv")
    )

    assert code == 2
    assert "demand names channels with no settings: fax" in err


def test_the_forecast_writes_a_demand_file_the_simulation_reads(capsys, db):
    end = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    for days_ago in (1, 8):
        Contact.objects.create(channel="999", offered_at=end - timedelta(days=days_ago, hours=-3))
    Contact.objects.create(channel="web_chat", offered_at=end - timedelta(days=3))

    code, out, _ = run(capsys, "forecast", "--weeks", "2")

    assert code == 0
    d = planfiles.read_demand(io.StringIO(out), "forecast")
    assert sum(d.rates["999"]) == 1.0  # two calls in the same hour of the week over two weeks
    assert sum(d.rates["web_chat"]) == 0.5
    assert len(list(csv.reader(io.StringIO(out)))) == 1 + 4 * 168


def test_the_forecast_of_an_empty_history_is_all_zeros_and_says_so(capsys, db):
    code, out, err = run(capsys, "forecast", "--weeks", "8", "--until", "2025-01-06")

    assert code == 0
    assert "no contacts recorded from 2024-11-11 to 2025-01-06" in err
    d = planfiles.read_demand(io.StringIO(out), "forecast")
    assert not any(any(hours) for hours in d.rates.values())


def test_the_forecast_refuses_a_bad_date(capsys, db):
    code, _, err = run(capsys, "forecast", "--until", "06/01/2025")

    assert code == 2
    assert "--until '06/01/2025' is not a date YYYY-MM-DD" in err
