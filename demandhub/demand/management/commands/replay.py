"""`demandhub replay FILE.csv`: feed a calls-for-service log to a server's telephony API."""

import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from demandhub.demand import runner
from demandhub.demand.background import result_line
from demandhub.demand.gateway import Answer, Gateway
from demandhub.demand.generator import Send
from demandhub.demand.progress import ProgressBar
from demandhub.demand.replay import SEATTLE, RowProblem, read_mapping, read_rows


class Command(BaseCommand):
    help = "Replay a calls-for-service CSV through the telephony API; re-running adds nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV log")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")
        parser.add_argument(
            "--token",
            default=os.getenv("DEMANDHUB_TOKEN", ""),
            help="a contact_gateway bearer token (default: $DEMANDHUB_TOKEN)",
        )
        parser.add_argument(
            "--speed",
            type=float,
            default=0.0,
            help="N times the log's own pace (3600: an hour a second); 0 (default): at once",
        )
        parser.add_argument(
            "--mapping", default=None, help="a JSON column mapping (default: Seattle's call data)"
        )
        parser.add_argument(
            "--stop-on-error",
            action="store_true",
            help="stop at the first unreadable row or refused call",
        )
        parser.add_argument("--log", default=None, help="write one JSON line per call to this file")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["token"]:
            raise CommandError("give --token (or set DEMANDHUB_TOKEN): a contact_gateway token")
        if options["speed"] < 0:
            raise CommandError("--speed must be 0 or more")
        try:
            raw = SEATTLE
            if options["mapping"]:
                raw = json.loads(Path(options["mapping"]).read_text())
            mapping = read_mapping(raw)
        except (OSError, ValueError) as e:
            raise CommandError(f"mapping: {e}") from None
        path = Path(options["file"])
        sends: list[Send] = []
        unreadable = skipped = 0
        try:
            with path.open(newline="", encoding="utf-8-sig") as f:
                for item in read_rows(f, mapping):
                    if isinstance(item, Send):
                        sends.append(item)
                        continue
                    self._problem(item)
                    if item.skipped:
                        skipped += 1
                        continue
                    unreadable += 1
                    if options["stop_on_error"]:
                        raise CommandError(f"line {item.line}: {item.reason} (stopped)")
        except (OSError, UnicodeDecodeError) as e:
            raise CommandError(f"{path}: {e}") from None
        sends.sort()  # by time, then line: the log's own order of events
        self.stderr.write(
            f"replay: {len(sends)} calls to send, {skipped} rows skipped, "
            f"{unreadable} unreadable, to {options['base_url']}"
        )
        bar = ProgressBar(len(sends), sys.stderr)
        log = open(options["log"], "a", encoding="utf-8") if options["log"] else None  # noqa: SIM115
        verbose = options["verbosity"] >= 2

        def report(send: Send, wall: datetime, answer: Answer) -> None:
            bar.step(answer.ok)
            if log is not None:
                log.write(json.dumps(result_line(send, wall, answer)) + "\n")
            if verbose or not answer.ok:
                mark = "ok " if answer.ok else "ERR"
                self.stdout.write(
                    f"{mark} line {send.line_number}: {send.payload['call_id']} "
                    f"{send.classification} -> {answer.status} {answer.summary}"
                )

        gateway = Gateway(options["base_url"], options["token"])
        try:
            tally = runner.run(
                sends,
                gateway.send,
                speed=options["speed"],
                on_result=report,
                stop_on_error=options["stop_on_error"],
            )
        finally:
            if log is not None:
                log.close()
        tally.skipped = skipped + unreadable
        for line in tally.lines():
            self.stdout.write(line)
        if unreadable or sum(tally.failed.values()):
            raise CommandError(
                f"{unreadable} unreadable rows, {sum(tally.failed.values())} calls refused"
                + (" (stopped)" if tally.stopped_early else "")
            )

    def _problem(self, problem: RowProblem) -> None:
        label = "skipped" if problem.skipped else "unreadable"
        self.stdout.write(f"line {problem.line}: {label}: {problem.reason}")
