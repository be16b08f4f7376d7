"""A surge: ten times the normal peak hour's demand, against the normal peak hour itself.

The demand is the demand generator's (demandhub/demand): its profile's busiest hour of the
week (Monday 16:00-17:00, about 136 contacts an hour on all seven channels, plus what follows
them: more 999 callers for the same incident, AML from mobiles, calls rung off, 101 callers
ringing back), sent through the public entry points only, as `demandhub demand run` sends it
(demand/gateway.py): telephony events, AML SMS and messages with a contact_gateway token; web
chats and online reports as a browser fills the public pages in (page, CSRF cookie, form).
Each member of the public sends from an address of their own (X-Forwarded-For, which the
server's uvicorn trusts from 127.0.0.1), as a real surge would, so the per-address limits of
the public pages do not turn the surge into 429s.

A (baseline): the peak hour at scale 1. B (surge): the same hour at scale 10. Both go to one
real `demandhub serve` (on PostgreSQL when DATABASE_URL names one, in a database of its own
dropped at the end) in pairs A B / B A (who goes first alternates), each run the same length:
--minutes of surge in all (15 by default), split over --pairs (10: 90 s a run); the generator's
simulated clock runs at wall-clock speed, so the rates are the profile's, not compressed. A
shorter --minutes runs less of the surge at the same rate. Latency is open-loop: each send
has its scheduled wall time (from the generator's arrival time) and its latency runs from
then to its last answer (for a public page: the page and the form together), on a pool of
64 sender threads.

Targets (issue 8): no 5xx (nor unanswered requests); p99 under the surge at most 3x the
baseline's. Reported: per-pair p99 ratios B/A (min/median/max), the p99 of all baseline and
all surge sends pooled and their ratio, answers by kind and status, and the most PostgreSQL
sessions seen on the server's database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python -m bench surge
    DATABASE_URL=... .venv/bin/python -m bench surge --minutes 2 --pairs 4   # a shorter surge
    DATABASE_URL=... .venv/bin/python -m bench surge --quick                 # the same
"""

import argparse
import itertools
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
import zlib
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._services import connections, patient_setup, private_database, quantile  # noqa: E402
from demandhub.demand import generator, profile  # noqa: E402
from demandhub.demand.gateway import Answer, Gateway  # noqa: E402
from demandhub.demand.geography import demo_areas  # noqa: E402
from tests.e2e.clients import issue_token  # noqa: E402
from tests.e2e.server import running_demo_server  # noqa: E402

SURGE = 10.0
SENDERS = 64
PUBLIC = itertools.count(1)  # each member of the public's address, unique over the whole run


class PublicSender(Gateway):
    """A gateway whose every request says it comes from `address` (a member of the public's
    own connection, behind the trusted proxy in front of the hub)."""

    def __init__(self, base_url: str, token: str, address: str) -> None:
        super().__init__(base_url, token)
        self.address = address

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        request.add_header("X-Forwarded-For", self.address)
        return super()._open(request)


def peak_start() -> datetime:
    """The start of the profile's busiest hour of the week, on a Monday in late 2026."""
    normal = profile.Profile()
    totals = [
        sum(normal.rates(c)[h] for c in profile.CHANNELS) for h in range(profile.HOURS_PER_WEEK)
    ]
    busiest = max(range(profile.HOURS_PER_WEEK), key=totals.__getitem__)
    day, hour = divmod(busiest, 24)
    monday = datetime(2026, 11, 30, tzinfo=generator.LONDON)  # a Monday
    return (monday + timedelta(days=day, hours=hour)).astimezone(UTC)


def peak_rate() -> float:
    normal = profile.Profile()
    at = generator.hour_of_week(peak_start(), generator.LONDON)
    return sum(normal.rates(c)[at] for c in profile.CHANNELS)


@dataclass
class Run:
    label: str
    sends: int = 0
    latencies: list[float] = field(default_factory=list)  # seconds
    statuses: Counter[str] = field(default_factory=Counter)  # "<kind> <status>"
    server_errors: int = 0  # 5xx
    unanswered: int = 0  # status 0: refused, cut off or timed out
    refused: Counter[str] = field(default_factory=Counter)  # other answers not ok

    def dump(self) -> dict[str, object]:
        return {
            "label": self.label,
            "sends": self.sends,
            "latencies": self.latencies,
            "statuses": dict(self.statuses),
            "server_errors": self.server_errors,
            "unanswered": self.unanswered,
            "refused": dict(self.refused),
        }

    def p(self, q: float) -> float:
        return quantile(self.latencies, q) if self.latencies else float("nan")


def one_run(
    label: str, scale: float, seconds: float, offset: float, tag: str, base_url: str, token: str
) -> Run:
    sim_start = peak_start() + timedelta(seconds=offset % 3600)
    sends = list(
        generator.generate(
            profile.Profile(scale=scale),
            areas=demo_areas(),
            seed=zlib.crc32(tag.encode()),
            start=sim_start,
            end=sim_start + timedelta(seconds=seconds),
            tag=tag,
        )
    )
    run = Run(label, sends=len(sends))
    lock = threading.Lock()
    api = Gateway(base_url, token)
    began = time.perf_counter() + 0.5

    def send(item: generator.Send) -> None:
        scheduled = began + (item.at - sim_start).total_seconds()
        if (delay := scheduled - time.perf_counter()) > 0:
            time.sleep(delay)
        if item.kind in (generator.CHAT, generator.REPORT):
            n = next(PUBLIC)
            address = f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
            answer: Answer = PublicSender(base_url, token, address).send(item, datetime.now(UTC))
        else:
            answer = api.send(item, datetime.now(UTC))
        latency = time.perf_counter() - scheduled
        with lock:
            run.latencies.append(latency)
            run.statuses[f"{item.kind} {answer.status}"] += 1
            if answer.status >= 500:
                run.server_errors += 1
            elif answer.status == 0:
                run.unanswered += 1
            elif not answer.ok:
                run.refused[f"{item.kind} {answer.summary}"] += 1

    with ThreadPoolExecutor(max_workers=SENDERS) as pool:
        list(pool.map(send, sends))
    return run


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench surge")
    parser.add_argument(
        "--minutes", type=float, default=15.0, help="of surge in all (as much of baseline)"
    )
    parser.add_argument("--pairs", type=int, default=10)
    parser.add_argument("--scale", type=float, default=SURGE, help="the surge: times the peak")
    parser.add_argument("--quick", action="store_true", help="--minutes 2 --pairs 4")
    parser.add_argument("--out", default="", help="write every latency to this JSON file")
    parser.add_argument("--summarise", default="", help="print the summary of an --out file")
    args = parser.parse_args(argv)
    if args.summarise:
        summarise(load(args.summarise), 0)
        return
    if args.quick:
        args.minutes, args.pairs = 2.0, 4
    seconds = args.minutes * 60 / args.pairs
    engine = "PostgreSQL" if os.getenv("DATABASE_URL", "").startswith("postgres") else "SQLite"
    print(
        f"engine: {engine}; normal peak {peak_rate():.1f} contacts/h (profile, "
        f"{peak_start():%a %H:%M} UTC), surge x{args.scale:g}; {args.pairs} pairs of "
        f"{seconds:g} s runs ({args.minutes:g} min of surge, as much of baseline)",
        flush=True,
    )
    label = f"surge_{os.getpid()}"
    sessions = [0]
    patient_setup()
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-surge-")))
        database_url = stack.enter_context(private_database(label))
        server = stack.enter_context(
            running_demo_server(folder, name=label, env={"DATABASE_URL": database_url})
        )
        token = issue_token(server, "contact_gateway")
        done = threading.Event()
        if server.database_url:
            import psycopg

            db = stack.enter_context(psycopg.connect(server.database_url, autocommit=True))

            def watch() -> None:
                while not done.wait(0.5):
                    sessions[0] = max(sessions[0], connections(db) - 1)

            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            stack.callback(watcher.join)
            stack.callback(done.set)
        # Warm up: a few seconds of the surge, not counted.
        one_run("warm-up", args.scale, 5, 3000, "sw", server.base_url, token)
        pairs: list[tuple[Run, Run]] = []
        for pair in range(args.pairs):
            order = [("baseline", 1.0), ("surge", args.scale)]
            if pair % 2:
                order.reverse()
            runs = {}
            for name, scale in order:
                tag = f"s{pair}{name[0]}"
                runs[name] = one_run(
                    name, scale, seconds, pair * seconds, tag, server.base_url, token
                )
            a, b = runs["baseline"], runs["surge"]
            pairs.append((a, b))
            if args.out:
                Path(args.out).write_text(json.dumps([[a.dump(), b.dump()] for a, b in pairs]))
            print(
                f"pair {pair + 1} ({order[0][0]} first): baseline {a.sends} sends p50 "
                f"{a.p(0.5) * 1000:.0f} p99 {a.p(0.99) * 1000:.0f} ms | surge {b.sends} sends "
                f"p50 {b.p(0.5) * 1000:.0f} p99 {b.p(0.99) * 1000:.0f} ms | 5xx "
                f"{a.server_errors + b.server_errors} unanswered {a.unanswered + b.unanswered} | "
                f"ratio {b.p(0.99) / a.p(0.99):.2f}",
                flush=True,
            )
    summarise(pairs, sessions[0])


def summarise(pairs: list[tuple[Run, Run]], sessions: int) -> None:
    ratios = [b.p(0.99) / a.p(0.99) for a, b in pairs if a.latencies and b.latencies] or [
        float("nan")
    ]
    baseline = [x for a, _ in pairs for x in a.latencies]
    surge = [x for _, b in pairs for x in b.latencies]
    statuses: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    for a, b in pairs:
        for r in (a, b):
            statuses.update(r.statuses)
            refused.update(r.refused)
    errors = sum(a.server_errors + b.server_errors for a, b in pairs)
    unanswered = sum(a.unanswered + b.unanswered for a, b in pairs)
    print(
        f"p99 ratio surge/baseline per pair ({len(ratios)} pairs): min {min(ratios):.2f} "
        f"median {statistics.median(ratios):.2f} max {max(ratios):.2f}"
    )
    print(
        f"pooled: baseline {len(baseline)} sends p50 {quantile(baseline, 0.5) * 1000:.0f} ms "
        f"p99 {quantile(baseline, 0.99) * 1000:.0f} ms; surge {len(surge)} sends p50 "
        f"{quantile(surge, 0.5) * 1000:.0f} ms p99 {quantile(surge, 0.99) * 1000:.0f} ms; "
        f"p99 ratio {quantile(surge, 0.99) / quantile(baseline, 0.99):.2f} (target <= 3)"
    )
    print(f"5xx: {errors} (target 0); unanswered: {unanswered}")
    print(
        "answers by kind and status: " + ", ".join(f"{k} {n}" for k, n in sorted(statuses.items()))
    )
    if refused:
        print("refused: " + "; ".join(f"{k} x{n}" for k, n in refused.most_common()))
    if sessions:
        print(f"most PostgreSQL sessions of the server seen: {sessions}")


def load(path: str) -> list[tuple[Run, Run]]:
    """The pairs --out wrote."""
    pairs = []
    for a, b in json.loads(Path(path).read_text()):
        runs = []
        for r in (a, b):
            run = Run(r["label"], r["sends"], r["latencies"], Counter(r["statuses"]))
            run.server_errors, run.unanswered = r["server_errors"], r["unanswered"]
            run.refused = Counter(r["refused"])
            runs.append(run)
        pairs.append((runs[0], runs[1]))
    return pairs


if __name__ == "__main__":
    main(sys.argv[1:])
