"""The simulation against queueing theory (Erlang C, Erlang A) and against the rules it must
follow: priorities, the rota, staff finishing their contact at the end of a shift."""

import numpy as np
import pytest

from demandhub.analytics import erlang
from demandhub.analytics.simulation import (
    HALF_HOUR,
    INTERVALS_PER_WEEK,
    Channel,
    Demand,
    Rota,
    SimulationError,
    simulate,
)


def single(target: float, aht: float, patience: float | None = None) -> list[Channel]:
    return [Channel("calls", ("desk",), 0, target, aht, "exponential", None, patience)]


# M/M/c cases with time scaled down (AHT of seconds) so that a one-week run holds about 600,000
# contacts. Over 12 seeds the simulated service level differed from Erlang C with a standard
# deviation of about 0.0011-0.0014 at this length, so 0.005 is about four standard deviations.
MMC_CASES = [
    pytest.param(3600, 1.0, 2, 0.5, id="2 agents, 1 erlang"),
    pytest.param(3600, 3.0, 5, 1.0, id="5 agents, 3 erlangs"),
]


@pytest.mark.parametrize(("per_hour", "aht", "agents", "target"), MMC_CASES)
def test_a_plain_queue_agrees_with_erlang_c_on_service_level(per_hour, aht, agents, target):
    result = simulate(
        Demand.constant({"calls": per_hour}),
        Rota.constant({"desk": agents}),
        channels=single(target, aht),
        seed=20,
    )

    expected = erlang.staffing(
        arrivals_per_hour=per_hour, aht_seconds=aht, agents=agents, target_seconds=target
    )
    figures = result.overall["calls"]
    assert figures.offered > 500_000
    assert figures.abandoned == 0
    assert figures.service_level == pytest.approx(expected.service_level, abs=0.005)
    assert figures.asa_seconds == pytest.approx(expected.asa_seconds, rel=0.05)
    assert result.occupancy["desk"] == pytest.approx(expected.occupancy, abs=0.005)


@pytest.mark.parametrize(
    ("per_hour", "aht", "patience", "agents"),
    [
        pytest.param(200, 180, 300, 14, id="published case, 1.4% give up"),
        pytest.param(400, 180, 120, 15, id="overloaded, a quarter give up"),
    ],
)
def test_callers_giving_up_agree_with_erlang_a(per_hour, aht, patience, agents):
    result = simulate(
        Demand.constant({"calls": per_hour}),
        Rota.constant({"desk": agents}),
        channels=single(20, aht, patience),
        weeks=3,
        seed=7,
    )

    expected = erlang.erlang_a(
        arrivals_per_hour=per_hour,
        aht_seconds=aht,
        patience_seconds=patience,
        agents=agents,
        target_seconds=20,
    )
    figures = result.overall["calls"]
    assert figures.abandon_rate == pytest.approx(expected.p_abandon, abs=0.01)
    assert figures.service_level == pytest.approx(expected.service_level, abs=0.02)


def _waiting_when(contacts: dict, channel: int, moments: np.ndarray) -> np.ndarray:
    """How many contacts of `channel` were waiting at each moment (arrived before it and
    answered after it)."""
    mine = contacts["channel"] == channel
    arrived = np.sort(contacts["arrived"][mine])
    answered = np.sort(np.nan_to_num(contacts["answered"][mine], nan=np.inf))
    return np.searchsorted(arrived, moments, side="left") - np.searchsorted(
        answered, moments, side="right"
    )


def test_a_shared_pool_answers_999_before_101_and_101_before_online_work():
    channels = [
        Channel("999", ("desk",), 0, 10, 240),
        Channel("101", ("desk",), 1, 60, 240),
        Channel("online_report", ("desk",), 2, 3600, 240),
    ]
    result = simulate(
        Demand.constant({"999": 60, "101": 60, "online_report": 30}),
        Rota.constant({"desk": 10}),
        channels=channels,
        seed=3,
    )

    c = result.contacts
    names = result.channel_names
    answers_101 = c["answered"][c["channel"] == names.index("101")]
    answers_online = c["answered"][c["channel"] == names.index("online_report")]
    assert (_waiting_when(c, names.index("999"), answers_101[~np.isnan(answers_101)]) == 0).all()
    assert (_waiting_when(c, names.index("101"), answers_online) == 0).all()
    asa = {name: f.asa_seconds for name, f in result.overall.items()}
    assert asa["999"] < asa["101"] < asa["online_report"]


def test_equal_priorities_are_answered_in_arrival_order():
    channels = [Channel("101", ("desk",), 1, 60, 300), Channel("web_chat", ("desk",), 1, 60, 300)]
    result = simulate(
        Demand.constant({"101": 40, "web_chat": 40}),
        Rota.constant({"desk": 7}),
        channels=channels,
        seed=5,
    )

    c = result.contacts
    order = np.argsort(c["arrived"])
    answered = c["answered"][order]
    waited = answered[answered > c["arrived"][order]]
    assert (np.diff(waited) >= 0).all()  # queued contacts are answered first come, first served


def test_a_second_pool_answers_a_channel_only_when_the_first_is_all_busy():
    channels = [
        Channel("999", ("emergency", "shared"), 0, 10, 300),
        Channel("101", ("shared",), 1, 60, 300),
    ]
    result = simulate(
        Demand.constant({"999": 25, "101": 20}),
        Rota.constant({"emergency": 3, "shared": 4}),
        channels=channels,
        seed=11,
    )

    c = result.contacts
    emergency, shared = result.pool_names.index("emergency"), result.pool_names.index("shared")
    is_999 = c["channel"] == result.channel_names.index("999")
    overflow = c["answered"][is_999 & (c["pool"] == shared)]
    assert 0 < len(overflow) < is_999.sum() / 4
    # At each moment the shared pool took a 999 call, every emergency handler was on a call.
    on_calls = _in_service(c, emergency, overflow - 1e-9)
    assert (on_calls == 3).all()


def _in_service(contacts: dict, pool: int, moments: np.ndarray) -> np.ndarray:
    mine = contacts["pool"] == pool
    start = np.sort(contacts["answered"][mine])
    end = np.sort(contacts["answered"][mine] + contacts["handling"][mine])
    return np.searchsorted(start, moments, side="right") - np.searchsorted(
        end, moments, side="right"
    )


def test_the_rota_is_followed_half_hour_by_half_hour():
    staff = [4] * INTERVALS_PER_WEEK
    staff[2:6] = [0, 0, 0, 0]  # nobody 01:00-03:00 on Monday
    staff[20:24] = [1, 1, 1, 1]  # one person 10:00-12:00
    result = simulate(
        Demand.constant({"calls": 30}),
        Rota({"desk": staff}),
        channels=single(20, 240),
        weeks=2,
        seed=9,
    )

    c = result.contacts
    answered = c["answered"][~np.isnan(c["answered"])]
    slot = (answered // HALF_HOUR).astype(int) % INTERVALS_PER_WEEK
    assert not ((slot >= 2) & (slot < 6) & (answered % HALF_HOUR > 0)).any()
    assert ((slot == 6) & (answered % HALF_HOUR == 0)).any()  # the queue is taken at 03:00
    busy = _in_service(c, 0, answered)
    allowed = np.asarray(staff)[slot]
    assert (busy <= np.maximum(allowed, 1)).all()
    assert (busy[(slot >= 20) & (slot < 24)] <= 1).all()
    assert result.intervals[3].staff == {"desk": 0}
    assert result.intervals[3].channels["calls"].answered_in_target == 0  # counted by arrival


def test_staff_finish_the_contact_in_hand_when_their_shift_ends():
    staff = [3] * INTERVALS_PER_WEEK
    staff[4:] = [0] * (INTERVALS_PER_WEEK - 4)  # everyone goes home at 02:00 on Monday
    result = simulate(
        Demand.constant({"calls": 30}),
        Rota({"desk": staff}),
        channels=single(20, 600),
        seed=2,
    )

    c = result.contacts
    answered = c["answered"]
    ends = answered + c["handling"]
    assert np.nanmax(answered) <= 4 * HALF_HOUR
    assert np.nanmax(ends) > 4 * HALF_HOUR  # a contact in hand at 02:00 was finished


def test_the_same_seed_gives_the_same_run_and_another_seed_does_not():
    def run(seed: int) -> object:
        return simulate(
            Demand.constant({"calls": 100}),
            Rota.constant({"desk": 9}),
            channels=single(20, 300, 200),
            seed=seed,
        ).overall

    assert run(1) == run(1)
    assert run(1) != run(2)


def test_a_rate_profile_is_followed_hour_by_hour():
    rates = [0.0] * 168
    rates[9] = 600.0  # only Monday 09:00-10:00
    result = simulate(
        Demand({"calls": rates}), Rota.constant({"desk": 5}), channels=single(20, 1), weeks=4
    )

    offered = [i.channels["calls"].offered for i in result.intervals]
    assert sum(offered) == sum(offered[18:20])
    assert sum(offered) == pytest.approx(4 * 600, rel=0.1)


def test_no_demand_gives_an_empty_but_valid_report():
    result = simulate(
        Demand.constant({"calls": 0}), Rota.constant({"desk": 2}), channels=single(20, 60)
    )

    assert result.overall["calls"].offered == 0
    assert result.overall["calls"].service_level is None
    assert result.occupancy["desk"] == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"demand": Demand.constant({"fax": 3})}, "demand names channels with no settings: fax"),
        ({"rota": Rota.constant({"other": 3})}, "the rota has no staff column for pool desk"),
        ({"weeks": 0}, "weeks must be a whole number of at least 1"),
    ],
)
def test_inconsistent_input_is_refused(kwargs, message):
    args = {
        "demand": Demand.constant({"calls": 3}),
        "rota": Rota.constant({"desk": 3}),
        "channels": single(20, 60),
    }

    with pytest.raises(SimulationError, match=message):
        simulate(**{**args, **kwargs})


def test_negative_rates_and_partial_weeks_are_refused():
    with pytest.raises(SimulationError, match="rates must be zero or more"):
        Demand.constant({"calls": -1})
    with pytest.raises(SimulationError, match="100 hours, not 168"):
        Demand({"calls": [1.0] * 100})
    with pytest.raises(SimulationError, match="staff must be whole numbers"):
        Rota.constant({"desk": -2})
