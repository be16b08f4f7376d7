"""Queueing formulas for staffing: Erlang B, Erlang C (M/M/N) and Erlang A (M/M/N+M).

Pure functions, no database. Times are in seconds, rates per hour at the edges (as planners
speak) and per second inside. The Erlang C formulas are the ones in ../shared/DOMAIN.md §11.
"""

import math
from dataclasses import asdict, dataclass


class ErlangError(ValueError):
    """Input the formulas cannot answer: a non-positive rate or time, or no steady state."""


class NoSteadyState(ErlangError):
    """Offered traffic at or above the number of agents: the queue grows without bound."""


@dataclass(frozen=True)
class Staffing:
    """What N agents give for one channel's traffic (Erlang C, no abandonment)."""

    agents: int
    traffic_erlangs: float
    p_wait: float
    service_level: float
    asa_seconds: float
    occupancy: float

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def _positive(**values: float) -> None:
    for name, value in values.items():
        if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
            raise ErlangError(f"{name.replace('_', ' ')} must be a positive number, not {value!r}")


def _agents(agents: int) -> None:
    if isinstance(agents, bool) or not isinstance(agents, int) or agents < 1:
        raise ErlangError(f"agents must be a whole number of at least 1, not {agents!r}")


def _unit(p: float) -> float:
    """A probability, with rounding error that strays outside [0, 1] taken off."""
    return min(1.0, max(0.0, p))


def traffic(arrivals_per_hour: float, aht_seconds: float) -> float:
    """Offered load A in erlangs: arrivals per second times the mean handling time."""
    _positive(arrivals_per_hour=arrivals_per_hour, aht_seconds=aht_seconds)
    return arrivals_per_hour * aht_seconds / 3600.0


def erlang_b(agents: int, traffic_erlangs: float) -> float:
    """Blocking probability of M/M/N/N by the stable recursion B(k) = A B(k-1)/(k + A B(k-1))."""
    _agents(agents)
    _positive(traffic_erlangs=traffic_erlangs)
    b = 1.0
    for k in range(1, agents + 1):
        b = traffic_erlangs * b / (k + traffic_erlangs * b)
    return b


def _require_steady_state(agents: int, a: float) -> None:
    if a >= agents:
        raise NoSteadyState(
            f"no steady state: traffic {a:.4g} erlangs needs more than {agents} agents "
            f"(at least {math.floor(a) + 1})"
        )


def erlang_c(agents: int, traffic_erlangs: float) -> float:
    """Probability that a contact waits: C = N B / (N - A (1 - B)), for A < N."""
    b = erlang_b(agents, traffic_erlangs)
    _require_steady_state(agents, traffic_erlangs)
    return agents * b / (agents - traffic_erlangs * (1.0 - b))


def staffing(
    *, arrivals_per_hour: float, aht_seconds: float, agents: int, target_seconds: float
) -> Staffing:
    """Service level within `target_seconds`, ASA, P(wait) and occupancy for N agents."""
    _agents(agents)
    a = traffic(arrivals_per_hour, aht_seconds)
    if not (math.isfinite(target_seconds) and target_seconds >= 0):
        raise ErlangError(f"target seconds must be zero or more, not {target_seconds!r}")
    _require_steady_state(agents, a)
    c = erlang_c(agents, a)
    sl = 1.0 - c * math.exp(-(agents - a) * target_seconds / aht_seconds)
    return Staffing(
        agents=agents,
        traffic_erlangs=a,
        p_wait=c,
        service_level=_unit(sl),
        asa_seconds=c * aht_seconds / (agents - a),
        occupancy=a / agents,
    )


def agents_needed(
    *,
    arrivals_per_hour: float,
    aht_seconds: float,
    target_seconds: float,
    service_level: float,
    max_agents: int = 100_000,
) -> Staffing:
    """The fewest agents whose service level within `target_seconds` reaches `service_level`."""
    if not (0 < service_level < 1):
        raise ErlangError(
            f"service level must be between 0 and 1 (exclusive), not {service_level!r}"
        )
    a = traffic(arrivals_per_hour, aht_seconds)
    for n in range(math.floor(a) + 1, max_agents + 1):
        result = staffing(
            arrivals_per_hour=arrivals_per_hour,
            aht_seconds=aht_seconds,
            agents=n,
            target_seconds=target_seconds,
        )
        if result.service_level >= service_level:
            return result
    raise ErlangError(f"more than {max_agents} agents would be needed")


# Erlang A (M/M/N+M): Poisson arrivals (rate lam), exponential handling (rate mu), N agents and
# exponential patience (rate theta) for those who wait. Formulas from Mandelbaum & Zeltyn, "The
# Palm/Erlang-A Queue, with Applications to Call Centers" (Technion, 2007), sections 3-4, after
# Garnett, Mandelbaum & Reiman, "Designing a Call Center with Impatient Customers", M&SOM 4(3),
# 2002. With x = N*mu/theta, y = lam/theta, rho = lam/(N*mu) and E = Erlang B(N, lam/mu):
#   A(x, y)        = 1 + sum_{j>=1} y^j / ((x+1)(x+2)...(x+j))   (= x e^y y^-x gamma(x, y))
#   P(wait)        = A(x, y) E / (1 + (A(x, y) - 1) E)
#   P(ab | wait)   = 1/(rho A(x, y)) + 1 - 1/rho
# The service level (answered within t, over all arrivals) follows from the same birth-death
# chain: an arrival finding j others waiting is answered, before its patience runs out and
# within t, with probability E[X; X >= exp(-theta t)] where X = exp(-theta V) ~ Beta(x, j+1)
# (V, its offered wait, is a sum of exponentials with rates N*mu + i*theta, i = 0..j).


@dataclass(frozen=True)
class Abandonment:
    """What N agents give for one channel's traffic when callers give up (Erlang A)."""

    agents: int
    traffic_erlangs: float
    p_wait: float
    p_abandon: float
    service_level: float
    asa_seconds: float
    occupancy: float

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


_SERIES_TOLERANCE = 1e-15


def _a_series(x: float, y: float) -> float:
    total, term, j = 1.0, 1.0, 0
    while True:
        j += 1
        term *= y / (x + j)
        total += term
        if term < _SERIES_TOLERANCE * total and j > y:
            return total


def erlang_a(
    *,
    arrivals_per_hour: float,
    aht_seconds: float,
    patience_seconds: float,
    agents: int,
    target_seconds: float = 0.0,
) -> Abandonment:
    """P(wait), P(abandon), service level, ASA and occupancy of M/M/N+M (steady state always)."""
    _agents(agents)
    a = traffic(arrivals_per_hour, aht_seconds)
    _positive(patience_seconds=patience_seconds)
    lam = arrivals_per_hour / 3600.0
    mu = 1.0 / aht_seconds
    theta = 1.0 / patience_seconds
    x, y = agents * mu / theta, lam / theta
    big_a = _a_series(x, y)
    e = erlang_b(agents, a)
    p_wait = _unit(big_a * e / (1.0 + (big_a - 1.0) * e))
    rho = lam / (agents * mu)
    p_abandon = _unit(p_wait * (1.0 / (rho * big_a) + 1.0 - 1.0 / rho))
    # Waiting arrivals find j others waiting with probability r_j / A(x, y), where
    # r_j = y^j / ((x+1)...(x+j)). Answered within t from j: x/(x+j+1) (1 - I_z(x+1, j+1)) with
    # z = exp(-theta t) and, for whole j, I_z(x+1, j+1) = z^(x+1) sum_{k=0..j} (x+1)_k/k! (1-z)^k.
    z = math.exp(-theta * target_seconds)
    zx = z ** (x + 1.0)
    r, partial, term, within, j = 1.0, 1.0, 1.0, 0.0, 0
    while True:
        within += r * (x / (x + j + 1.0)) * (1.0 - zx * partial)
        j += 1
        r *= y / (x + j)
        term *= (x + j) / j * (1.0 - z)
        partial += term
        if r < _SERIES_TOLERANCE and j > y:
            break
    service_level = (1.0 - p_wait) + p_wait * within / big_a
    # Little's law: ASA over all arrivals = E[queue]/lam, and the abandonment rate
    # theta E[queue] = lam P(abandon) gives E[queue] without another series.
    mean_queue = lam * p_abandon / theta
    return Abandonment(
        agents=agents,
        traffic_erlangs=a,
        p_wait=p_wait,
        p_abandon=p_abandon,
        service_level=_unit(service_level),
        asa_seconds=mean_queue / lam,
        occupancy=_unit(a * (1.0 - p_abandon) / agents),
    )


def scheduled_positions(agents: int, *, shrinkage: float) -> int:
    """Staff to roster so that `agents` are at their desks when a share `shrinkage` of paid time
    goes on breaks, training, leave and sickness."""
    _agents(agents)
    if not (0 <= shrinkage < 1):
        raise ErlangError(f"shrinkage must be at least 0 and below 1, not {shrinkage!r}")
    return math.ceil(agents / (1 - shrinkage) - 1e-9)
