"""Erlang B, C and A against published test vectors, an independent birth-death solver, and
properties that must hold for any input."""

import csv
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from demandhub.analytics import erlang
from demandhub.analytics.erlang import ErlangError, NoSteadyState
from tests.shared_reference import shared_reference


def _vectors() -> list[dict[str, str]]:
    with shared_reference("erlang/test_vectors.csv").open(newline="") as f:
        return list(csv.DictReader(f))


def _largest(predicate, lo: float, hi: float) -> float:  # type: ignore[no-untyped-def]
    """The largest x in [lo, hi] with predicate(x) true, by bisection (predicate monotone)."""
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if predicate(mid) else (lo, mid)
    return lo


def _fewest(predicate, start: int = 1) -> int:  # type: ignore[no-untyped-def]
    n = start
    while not predicate(n):
        n += 1
    return n


def _erlang_a(row: dict[str, str]) -> erlang.Abandonment:
    aht = float(row["aht_s"])
    # The published Erlang A case: 100 arrivals per 30 minutes, mean patience 5 minutes.
    return erlang.erlang_a(
        arrivals_per_hour=float(row["traffic_erlangs"]) * 3600 / aht,
        aht_seconds=aht,
        patience_seconds=300,
        agents=int(row["agents"]),
        target_seconds=float(row["target_s"] or 0),
    )


def _computed(row: dict[str, str]) -> float:
    model, metric = row["model"], row["metric"]
    n = int(row["agents"])
    a = float(row["traffic_erlangs"]) if row["traffic_erlangs"] else None
    aht = float(row["aht_s"]) if row["aht_s"] else None
    if model == "erlang_a":
        result = _erlang_a(row)
        return {
            "prob_wait": result.p_wait,
            "prob_abandon": result.p_abandon,
            "occupancy": result.occupancy,
            "asa_minutes": result.asa_seconds / 60,
            "service_level": result.service_level,
        }[metric]
    if model == "erlang_b":
        if metric == "blocking":
            return erlang.erlang_b(n, a)
        if metric.startswith("max_traffic_for_blocking<="):
            limit = float(metric.split("<=")[1])
            return _largest(lambda x: erlang.erlang_b(n, x) <= limit, 1e-9, n)
        if metric.startswith("min_lines_for_blocking<="):
            limit = float(metric.split("<=")[1])
            return _fewest(lambda k: erlang.erlang_b(k, a) <= limit)
    if model == "erlang_c":
        if metric == "service_level":
            return erlang.staffing(
                arrivals_per_hour=a * 3600 / aht,
                aht_seconds=aht,
                agents=n,
                target_seconds=float(row["target_s"]),
            ).service_level
        if metric == "prob_wait":
            return erlang.erlang_c(n, a)
        if metric == "occupancy":
            return a / n
        if metric == "asa_seconds":
            return erlang.staffing(
                arrivals_per_hour=a * 3600 / aht, aht_seconds=aht, agents=n, target_seconds=0
            ).asa_seconds
        if metric == "scheduled_positions_with_30pct_shrinkage":
            return erlang.scheduled_positions(n, shrinkage=0.3)
        if metric.startswith("min_agents_for_prob_wait<="):
            limit = float(metric.split("<=")[1])
            return _fewest(lambda k: erlang.erlang_c(k, a) <= limit, math.floor(a) + 1)
        if metric.startswith("max_traffic_for_prob_wait<="):
            limit = float(metric.split("<=")[1])
            return _largest(lambda x: erlang.erlang_c(n, x) <= limit, 1e-9, n - 1e-9)
    raise AssertionError(f"no check written for {model} {metric}")


def test_every_published_vector_is_reproduced_within_its_tolerance():
    rows = _vectors()
    assert len(rows) >= 20

    misses = [
        (r["model"], r["agents"], r["metric"], r["expected"], _computed(r))
        for r in rows
        if abs(_computed(r) - float(r["expected"])) > float(r["tolerance"]) + 1e-12
    ]

    assert misses == []


def test_the_worked_example_gives_the_published_figures():
    result = erlang.staffing(arrivals_per_hour=200, aht_seconds=180, agents=14, target_seconds=20)

    assert result.traffic_erlangs == pytest.approx(10)
    assert result.service_level == pytest.approx(0.8884, abs=5e-5)
    assert result.p_wait == pytest.approx(0.1741, abs=5e-5)
    assert result.asa_seconds == pytest.approx(7.84, abs=5e-3)


def test_agents_needed_is_the_fewest_that_reach_the_target():
    result = erlang.agents_needed(
        arrivals_per_hour=200, aht_seconds=180, target_seconds=20, service_level=0.8
    )

    assert result.agents == 14
    assert result.service_level >= 0.8
    fewer = erlang.staffing(arrivals_per_hour=200, aht_seconds=180, agents=13, target_seconds=20)
    assert fewer.service_level < 0.8


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"arrivals_per_hour": 0}, "arrivals per hour must be a positive number, not 0"),
        ({"arrivals_per_hour": -5}, "arrivals per hour must be a positive number, not -5"),
        ({"aht_seconds": 0}, "aht seconds must be a positive number"),
        ({"agents": 0}, "agents must be a whole number of at least 1"),
        ({"target_seconds": -1}, "target seconds must be zero or more"),
        ({"arrivals_per_hour": float("nan")}, "arrivals per hour must be a positive number"),
    ],
)
def test_bad_input_is_refused_naming_the_field(kwargs, message):
    args = {"arrivals_per_hour": 200, "aht_seconds": 180, "agents": 14, "target_seconds": 20}

    with pytest.raises(ErlangError, match=message):
        erlang.staffing(**{**args, **kwargs})


def test_more_load_than_agents_has_no_steady_state_and_says_so():
    with pytest.raises(
        NoSteadyState, match="no steady state: traffic 10 erlangs needs more than 10 agents"
    ):
        erlang.staffing(arrivals_per_hour=200, aht_seconds=180, agents=10, target_seconds=20)


def test_a_service_level_target_outside_zero_to_one_is_refused():
    with pytest.raises(ErlangError, match="between 0 and 1"):
        erlang.agents_needed(
            arrivals_per_hour=200, aht_seconds=180, target_seconds=20, service_level=1.2
        )


def _birth_death(lam: float, mu: float, theta: float, n: int, cap: int = 4000) -> dict[str, float]:
    """Stationary M/M/N+M by direct balance over a truncated state space (independent of the
    series in erlang.erlang_a): P(wait) = P(all agents busy) by PASTA, P(abandon) from the
    abandonment rate θ·E[Q] over λ."""
    weights = [1.0]
    for k in range(1, n + cap):
        death = min(k, n) * mu + max(k - n, 0) * theta
        weights.append(weights[-1] * lam / death)
    total = sum(weights)
    pi = [w / total for w in weights]
    p_wait = sum(pi[n:])
    queue = sum((k - n) * p for k, p in enumerate(pi) if k > n)
    return {"p_wait": p_wait, "p_abandon": theta * queue / lam}


@pytest.mark.parametrize(
    ("arrivals_per_hour", "aht", "patience", "agents"),
    [
        (200, 180, 300, 14),
        (120, 300, 60, 8),
        (900, 240, 120, 55),
        (50, 600, 900, 5),
        (400, 200, 30, 20),
    ],
)
def test_erlang_a_agrees_with_the_birth_death_chain(arrivals_per_hour, aht, patience, agents):
    result = erlang.erlang_a(
        arrivals_per_hour=arrivals_per_hour,
        aht_seconds=aht,
        patience_seconds=patience,
        agents=agents,
    )

    chain = _birth_death(arrivals_per_hour / 3600, 1 / aht, 1 / patience, agents)
    assert result.p_wait == pytest.approx(chain["p_wait"], abs=1e-9)
    assert result.p_abandon == pytest.approx(chain["p_abandon"], abs=1e-9)


def test_erlang_a_has_a_steady_state_even_when_load_exceeds_agents():
    result = erlang.erlang_a(
        arrivals_per_hour=400, aht_seconds=180, patience_seconds=120, agents=15, target_seconds=10
    )

    assert result.p_abandon > 0.05
    assert 0 <= result.service_level <= 1
    assert result.occupancy < 1


def test_very_patient_callers_approach_erlang_c():
    patient = erlang.erlang_a(
        arrivals_per_hour=200, aht_seconds=180, patience_seconds=1e7, agents=14, target_seconds=20
    )

    c = erlang.staffing(arrivals_per_hour=200, aht_seconds=180, agents=14, target_seconds=20)
    assert patient.service_level == pytest.approx(c.service_level, abs=1e-3)
    assert patient.p_wait == pytest.approx(c.p_wait, abs=1e-3)


loads = st.tuples(
    st.floats(min_value=1, max_value=2000),  # arrivals per hour
    st.floats(min_value=10, max_value=1800),  # AHT seconds
    st.floats(min_value=0, max_value=600),  # target seconds
)


@given(loads, st.integers(min_value=0, max_value=30))
def test_more_agents_never_lower_the_service_level(load, extra):
    arrivals, aht, target = load
    a = arrivals * aht / 3600
    n = math.floor(a) + 1 + extra

    here = erlang.staffing(
        arrivals_per_hour=arrivals, aht_seconds=aht, agents=n, target_seconds=target
    )
    more = erlang.staffing(
        arrivals_per_hour=arrivals, aht_seconds=aht, agents=n + 1, target_seconds=target
    )

    assert 0 <= here.service_level <= 1
    assert 0 <= here.p_wait <= 1
    assert more.service_level >= here.service_level - 1e-12
    assert more.asa_seconds <= here.asa_seconds + 1e-9


@given(
    st.floats(min_value=1, max_value=600),
    st.floats(min_value=30, max_value=900),
    st.floats(min_value=5, max_value=1200),
    st.integers(min_value=1, max_value=40),
    st.floats(min_value=0, max_value=120),
)
def test_erlang_a_stays_in_range_and_more_agents_help(arrivals, aht, patience, n, target):
    def at(agents: int) -> erlang.Abandonment:
        return erlang.erlang_a(
            arrivals_per_hour=arrivals,
            aht_seconds=aht,
            patience_seconds=patience,
            agents=agents,
            target_seconds=target,
        )

    here, more = at(n), at(n + 1)

    for value in (here.p_wait, here.p_abandon, here.service_level, here.occupancy):
        assert 0 <= value <= 1
    assert more.p_abandon <= here.p_abandon + 1e-12
    assert more.service_level >= here.service_level - 1e-9


def test_shrinkage_turns_agents_into_scheduled_positions():
    assert erlang.scheduled_positions(14, shrinkage=0.3) == 20
    with pytest.raises(ErlangError, match="shrinkage"):
        erlang.scheduled_positions(14, shrinkage=1)
