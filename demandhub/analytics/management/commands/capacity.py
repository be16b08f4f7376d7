"""`demandhub capacity erlang-c | simulate | forecast`: staffing from the command line.

Bad input ends with a message on stderr and exit status 2.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demandhub.analytics import erlang

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

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        try:
            if subcommand == "erlang-c":
                self.erlang_c(**options)
        except erlang.ErlangError as e:
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
