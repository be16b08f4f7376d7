"""A discrete-event simulation of the hub: contacts arrive by channel through the week, staff
pools answer them by priority under a half-hourly rota, and callers give up when they run out
of patience.

Pure: no database. Random numbers come from one seeded numpy Generator, drawn in blocks before
the event loop, so a seed gives the same run every time. The loop is a plain heapq of
(time, pool) tuples with arrivals read from a pre-sorted list beside it; abandonment is settled
lazily (a contact whose patience ran out is dropped when it reaches the head of its queue),
which is exact because a contact who gave up uses no staff time.
"""

import heapq
import math
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

HOUR = 3600
HALF_HOUR = 1800
WEEK = 7 * 24 * HOUR
HOURS_PER_WEEK = 168
INTERVALS_PER_WEEK = 336
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
HANDLING_DISTRIBUTIONS = ("exponential", "lognormal")


class SimulationError(ValueError):
    """A channel, demand or rota the simulation cannot run."""


@dataclass(frozen=True)
class Channel:
    """How one channel's contacts are handled.

    pools: the staff pools that answer it, in order of preference (a contact goes to the first
    with someone free, else waits for whichever frees first). priority: lower is answered
    first when a pool serves several channels; equal priorities are answered in arrival order.
    patience_seconds: mean of the exponential patience of a waiting contact; None for work that
    waits for ever (online reports).
    """

    name: str
    pools: tuple[str, ...]
    priority: int
    target_seconds: float
    aht_seconds: float
    handling: str = "exponential"
    sd_seconds: float | None = None  # for lognormal handling
    patience_seconds: float | None = None

    def __post_init__(self) -> None:
        if not self.pools:
            raise SimulationError(f"channel {self.name}: needs at least one pool")
        if self.handling not in HANDLING_DISTRIBUTIONS:
            raise SimulationError(
                f"channel {self.name}: handling must be one of {', '.join(HANDLING_DISTRIBUTIONS)}"
            )
        if not self.aht_seconds > 0:
            raise SimulationError(f"channel {self.name}: aht_seconds must be positive")
        if self.handling == "lognormal" and not (self.sd_seconds and self.sd_seconds > 0):
            raise SimulationError(f"channel {self.name}: lognormal handling needs sd_seconds > 0")
        if self.patience_seconds is not None and not self.patience_seconds > 0:
            raise SimulationError(f"channel {self.name}: patience_seconds must be positive")
        if not self.target_seconds >= 0:
            raise SimulationError(f"channel {self.name}: target_seconds must be zero or more")


# The hub as the seeds describe it: 999 call handlers on their own; the same staff answer 101,
# web chat and online reports, 101 and chat before online work. Figures are planning defaults;
# a channels file overrides them (docs/capacity.md).
DEFAULT_CHANNELS: tuple[Channel, ...] = (
    Channel("999", ("emergency",), 0, 10, 300, "lognormal", 180, 120),
    Channel("101", ("shared",), 1, 120, 420, "lognormal", 300, 600),
    Channel("web_chat", ("shared",), 1, 120, 900, "lognormal", 600, 900),
    Channel("online_report", ("shared",), 2, 4 * HOUR, 1200, "exponential", None, None),
)


@dataclass(frozen=True)
class Demand:
    """Mean arrivals per hour for each channel, for each of the 168 hours of the week
    (Monday 00:00-01:00 first)."""

    rates: Mapping[str, Sequence[float]]

    def __post_init__(self) -> None:
        for name, rates in self.rates.items():
            if len(rates) != HOURS_PER_WEEK:
                raise SimulationError(f"demand for {name}: {len(rates)} hours, not 168")
            if any(not (r >= 0 and math.isfinite(r)) for r in rates):
                raise SimulationError(f"demand for {name}: rates must be zero or more")

    @classmethod
    def constant(cls, per_hour: Mapping[str, float]) -> "Demand":
        return cls({name: [rate] * HOURS_PER_WEEK for name, rate in per_hour.items()})


@dataclass(frozen=True)
class Rota:
    """Staff on duty in each pool for each of the 336 half hours of the week."""

    staff: Mapping[str, Sequence[int]]

    def __post_init__(self) -> None:
        for pool, counts in self.staff.items():
            if len(counts) != INTERVALS_PER_WEEK:
                raise SimulationError(f"rota for {pool}: {len(counts)} half hours, not 336")
            if any(int(c) != c or c < 0 for c in counts):
                raise SimulationError(f"rota for {pool}: staff must be whole numbers, 0 or more")

    @classmethod
    def constant(cls, staff: Mapping[str, int]) -> "Rota":
        return cls({pool: [n] * INTERVALS_PER_WEEK for pool, n in staff.items()})


def interval_label(k: int) -> tuple[str, str]:
    """('Tue', '13:30') for half hour k of the week."""
    minutes = (k % 48) * 30
    return DAYS[k // 48], f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class Figures:
    """Counts and measures for one channel over some stretch of the run.

    service_level and abandon_rate are shares of the contacts that were answered or gave up
    (those still waiting when the run ends are left out); asa_seconds is the mean wait of the
    answered ones.
    """

    offered: int
    answered: int
    abandoned: int
    answered_in_target: int
    service_level: float | None
    asa_seconds: float | None
    abandon_rate: float | None


@dataclass(frozen=True)
class Interval:
    """One half hour of the week, summed over every simulated week."""

    day: str
    start: str
    channels: dict[str, Figures]
    staff: dict[str, int]
    occupancy: dict[str, float | None]


@dataclass
class Result:
    weeks: int
    seed: int
    overall: dict[str, Figures]
    occupancy: dict[str, float | None]
    intervals: list[Interval]
    events: int  # arrivals, service completions and rota changes processed by the event loop
    loop_seconds: float  # time spent in the event loop alone
    total_seconds: float = field(default=0.0)
    # Per contact, in arrival order (numpy arrays): arrived, channel (index into channel_names),
    # answered (NaN if never), handling, deadline (arrival + patience), pool (index, -1).
    contacts: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    channel_names: list[str] = field(default_factory=list)
    pool_names: list[str] = field(default_factory=list)


def simulate(
    demand: Demand,
    rota: Rota,
    *,
    channels: Sequence[Channel] = DEFAULT_CHANNELS,
    weeks: int = 1,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
) -> Result:
    started = time.perf_counter()
    if not (isinstance(weeks, int) and weeks >= 1):
        raise SimulationError(f"weeks must be a whole number of at least 1, not {weeks!r}")
    by_name = {c.name: c for c in channels}
    unknown = sorted(set(demand.rates) - set(by_name))
    if unknown:
        raise SimulationError(f"demand names channels with no settings: {', '.join(unknown)}")
    active = [by_name[name] for name in by_name if name in demand.rates]
    pools = sorted({p for c in active for p in c.pools})
    missing = [p for p in pools if p not in rota.staff]
    if missing:
        raise SimulationError(f"the rota has no staff column for pool {', '.join(missing)}")

    horizon = float(weeks * WEEK)
    rng = np.random.default_rng(seed)
    arrivals = _arrivals(rng, active, demand, horizon)
    order = np.argsort(arrivals.times, kind="stable")
    times = arrivals.times[order]
    chans = arrivals.channel[order]
    hand = arrivals.handling[order]
    deadline = arrivals.deadline[order]

    loop_started = time.perf_counter()
    answered, served_by, events = _run(
        times.tolist(),
        chans.tolist(),
        hand.tolist(),
        deadline.tolist(),
        active,
        pools,
        [[int(n) for n in rota.staff[p]] for p in pools],
        horizon,
        progress,
    )
    loop_seconds = time.perf_counter() - loop_started

    result = _report(
        active,
        pools,
        rota,
        weeks,
        seed,
        times,
        chans,
        hand,
        deadline,
        np.asarray(answered, dtype=float),
        np.asarray(served_by, dtype=np.int64),
        horizon,
    )
    result.events = events
    result.loop_seconds = loop_seconds
    result.contacts = {
        "arrived": times,
        "channel": chans,
        "answered": np.asarray(answered, dtype=float),
        "handling": hand,
        "deadline": deadline,
        "pool": np.asarray(served_by, dtype=np.int64),
    }
    result.channel_names = [c.name for c in active]
    result.pool_names = pools
    result.total_seconds = time.perf_counter() - started
    return result


@dataclass(frozen=True)
class _Arrivals:
    times: np.ndarray
    channel: np.ndarray
    handling: np.ndarray
    deadline: np.ndarray


def _arrivals(
    rng: np.random.Generator, active: Sequence[Channel], demand: Demand, horizon: float
) -> _Arrivals:
    """Non-homogeneous Poisson arrivals by thinning (Lewis & Shedler, 1979): candidates at the
    channel's peak rate, each kept with probability rate(t) / peak."""
    parts = []
    for index, ch in enumerate(active):
        rates = np.asarray(demand.rates[ch.name], dtype=float) / HOUR
        peak = float(rates.max()) if len(rates) else 0.0
        if peak <= 0:
            continue
        candidates = rng.poisson(peak * horizon)
        t = np.sort(rng.uniform(0.0, horizon, candidates))
        hour = (t // HOUR).astype(np.int64) % HOURS_PER_WEEK
        t = t[rng.random(candidates) * peak < rates[hour]]
        n = len(t)
        if ch.handling == "exponential":
            handling = rng.exponential(ch.aht_seconds, n)
        else:
            sigma2 = math.log1p((ch.sd_seconds or 0) ** 2 / ch.aht_seconds**2)
            mu = math.log(ch.aht_seconds) - sigma2 / 2
            handling = rng.lognormal(mu, math.sqrt(sigma2), n)
        if ch.patience_seconds is None:
            deadline = np.full(n, math.inf)
        else:
            deadline = t + rng.exponential(ch.patience_seconds, n)
        parts.append((t, np.full(n, index, dtype=np.int64), handling, deadline))
    if not parts:
        empty = np.empty(0)
        return _Arrivals(empty, np.empty(0, dtype=np.int64), empty, empty)
    return _Arrivals(*(np.concatenate(column) for column in zip(*parts, strict=True)))


def _run(  # the hot loop is kept in one frame on purpose: no calls per event but take()
    times: list[float],
    chans: list[int],
    hand: list[float],
    deadline: list[float],
    active: Sequence[Channel],
    pools: list[str],
    rota: list[list[int]],
    horizon: float,
    progress: Callable[[float], None] | None,
) -> tuple[list[float], list[int], int]:
    """The event loop. Returns each contact's answer time (NaN if never answered), the pool
    that answered it (-1) and the number of events processed."""
    n = len(times)
    nan = math.nan
    answered = [nan] * n
    served_by = [-1] * n
    pool_index = {p: i for i, p in enumerate(pools)}
    pools_of = [tuple(pool_index[p] for p in ch.pools) for ch in active]
    queues: list[deque[int]] = [deque() for _ in active]
    # For each pool, its channels' queues grouped by priority, most urgent group first.
    groups: list[list[list[deque[int]]]] = []
    for p in pools:
        served = [i for i, ch in enumerate(active) if p in ch.pools]
        levels = sorted({active[i].priority for i in served})
        groups.append([[queues[i] for i in served if active[i].priority == lv] for lv in levels])
    staffed = [r[0] for r in rota]
    busy = [0] * len(pools)
    npools = len(pools)

    heap: list[tuple[float, int]] = [(float(HALF_HOUR), -1), (horizon, -2)]
    heappush, heappop = heapq.heappush, heapq.heappop
    inf = math.inf
    times.append(inf)  # sentinel: no more arrivals
    next_arrival = times[0]
    i = 0
    events = 0
    boundary = 0
    report_every = max(n // 100, 1)
    next_report = report_every

    def take(p: int, t: float) -> int:
        """The next contact pool p should answer at time t, or -1; drops those who gave up."""
        for group in groups[p]:
            best = -1
            best_q = None
            best_t = inf
            for q in group:
                while q and deadline[q[0]] < t:
                    q.popleft()
                if q:
                    head = q[0]
                    if times[head] < best_t:
                        best, best_q, best_t = head, q, times[head]
            if best_q is not None:
                best_q.popleft()
                return best
        return -1

    while True:
        if heap[0][0] < next_arrival:
            t, p = heappop(heap)
            events += 1
            if p >= 0:  # a contact finished in pool p
                if busy[p] > staffed[p]:  # off shift: this member of staff goes home
                    busy[p] -= 1
                    continue
                j = take(p, t)
                if j < 0:
                    busy[p] -= 1
                else:
                    answered[j] = t
                    served_by[j] = p
                    heappush(heap, (t + hand[j], p))
            elif p == -1:  # the rota moves to the next half hour
                boundary += 1
                k = boundary % INTERVALS_PER_WEEK
                for q in range(npools):
                    staffed[q] = rota[q][k]
                    while busy[q] < staffed[q]:
                        j = take(q, t)
                        if j < 0:
                            break
                        busy[q] += 1
                        answered[j] = t
                        served_by[j] = q
                        heappush(heap, (t + hand[j], q))
                if t + HALF_HOUR < horizon:
                    heappush(heap, (t + HALF_HOUR, -1))
            else:  # the end of the run
                events -= 1
                break
        else:
            t = next_arrival
            for p in pools_of[chans[i]]:
                if busy[p] < staffed[p]:
                    busy[p] += 1
                    answered[i] = t
                    served_by[i] = p
                    heappush(heap, (t + hand[i], p))
                    break
            else:
                queues[chans[i]].append(i)
            i += 1
            next_arrival = times[i]
            events += 1
            if i == next_report:
                next_report += report_every
                if progress is not None:
                    progress(i / n)
    times.pop()
    if progress is not None:
        progress(1.0)
    return answered, served_by, events


def _figures(
    offered: np.ndarray,
    answered: np.ndarray,
    abandoned: np.ndarray,
    in_target: np.ndarray,
    wait_sum: np.ndarray,
) -> list[Figures]:
    out = []
    for o, a, ab, it, w in zip(offered, answered, abandoned, in_target, wait_sum, strict=True):
        settled = a + ab
        out.append(
            Figures(
                offered=int(o),
                answered=int(a),
                abandoned=int(ab),
                answered_in_target=int(it),
                service_level=float(it / settled) if settled else None,
                asa_seconds=float(w / a) if a else None,
                abandon_rate=float(ab / settled) if settled else None,
            )
        )
    return out


def _busy_seconds(start: np.ndarray, end: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Staff-seconds busy between consecutive edges, from service start and end times:
    F(b) = sum over services of the part of [start, end) before b, by sorted prefix sums."""

    def before(points: np.ndarray) -> np.ndarray:
        points = np.sort(points)
        prefix = np.concatenate(([0.0], np.cumsum(points)))
        k = np.searchsorted(points, edges, side="left")
        return k * edges - prefix[k]

    return np.diff(before(start) - before(end))


def _report(
    active: Sequence[Channel],
    pools: list[str],
    rota: Rota,
    weeks: int,
    seed: int,
    times: np.ndarray,
    chans: np.ndarray,
    hand: np.ndarray,
    deadline: np.ndarray,
    answered_at: np.ndarray,
    served_by: np.ndarray,
    horizon: float,
) -> Result:
    slot = (times // HALF_HOUR).astype(np.int64) % INTERVALS_PER_WEEK
    was_answered = ~np.isnan(answered_at)
    abandoned = ~was_answered & (deadline < horizon)
    wait = np.where(was_answered, answered_at - times, 0.0)
    targets = np.array([ch.target_seconds for ch in active])
    in_target = was_answered & (wait <= targets[chans] if len(chans) else was_answered)

    nslots = INTERVALS_PER_WEEK
    key = chans * nslots + slot
    size = len(active) * nslots

    def count(mask: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        w = mask.astype(float) if weights is None else np.where(mask, weights, 0.0)
        return np.bincount(key, weights=w, minlength=size).reshape(len(active), nslots)

    per_slot = [
        count(np.ones(len(times), dtype=bool)),
        count(was_answered),
        count(abandoned),
        count(in_target),
        count(was_answered, wait),
    ]
    overall_counts = [m.sum(axis=1) for m in per_slot]
    overall = dict(zip([c.name for c in active], _figures(*overall_counts), strict=True))
    by_slot = [_figures(*(m[:, s] for m in per_slot)) for s in range(nslots)]

    edges = np.arange(0, weeks * nslots + 1, dtype=float) * HALF_HOUR
    occupancy_slots: dict[str, np.ndarray] = {}
    occupancy: dict[str, float | None] = {}
    for index, pool in enumerate(pools):
        mine = served_by == index
        start = answered_at[mine]
        end = np.minimum(start + hand[mine], horizon)
        busy = _busy_seconds(start, end, edges).reshape(weeks, nslots).sum(axis=0)
        staffed = np.asarray(rota.staff[pool], dtype=float) * HALF_HOUR * weeks
        with np.errstate(divide="ignore", invalid="ignore"):
            occupancy_slots[pool] = np.where(staffed > 0, busy / staffed, np.nan)
        occupancy[pool] = float(busy.sum() / staffed.sum()) if staffed.sum() else None

    intervals = []
    for s in range(nslots):
        day, start_label = interval_label(s)
        intervals.append(
            Interval(
                day=day,
                start=start_label,
                channels={c.name: by_slot[s][i] for i, c in enumerate(active)},
                staff={p: int(rota.staff[p][s]) for p in pools},
                occupancy={
                    p: None if np.isnan(occupancy_slots[p][s]) else float(occupancy_slots[p][s])
                    for p in pools
                },
            )
        )
    return Result(
        weeks=weeks,
        seed=seed,
        overall=overall,
        occupancy=occupancy,
        intervals=intervals,
        events=0,
        loop_seconds=0.0,
    )
