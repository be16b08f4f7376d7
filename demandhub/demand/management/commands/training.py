"""`demandhub training`: start, end, list and purge training exercises."""

import json
from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demandhub.accounts.models import User
from demandhub.core.errors import DomainError
from demandhub.demand import actions, generator, runner
from demandhub.demand.background import result_line
from demandhub.demand.gateway import Answer, Gateway
from demandhub.demand.models import Exercise
from demandhub.demand.queries import policing_areas
from demandhub.demand.scenarios import SCENARIOS


class Command(BaseCommand):
    help = "Training exercises: records that never mix with live ones (docs/demand.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        start = sub.add_parser("start", help="start an exercise and send its demand")
        start.add_argument("name")
        start.add_argument("--scenario", choices=sorted(SCENARIOS), default="major_incident")
        start.add_argument("--trainee", action="append", default=[], help="a username (repeat)")
        start.add_argument("--scale", type=float, default=None, help="default: the scenario's")
        start.add_argument("--minutes", type=int, default=None, help="default: the scenario's")
        start.add_argument("--seed", type=int, default=None)
        start.add_argument(
            "--base-url", default=None, help="send its demand to this server (e.g. http://...)"
        )
        start.add_argument("--speed", type=float, default=1.0, help="N times real time; 0: at once")
        start.add_argument("--log", default=None, help="one JSON line per send")
        for name, text in (("end", "end a running exercise"), ("purge", "delete its records")):
            one = sub.add_parser(name, help=text)
            one.add_argument("name")
        sub.add_parser("list", help="every exercise and its status")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "list":
            for e in Exercise.objects.order_by("-started_at"):
                trainees = ", ".join(e.trainees.values_list("username", flat=True)) or "none"
                self.stdout.write(
                    f"{e.name:<30} {e.scenario:<16} {e.scale:g}x {e.status:<8} trainees: {trainees}"
                )
            return
        if subcommand == "start":
            self._start(**options)
            return
        exercise = Exercise.objects.filter(name=options["name"]).first()
        if exercise is None:
            raise CommandError(f"No exercise is called {options['name']!r}.")
        try:
            if subcommand == "end":
                actions.end_exercise(exercise, by=None)
                self.stdout.write(f"{exercise.name} ended.")
            else:
                deleted = actions.purge_exercise(exercise, by=None)
                self.stdout.write(f"{exercise.name} purged: {sum(deleted.values())} rows")
                for label, n in sorted(deleted.items()):
                    self.stdout.write(f"  {n:>6}  {label}")
        except DomainError as e:
            raise CommandError(str(e)) from None

    def _start(self, **o: Any) -> None:
        usernames = o["trainee"]
        trainees = list(User.objects.filter(username__in=usernames, is_active=True))
        if missing := set(usernames) - {u.username for u in trainees}:
            raise CommandError(f"No active member of staff: {', '.join(sorted(missing))}")
        if o["speed"] < 0:
            raise CommandError("--speed must be 0 or more")
        try:
            exercise, token = actions.start_exercise(
                by=None,
                name=o["name"],
                scenario=o["scenario"],
                trainees=trainees,
                scale=o["scale"],
                minutes=o["minutes"],
                seed=o["seed"],
            )
        except DomainError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(
            f"{exercise.name} started: {exercise.scenario}, {exercise.scale:g}x demand for "
            f"{exercise.minutes} minutes, seed {exercise.seed}, trainees: "
            f"{', '.join(u.username for u in trainees) or 'none'}"
        )
        if not o["base_url"]:
            self.stdout.write(f"Gateway token (shown once): {token}")
            self.stdout.write("Send its demand: demandhub demand run --token ... (its scale)")
            return
        start = datetime.now(UTC)
        profile = SCENARIOS[exercise.scenario].profile(exercise.scale)
        sends = generator.generate(
            profile,
            areas=policing_areas(),
            seed=exercise.seed,
            start=start,
            end=runner.simulated_end(start, exercise.minutes),
        )
        log = open(o["log"], "a", encoding="utf-8") if o["log"] else None  # noqa: SIM115

        def report(send: generator.Send, wall: datetime, answer: Answer) -> None:
            if log is not None:
                log.write(json.dumps(result_line(send, wall, answer)) + "\n")
            if not answer.ok:
                self.stderr.write(f"{send.kind}: {answer.summary}")

        try:
            tally = runner.run(
                sends, Gateway(o["base_url"], token).send, speed=o["speed"], on_result=report
            )
        finally:
            if log is not None:
                log.close()
        for line in tally.lines():
            self.stdout.write(line)
