"""`demandhub capacity erlang-c | simulate | forecast`: staffing from the command line.

Bad input ends with a message on stderr and exit status 2.
"""

import json
import sys
from datetime import datetime, time, timedelta
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from demandhub.analytics import erlang, forecast, planfiles, report
from demandhub.analytics.queries import contact_offers
from demandhub.analytics.simulation import DEFAULT_CHANNELS, SimulationError, simulate

BAD_INPUT = 2


class Command(BaseCommand):
    help = "Staffing: Erlang C, the discrete-event simulation of the hub, the demand forecast."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        ec = sub.add_parser(
            "erlang-c",
            help="service level, ASA, P(wait) and occupancy for N agents, or the agents needed",
        )
        ec.add_argument("--arrivals-per-hour", type=float, required=True)
        ec.add_argument("--aht-seconds", type=float, required=True, help="average handling time")
        ec.add_argument("--target-seconds", type=float, required=True, help="answer within")
        which = ec.add_mutually_exclusive_group(required=True)
        which.add_argument("--agents", type=int)
        which.add_argument(
            "--service-level", type=float, help="target share answered in time, e.g. 0.9"
        )

        sim = sub.add_parser(
            "simulate",
            help="simulate the hub over a demand and a rota; service levels per half hour",
        )
        sim.add_argument("--demand", required=True, help="demand CSV (docs/capacity.md)")
        sim.add_argument("--rota", required=True, help="rota CSV (docs/capacity.md)")
        sim.add_argument(
            "--channels",
            help="channel settings CSV; default: the settings shown by --show-channels",
        )
        sim.add_argument("--seed", type=int, default=0)
        sim.add_argument("--weeks", type=int, default=52, help="weeks to simulate (default 52)")
        sim.add_argument("--format", choices=("table", "json"), default="table")
        sim.add_argument("--quiet", action="store_true", help="no progress bar")
        fc = sub.add_parser(
            "forecast",
            help="mean arrivals per channel and hour of the week from recorded contacts, as a "
            "demand CSV",
        )
        fc.add_argument("--weeks", type=int, default=8, help="look-back in whole weeks")
        fc.add_argument(
            "--until", help="end of the look-back, a date YYYY-MM-DD (default: today, midnight)"
        )

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        try:
            if subcommand == "erlang-c":
                self.erlang_c(**options)
            elif subcommand == "simulate":
                self.simulate(**options)
            elif subcommand == "forecast":
                self.forecast(**options)
        except (erlang.ErlangError, SimulationError, planfiles.PlanFileError) as e:
            raise CommandError(str(e), returncode=BAD_INPUT) from e

    def erlang_c(self, **options: Any) -> None:
        load = {
            "arrivals_per_hour": options["arrivals_per_hour"],
            "aht_seconds": options["aht_seconds"],
            "target_seconds": options["target_seconds"],
        }
        if options["agents"] is not None:
            result = erlang.staffing(agents=options["agents"], **load)
            out: dict[str, float | int] = {
                k: v for k, v in result.as_dict().items() if k != "agents"
            }
        else:
            result = erlang.agents_needed(service_level=options["service_level"], **load)
            out = {"agents_needed": result.agents, **result.as_dict()}
            del out["agents"]
        self.stdout.write(json.dumps(out, indent=2))

    def simulate(self, **options: Any) -> None:
        demand = planfiles.read_file(options["demand"], planfiles.read_demand)
        rota = planfiles.read_file(options["rota"], planfiles.read_rota)
        channels = (
            planfiles.read_file(options["channels"], planfiles.read_channels)
            if options["channels"]
            else DEFAULT_CHANNELS
        )
        # The bar is for people at a terminal; a log or a pipe gets none.
        bar = ProgressBar(sys.stderr) if sys.stderr.isatty() and not options["quiet"] else None
        result = simulate(
            demand,
            rota,
            channels=channels,
            weeks=options["weeks"],
            seed=options["seed"],
            progress=bar,
        )
        if options["format"] == "json":
            self.stdout.write(json.dumps(report.as_json(result), indent=1))
        else:
            self.stdout.write(report.as_table(result))

    def forecast(self, **options: Any) -> None:
        weeks = options["weeks"]
        if weeks < 1:
            raise CommandError(f"--weeks must be 1 or more, not {weeks}", returncode=BAD_INPUT)
        zone = timezone.get_current_timezone()
        if options["until"]:
            try:
                day = datetime.strptime(options["until"], "%Y-%m-%d").date()  # noqa: DTZ007
            except ValueError:
                raise CommandError(
                    f"--until {options['until']!r} is not a date YYYY-MM-DD", returncode=BAD_INPUT
                ) from None
        else:
            day = timezone.localdate()
        end = datetime.combine(day, time(), tzinfo=zone)
        start = end - timedelta(weeks=weeks)
        rates = forecast.average_arrivals(
            contact_offers(start=start, end=end), start=start, end=end, zone=zone
        )
        if not any(any(hours) for hours in rates.values()):
            self.stderr.write(
                f"no contacts recorded from {start:%Y-%m-%d} to {end:%Y-%m-%d}: every rate is zero"
            )
        planfiles.write_demand(rates, self.stdout)


class ProgressBar:
    """A plain progress bar on stderr: [#######.............]  35%."""

    WIDTH = 30

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.shown = -1

    def __call__(self, done: float) -> None:
        percent = int(done * 100)
        if percent == self.shown:
            return
        self.shown = percent
        filled = int(done * self.WIDTH)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.out.write(f"\rsimulating [{bar}] {percent:3d}%" + ("\n" if done >= 1 else ""))
        self.out.flush()
