"""Sending a stream of Sends at the right moments, N times faster than they were planned, and
keeping count of what the server answered."""

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from .gateway import Answer
from .generator import Send

SendOne = Callable[[Send, datetime], Answer]
OnResult = Callable[[Send, datetime, Answer], None]


@dataclass
class Tally:
    """How many of each kind were sent, answered as expected, and refused, with the answers."""

    sent: Counter[str] = field(default_factory=Counter)
    ok: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    answers: Counter[str] = field(default_factory=Counter)  # "kind HTTP status: summary"
    skipped: int = 0  # replay: rows not sent (unreadable, or not a public contact)
    stopped_early: bool = False

    def count(self, send: Send, answer: Answer) -> None:
        self.sent[send.kind] += 1
        (self.ok if answer.ok else self.failed)[send.kind] += 1
        detail = answer.outcome if answer.ok else answer.summary
        self.answers[f"{send.kind} {answer.status} {detail}"] += 1

    def lines(self) -> list[str]:
        out = [
            f"sent {sum(self.sent.values())}: {sum(self.ok.values())} accepted, "
            f"{sum(self.failed.values())} refused or failed"
            + (f", {self.skipped} rows skipped" if self.skipped else "")
        ]
        for kind in sorted(self.sent):
            out.append(f"  {kind:<10} {self.sent[kind]:>6} sent {self.ok[kind]:>6} accepted")
        out.append("answers:")
        out.extend(f"  {n:>6}  {answer}" for answer, n in self.answers.most_common())
        return out


def run(
    sends: Iterable[Send],
    send_one: SendOne,
    *,
    speed: float,
    on_result: OnResult | None = None,
    stop: threading.Event | None = None,
    stop_on_error: bool = False,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], object] = time.sleep,
) -> Tally:
    """Send each item when its turn comes: `speed` times faster than its simulated time
    (1: real time; 0: as fast as the server answers). Time fields are stamped with the wall
    clock at the moment of sending. Stops when the stream ends, `stop` is set, or (with
    stop_on_error) at the first refusal."""
    tally = Tally()
    try:
        _send_all(sends, send_one, tally, speed, on_result, stop, stop_on_error, clock, sleep)
    except KeyboardInterrupt:
        tally.stopped_early = True
    return tally


def _send_all(
    sends: Iterable[Send],
    send_one: SendOne,
    tally: Tally,
    speed: float,
    on_result: OnResult | None,
    stop: threading.Event | None,
    stop_on_error: bool,
    clock: Callable[[], float],
    sleep: Callable[[float], object],
) -> None:
    began, first = clock(), None
    for send in sends:
        if first is None:
            first = send.at
        if speed > 0:
            due = began + (send.at - first).total_seconds() / speed
            while (wait := due - clock()) > 0:
                if stop is not None and stop.wait(min(wait, 1.0)):
                    break
                if stop is None:
                    sleep(wait)
        if stop is not None and stop.is_set():
            tally.stopped_early = True
            break
        wall = datetime.now(UTC)
        answer = send_one(send, wall)
        tally.count(send, answer)
        if on_result is not None:
            on_result(send, wall, answer)
        if stop_on_error and not answer.ok:
            tally.stopped_early = True
            break


def simulated_end(start: datetime, minutes: float | None) -> datetime | None:
    return None if minutes is None else start + timedelta(minutes=minutes)
