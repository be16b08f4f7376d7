"""Living demand and replay against the real server: they go in through the public entry
points and become the contacts they said they were; a second replay adds nothing."""

import json
import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from demandhub.demand.tests.test_replay import seattle_sample

from .server import DemoServer, running_demo_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[DemoServer]:
    """A server of its own: generated chats and 999 calls would spend the public rate limits
    and jump the queues of the shared server's other tests."""
    name = f"e2e_{os.getpid()}_{worker_id}_demand"
    with running_demo_server(tmp_path_factory.mktemp("demand-server"), name=name) as server:
        yield server


@pytest.fixture(scope="module")
def token(server: DemoServer) -> str:
    issued = server.demandhub("token", "issue", "--user", "contact_gateway", "--name", "e2e")
    assert issued.returncode == 0, issued.stderr
    return re.search(r"(dh_\S+)", issued.stdout).group(1)


def count(server: DemoServer, where: str) -> int:
    return server.query(f"SELECT count(*) FROM contacts_contact WHERE {where}")[0][0]  # noqa: S608


def test_generated_demand_becomes_contacts_on_every_channel(server, token, tmp_path):
    log = tmp_path / "demand.jsonl"

    run = server.demandhub(
        "demand", "run", "--base-url", server.base_url, "--token", token,
        "--speed", "0", "--duration", "20", "--seed", "3", "--log", str(log),
    )  # fmt: skip

    assert run.returncode == 0, run.stderr
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    accepted = Counter(
        line["channel"]
        for line in lines
        if line["ok"] and line["role"] in ("first", "repeat", "duplicate", "callback")
    )
    refused = [line for line in lines if not line["ok"]]
    assert all(line["answer"] == "rate limited" and line["kind"] == "chat" for line in refused)
    for channel, n in accepted.items():
        assert count(server, f"channel = '{channel}'") == n, channel
    assert min(accepted["999"], accepted["101"], accepted["web_chat"]) > 0
    aml = [line for line in lines if line["kind"] == "aml_sms"]
    assert all(line["ok"] and "matched" in line["answer"] for line in aml)
    assert "accepted" in run.stdout


def test_replaying_the_sample_log_creates_its_calls_once(server, token, tmp_path):
    sample = tmp_path / "slice.csv"
    lines = seattle_sample().read_text(encoding="utf-8-sig").splitlines(keepends=True)
    bad = "2023999999999,,911,1,ASSAULT,ASSAULT,not a time,,EAST,CHARLIE,C3,-122.3,47.6\n"
    sample.write_text("".join(lines[:41]) + bad + "".join(lines[41:61]))
    args = ("replay", str(sample), "--base-url", server.base_url, "--token", token)
    before = count(server, "external_id LIKE 'SPD-%'")

    first = server.demandhub(*args)
    second = server.demandhub(*args)

    calls = count(server, "external_id LIKE 'SPD-%'") - before
    onview = sum(",ONVIEW," in line for line in lines[1:61])
    assert calls == 60 - onview
    assert first.returncode == 1  # one unreadable row
    assert "line 42: unreadable: Original Time Queued: 'not a time' is not a time" in first.stdout
    assert "telephony 200 applied" in first.stdout
    assert second.returncode == 1
    assert count(server, "external_id LIKE 'SPD-%'") - before == calls
    assert f"{calls}  telephony 200 duplicate" in second.stdout
    assert "telephony 200 applied" not in second.stdout
    assert "/" + str(calls) + " sent" in second.stderr  # the progress bar


def test_stop_on_error_stops_at_the_first_unreadable_row(server, token, tmp_path):
    sample = tmp_path / "bad.csv"
    header = seattle_sample().read_text(encoding="utf-8-sig").splitlines()[0]
    sample.write_text(header + "\n2023999999998,,911,1,X,X,soon,,EAST,CHARLIE,C3,-122.3,47.6\n")

    run = server.demandhub(
        "replay", str(sample), "--base-url", server.base_url, "--token", token, "--stop-on-error"
    )

    assert run.returncode == 1
    assert "line 2: 'soon' is not a time" in run.stderr.replace("Original Time Queued: ", "")
    assert count(server, "external_id = 'SPD-2023999999998'") == 0


def test_a_wrong_token_is_reported_not_hidden(server, tmp_path):
    path = Path(tmp_path / "one.csv")
    lines = seattle_sample().read_text(encoding="utf-8-sig").splitlines(keepends=True)
    path.write_text("".join(lines[:2]))

    run = server.demandhub("replay", str(path), "--base-url", server.base_url, "--token", "dh_x")

    assert run.returncode == 1
    assert "ERR line 2: SPD-" in run.stdout
    assert "sent 1: 0 accepted, 1 refused" in run.stdout
