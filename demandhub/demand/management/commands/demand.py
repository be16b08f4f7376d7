"""`demandhub demand run`: send generated demand to a Demand Hub server over HTTP."""

import json
import os
import random
from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demandhub.demand import generator, runner
from demandhub.demand.background import result_line
from demandhub.demand.gateway import Answer, Gateway
from demandhub.demand.profile import Profile
from demandhub.demand.queries import policing_areas


class Command(BaseCommand):
    help = "Generate realistic demand and send it to a server through its public entry points."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        run = sub.add_parser("run", help="send generated contacts until stopped")
        run.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8000")
        run.add_argument(
            "--token",
            default=os.getenv("DEMANDHUB_TOKEN", ""),
            help="a contact_gateway bearer token (default: $DEMANDHUB_TOKEN)",
        )
        run.add_argument(
            "--speed", type=float, default=1.0, help="N times real time; 0: as fast as possible"
        )
        run.add_argument("--seed", type=int, default=None, help="repeat a run (default: random)")
        run.add_argument(
            "--duration",
            type=float,
            default=None,
            help="minutes of simulated demand to send (default: until stopped)",
        )
        run.add_argument("--scale", type=float, default=1.0, help="times the force's normal demand")
        run.add_argument("--log", default=None, help="write one JSON line per send to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["token"]:
            raise CommandError("give --token (or set DEMANDHUB_TOKEN): a contact_gateway token")
        if options["speed"] < 0:
            raise CommandError("--speed must be 0 or more")
        if options["speed"] == 0 and options["duration"] is None:
            raise CommandError("--speed 0 sends as fast as possible: give --duration too")
        try:
            profile = Profile(scale=options["scale"])
        except ValueError as e:
            raise CommandError(str(e)) from None
        seed = options["seed"]
        if seed is None:
            seed = random.SystemRandom().randrange(1_000_000)
        start = datetime.now(UTC)
        areas = policing_areas()
        self.stderr.write(
            f"demand: seed {seed}, speed {options['speed']:g}x, scale {options['scale']:g}, "
            f"{len(areas)} areas, to {options['base_url']}"
        )
        sends = generator.generate(
            profile,
            areas=areas,
            seed=seed,
            start=start,
            end=runner.simulated_end(start, options["duration"]),
        )
        gateway = Gateway(options["base_url"], options["token"])
        log = open(options["log"], "a", encoding="utf-8") if options["log"] else None  # noqa: SIM115
        verbose = options["verbosity"] >= 2
        count = 0

        def report(send: generator.Send, wall: datetime, answer: Answer) -> None:
            nonlocal count
            count += 1
            line = result_line(send, wall, answer)
            if log is not None:
                log.write(json.dumps(line) + "\n")
            if verbose or not answer.ok:
                mark = "ok " if answer.ok else "ERR"
                self.stdout.write(
                    f"{mark} {wall:%H:%M:%S} {send.kind:<9} {send.role:<9} "
                    f"{send.classification:<24} {answer.status} {answer.summary}"
                )
            elif count % 100 == 0:
                self.stderr.write(f"demand: {count} sent")

        try:
            tally = runner.run(sends, gateway.send, speed=options["speed"], on_result=report)
        finally:
            if log is not None:
                log.close()
        for line in tally.lines():
            self.stdout.write(line)
