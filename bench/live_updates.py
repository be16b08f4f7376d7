"""Live updates: 200 consoles, 1,000 deliveries a second, against a bare websockets broadcast.

B (ours): two real `demandhub serve` processes (uvicorn) sharing one Redis through the
  production channel layer (RedisPubSubChannelLayer); 200 signed-in consoles on /ws/live/incidents/,
  100 on each node. Changes are published the way a node publishes after a commit
  (core/realtime.send_now: one group_send to "incidents"), from this process.
A (reference): a bare asyncio `websockets` server that broadcasts each message it is given to
  every connected client (`websockets.broadcast`), one process, no Redis.

The same harness drives both: 5 changes a second (so 1,000 deliveries a second to 200
consoles) on a fixed schedule over 10 incidents, each change naming its incident and sequence
number. Latency is open-loop, from the scheduled time of the change to its arrival at a
console. Pairs run A B A B ... (who goes first alternates); per pair the ratio of p99s B/A.
Counted exactly: deliveries over changes x consoles (must be 1.000), per-incident order at
every console, frames per delivery and the largest frame.

    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python -m bench live_updates --pairs 5
"""

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.server import free_port, running_demo_server  # noqa: E402
from tests.e2e.web import WebClient  # noqa: E402

INCIDENTS = 10

# The reference server, run as its own process like ours: every text frame received on
# /publish goes to every other client, unchanged.
REFERENCE_SERVER = """
import asyncio, sys
import websockets

consoles = set()

async def handler(ws):
    if ws.request.path == "/publish":
        async for message in ws:
            websockets.broadcast(consoles, message)
        return
    consoles.add(ws)
    try:
        await ws.wait_closed()
    finally:
        consoles.discard(ws)

async def main():
    async with websockets.serve(handler, "127.0.0.1", int(sys.argv[1]), max_queue=None):
        await asyncio.Future()

asyncio.run(main())
"""


class Console:
    """One connected console: arrivals per (incident, seq) and whether order held."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.arrivals: dict[str, float] = {}
        self.last_seq: dict[int, int] = {}
        self.out_of_order = 0
        self.frames = 0
        self.largest = 0
        self.task: asyncio.Future[None] | None = None

    async def listen(self) -> None:
        async for frame in self.ws:
            now = time.monotonic()
            self.frames += 1
            self.largest = max(self.largest, len(frame))
            data = json.loads(frame)
            changes = data["changes"] if data["type"] == "changes" else [data]
            for change in changes:
                pk = change["pk"]
                incident, seq = (int(x) for x in pk.split("-"))
                if seq <= self.last_seq.get(incident, -1):
                    self.out_of_order += 1
                self.last_seq[incident] = seq
                self.arrivals[pk] = now

    def reset(self) -> None:
        self.arrivals.clear()
        self.frames = 0


async def connect_consoles(url: str, n: int, headers: dict[str, str]) -> list[Console]:
    import websockets

    consoles = []
    for _ in range(n):
        ws = await websockets.connect(url, additional_headers=headers, max_queue=None)
        consoles.append(Console(ws))
    for console in consoles:
        console.task = asyncio.ensure_future(console.listen())
    return consoles


async def drive(
    publish: Any, consoles: list[Console], run: int, *, rate: float, seconds: float
) -> dict[str, float]:
    """Publish rate x seconds changes on schedule; wait for them to arrive; measure."""
    for console in consoles:
        console.reset()
    n = int(rate * seconds)
    scheduled: dict[str, float] = {}
    start = time.monotonic() + 0.2
    for i in range(n):
        at = start + i / rate
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        incident = i % INCIDENTS
        pk = f"{incident}-{run * 100000 + i}"
        scheduled[pk] = at
        await publish(pk)
    deadline = time.monotonic() + 10
    expected = n * len(consoles)
    while time.monotonic() < deadline:
        if sum(len(c.arrivals) for c in consoles) >= expected:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)  # anything extra (a duplicate) would land now
    latencies = sorted(
        (t - scheduled[pk]) * 1000
        for c in consoles
        for pk, t in c.arrivals.items()
        if pk in scheduled
    )
    delivered = len(latencies)
    frames = sum(c.frames for c in consoles)
    return {
        "sent": expected,
        "delivered": delivered,
        "p50": latencies[len(latencies) // 2] if latencies else float("nan"),
        "p99": latencies[int(len(latencies) * 0.99)] if latencies else float("nan"),
        "frames_per_delivery": frames / delivered if delivered else float("nan"),
    }


def sign_in(base_url: str) -> str:
    from demandhub.forces.demo_data import DEMO_PASSWORD

    browser = WebClient(base_url)
    browser.sign_in("dispatcher", DEMO_PASSWORD)
    session = browser.cookie("sessionid")
    assert session, "sign-in failed"
    return session


async def bench(args: argparse.Namespace, nodes: list[Any], reference_port: int) -> None:
    import websockets
    from channels_redis.pubsub import RedisPubSubChannelLayer

    env = nodes[0].env
    layer = RedisPubSubChannelLayer(
        hosts=[{"address": env["REDIS_URL"]}], prefix=env.get("REDIS_PREFIX", "demandhub")
    )

    async def publish_ours(pk: str) -> None:
        await layer.group_send(
            "incidents", {"type": "changed", "kind": "incident.changed", "pk": pk}
        )

    reference_pub = await websockets.connect(f"ws://127.0.0.1:{reference_port}/publish")

    async def publish_reference(pk: str) -> None:
        await reference_pub.send(
            json.dumps({"type": "changed", "kind": "incident.changed", "pk": pk})
        )

    ours: list[Console] = []
    per_node = args.consoles // len(nodes)
    for node in nodes:
        session = sign_in(node.base_url)
        headers = {"Cookie": f"sessionid={session}", "Origin": node.base_url}
        url = node.base_url.replace("http://", "ws://") + "/ws/live/incidents/"
        ours += await connect_consoles(url, per_node, headers)
    reference = await connect_consoles(
        f"ws://127.0.0.1:{reference_port}/console", args.consoles, {}
    )
    await asyncio.sleep(1)  # every subscription in place

    print(
        f"{args.consoles} consoles, {args.rate:g} changes/s "
        f"({args.rate * args.consoles:g} deliveries/s), {args.seconds:g} s a run"
    )
    ratios, rows = [], []
    run = 0
    for pair in range(args.pairs):
        order = [("A", publish_reference, reference), ("B", publish_ours, ours)]
        if pair % 2:
            order.reverse()
        result = {}
        for name, publish, consoles in order:
            run += 1
            result[name] = await drive(publish, consoles, run, rate=args.rate, seconds=args.seconds)
        ratio = result["B"]["p99"] / result["A"]["p99"]
        ratios.append(ratio)
        rows.append(result)
        print(
            f"pair {pair + 1}: ref p50 {result['A']['p50']:.1f} p99 {result['A']['p99']:.1f} ms "
            f"| ours p50 {result['B']['p50']:.1f} p99 {result['B']['p99']:.1f} ms "
            f"delivered {result['B']['delivered']}/{result['B']['sent']} "
            f"frames/delivery {result['B']['frames_per_delivery']:.3f} | ratio {ratio:.2f}"
        )
    sent = sum(r["B"]["sent"] for r in rows)
    delivered = sum(r["B"]["delivered"] for r in rows)
    ref_delivered = sum(r["A"]["delivered"] for r in rows)
    print(
        f"p99 ratio ours/reference: min {min(ratios):.2f} "
        f"median {statistics.median(ratios):.2f} max {max(ratios):.2f}"
    )
    print(
        f"ours: delivered/sent {delivered / sent:.3f} ({delivered}/{sent}); out of order "
        f"{sum(c.out_of_order for c in ours)}; largest frame {max(c.largest for c in ours)} B; "
        f"p99 median {statistics.median(r['B']['p99'] for r in rows):.1f} ms"
    )
    print(
        f"reference: delivered/sent {ref_delivered / sent:.3f}; out of order "
        f"{sum(c.out_of_order for c in reference)}; "
        f"p99 median {statistics.median(r['A']['p99'] for r in rows):.1f} ms"
    )
    for console in ours + reference:
        await console.ws.close()
    await reference_pub.close()
    await layer.flush()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench live_updates")
    parser.add_argument("--pairs", type=int, default=10)
    parser.add_argument("--consoles", type=int, default=200)
    parser.add_argument("--rate", type=float, default=5.0, help="changes a second")
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each run")
    parser.add_argument("--redis-url", default=os.getenv("REDIS_URL", "redis://127.0.0.1:6379/0"))
    args = parser.parse_args(argv)

    with ExitStack() as stack:
        data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        server = stack.enter_context(
            running_demo_server(
                data_dir, name=f"bench_live_{os.getpid()}", env={"REDIS_URL": args.redis_url}
            )
        )
        second = stack.enter_context(server.another_node("b"))
        reference_port = free_port()
        reference = subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", REFERENCE_SERVER, str(reference_port)]
        )
        stack.callback(reference.wait)
        stack.callback(reference.terminate)
        time.sleep(1)
        asyncio.run(bench(args, [server, second], reference_port))


if __name__ == "__main__":
    main(sys.argv[1:])
