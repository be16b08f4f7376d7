"""How fast the hub simulation runs: a year of demand end to end, its events per second
against a bare heapq event loop doing as many events in the same run, and a plain M/M/c year
against SimPy running the same model.

    .venv/bin/python -m bench.capacity_simulate [--pairs N] [--simpy-runs N]

Pairs are interleaved (simulation, then bare loop, then simulation ...) so that the machine's
noise falls on both sides of each ratio.
"""

import argparse
import heapq
import random
import statistics
import sys
import time
from pathlib import Path

from demandhub.analytics import erlang, planfiles
from demandhub.analytics.simulation import Channel, Demand, Rota, simulate

EXAMPLES = Path(__file__).resolve().parents[1] / "demandhub/analytics/examples"
WEEKS = 52

# A plain M/M/c year of about 450,000 contacts: 51.5 an hour, 10 minutes each, 11 agents.
MMC_PER_HOUR, MMC_AHT, MMC_AGENTS, MMC_TARGET = 51.5, 600.0, 11, 20.0


def year_of_the_hub(seed: int):  # type: ignore[no-untyped-def]
    demand = planfiles.read_file(EXAMPLES / "demand.csv", planfiles.read_demand)
    rota = planfiles.read_file(EXAMPLES / "rota.csv", planfiles.read_rota)
    channels = planfiles.read_file(EXAMPLES / "channels.csv", planfiles.read_channels)
    return simulate(demand, rota, channels=channels, weeks=WEEKS, seed=seed)


def bare_heapq_loop(events: int, seed: int) -> float:
    """Seconds for a minimal event loop to process `events` events: pop the earliest, push
    its successor, with pre-drawn random delays; the floor any heapq simulation stands on."""
    rng = random.Random(seed)
    delays = [rng.expovariate(1.0) for _ in range(events)]
    heap = [(rng.random(), k) for k in range(16)]
    heapq.heapify(heap)
    heappush, heappop = heapq.heappush, heapq.heappop
    started = time.perf_counter()
    for i in range(events):
        t, k = heappop(heap)
        heappush(heap, (t + delays[i], k))
    return time.perf_counter() - started


def simpy_mmc(seed: int) -> tuple[float, int, float]:
    """The same plain M/M/c year in SimPy: (seconds, contacts, service level)."""
    import simpy

    rng = random.Random(seed)
    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=MMC_AGENTS)
    rate, mean = MMC_PER_HOUR / 3600, MMC_AHT
    horizon = WEEKS * 7 * 24 * 3600
    waits: list[float] = []

    def contact(env, arrived):  # type: ignore[no-untyped-def]
        with desk.request() as req:
            yield req
            waits.append(env.now - arrived)
            yield env.timeout(rng.expovariate(1 / mean))

    def arrivals(env):  # type: ignore[no-untyped-def]
        while True:
            yield env.timeout(rng.expovariate(rate))
            env.process(contact(env, env.now))

    env.process(arrivals(env))
    started = time.perf_counter()
    env.run(until=horizon)
    seconds = time.perf_counter() - started
    return seconds, len(waits), sum(w <= MMC_TARGET for w in waits) / len(waits)


def ours_mmc(seed: int) -> tuple[float, int, float]:
    channel = Channel("calls", ("desk",), 0, MMC_TARGET, MMC_AHT, "exponential")
    started = time.perf_counter()
    result = simulate(
        Demand.constant({"calls": MMC_PER_HOUR}),
        Rota.constant({"desk": MMC_AGENTS}),
        channels=[channel],
        weeks=WEEKS,
        seed=seed,
    )
    seconds = time.perf_counter() - started
    figures = result.overall["calls"]
    return seconds, figures.offered, figures.service_level or 0.0


def spread(values: list[float]) -> str:
    return f"min {min(values):.3f}  median {statistics.median(values):.3f}  max {max(values):.3f}"


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.capacity_simulate")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--simpy-runs", type=int, default=2)
    args = parser.parse_args(argv)

    print(f"Python {sys.version.split()[0]}; a year = {WEEKS} weeks of the example demand")
    totals, loops, ratios_loop, ratios_total = [], [], [], []
    for pair in range(args.pairs):
        result = year_of_the_hub(seed=pair)
        bare = bare_heapq_loop(result.events, seed=pair)
        contacts = sum(f.offered for f in result.overall.values())
        totals.append(result.total_seconds)
        loops.append(result.loop_seconds)
        ratios_loop.append(bare / result.loop_seconds)
        ratios_total.append(bare / result.total_seconds)
        print(
            f"  pair {pair}: {contacts} contacts, {result.events} events; simulation "
            f"{result.total_seconds:.3f} s (event loop {result.loop_seconds:.3f} s); "
            f"bare heapq loop {bare:.3f} s"
        )
    print(f"year-long simulation, end to end (s):             {spread(totals)}")
    print(f"year-long simulation, event loop only (s):        {spread(loops)}")
    print(f"events/s vs bare heapq loop, event loop only:     {spread(ratios_loop)}")
    print(f"events/s vs bare heapq loop, end to end:          {spread(ratios_total)}")

    if args.simpy_runs:
        expected = erlang.staffing(
            arrivals_per_hour=MMC_PER_HOUR,
            aht_seconds=MMC_AHT,
            agents=MMC_AGENTS,
            target_seconds=MMC_TARGET,
        ).service_level
        print(
            f"plain M/M/c year ({MMC_PER_HOUR}/h, AHT {MMC_AHT:.0f} s, {MMC_AGENTS} agents; "
            f"Erlang C SL({MMC_TARGET:.0f} s) = {expected:.4f})"
        )
        speedups = []
        for run in range(args.simpy_runs):
            s_ours, n_ours, sl_ours = ours_mmc(seed=run)
            s_simpy, n_simpy, sl_simpy = simpy_mmc(seed=run)
            speedups.append(s_simpy / s_ours)
            print(
                f"  run {run}: ours {s_ours:.3f} s ({n_ours} contacts, SL {sl_ours:.4f}); "
                f"SimPy {s_simpy:.3f} s ({n_simpy} contacts, SL {sl_simpy:.4f})"
            )
        print(f"SimPy time / our time, same model:                {spread(speedups)}")


if __name__ == "__main__":
    main(sys.argv[1:])
