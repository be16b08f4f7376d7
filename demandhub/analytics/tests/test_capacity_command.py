"""`demandhub capacity erlang-c`: JSON out, agents needed, bad input on stderr with exit 2."""

import json

import pytest

from demandhub.__main__ import main


def run(capsys, *args: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    try:
        main(["capacity", *args])
        code = 0
    except SystemExit as e:
        code = int(e.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_erlang_c_prints_the_figures_for_n_agents_as_json(capsys):
    code, out, _ = run(
        capsys, "erlang-c", "--arrivals-per-hour", "200", "--aht-seconds", "180",
        "--agents", "14", "--target-seconds", "20",
    )  # fmt: skip

    figures = json.loads(out)
    assert code == 0
    assert set(figures) == {
        "service_level",
        "asa_seconds",
        "p_wait",
        "occupancy",
        "traffic_erlangs",
    }
    assert figures["service_level"] == pytest.approx(0.8884, abs=5e-5)
    assert figures["traffic_erlangs"] == pytest.approx(10)


def test_erlang_c_with_a_service_level_prints_the_agents_needed(capsys):
    code, out, _ = run(
        capsys, "erlang-c", "--arrivals-per-hour", "200", "--aht-seconds", "180",
        "--service-level", "0.9", "--target-seconds", "20",
    )  # fmt: skip

    figures = json.loads(out)
    assert code == 0
    assert figures["agents_needed"] == 15
    assert figures["service_level"] >= 0.9


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--arrivals-per-hour", "200", "--agents", "9"], "no steady state: traffic 10 erlangs"),
        (["--arrivals-per-hour", "0", "--agents", "9"], "arrivals per hour must be a positive"),
        (["--arrivals-per-hour", "200", "--service-level", "1.5"], "service level must be between"),
    ],
)
def test_bad_input_is_reported_on_stderr_with_exit_status_2(capsys, args, message):
    code, out, err = run(
        capsys, "erlang-c", "--aht-seconds", "180", "--target-seconds", "20", *args
    )

    assert code == 2
    assert out == ""
    assert message in err


def test_giving_both_agents_and_a_service_level_is_refused(capsys):
    code, _, err = run(
        capsys, "erlang-c", "--arrivals-per-hour", "200", "--aht-seconds", "180",
        "--target-seconds", "20", "--agents", "14", "--service-level", "0.9",
    )  # fmt: skip

    assert code == 2
    assert "not allowed with argument" in err
