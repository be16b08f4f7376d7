"""Real server processes under failure: killed with SIGKILL mid-burst, their PostgreSQL
restarted under load, two nodes updating one unit at once, and Redis going away.

Each test starts its own servers (tests/e2e/server.py) and, where it takes a database or Redis
away, its own private PostgreSQL or redis-server (services.py): the machine's shared ones are
never touched. A handful of cycles here; `python -m bench durability_kill` runs hundreds.
"""
# ruff: noqa: S608  (the SQL below only interpolates integer ids read from the database)

import itertools
import os
import re
import threading
import time
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from .clients import EVENTS, Burst, console, get, issue_token, next_notice, offered, post_json
from .server import DemoServer, running_demo_server
from .services import private_postgres, private_redis

KILL_CYCLES = 3
ACKS_PER_CYCLE = 10  # contacts acknowledged between two kills
GUARD = 90  # seconds: a stuck phase fails the test instead of hanging it (not a timing)


def _name(request: pytest.FixtureRequest) -> str:
    """Short enough for a PostgreSQL database name (63 characters) with the run's prefix."""
    return re.sub(r"\W", "_", f"dur_{os.getpid()}_{request.node.name[5:20]}").lower()


def _assert_every_acknowledged_contact_stored_once(server: DemoServer, burst: Burst) -> None:
    assert not burst.refused, burst.refused
    assert not burst.crashed, burst.crashed
    rows = server.query(
        "SELECT external_id, COUNT(*) FROM contacts_contact WHERE external_id LIKE 'T%%' "
        "GROUP BY external_id".replace("%%", "%")
    )
    stored = dict(rows)
    assert set(stored) == set(burst.acked)  # senders retry until acknowledged, so sent == acked
    assert set(stored.values()) == {1}
    # A retry after a lost answer replays it: no second raw event, no second contact.
    assert server.query("SELECT COUNT(*) FROM contacts_telephonyevent")[0][0] == len(burst.acked)
    pks = {body["contact"] for body in burst.acked.values()}
    assert len(pks) == len(burst.acked)  # each answer names its own contact
    verified = server.demandhub("audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_contacts_acknowledged_before_sigkill_all_survive_and_retries_add_nothing(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
):
    with running_demo_server(tmp_path_factory.mktemp("kill"), name=_name(request)) as server:
        burst = Burst(server, issue_token(server, "contact_gateway"))
        with burst.running():
            for cycle in range(1, KILL_CYCLES + 1):
                burst.wait_for(cycle * ACKS_PER_CYCLE)
                server.kill()  # mid-request: the senders never stop
                server.start()
            burst.wait_for((KILL_CYCLES + 1) * ACKS_PER_CYCLE)
        assert 0 in burst.answers  # the kills did land while contacts were being sent
        _assert_every_acknowledged_contact_stored_once(server, burst)


@pytest.mark.postgres
def test_while_postgresql_restarts_the_service_answers_errors_and_then_recovers_by_itself(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
):
    with private_postgres() as pg:
        env = {"DATABASE_URL": pg.create_database("demandhub")}
        folder = tmp_path_factory.mktemp("pg-restart")
        with running_demo_server(folder, name=_name(request), env=env) as server:
            reader = issue_token(server, "supervisor")
            burst = Burst(server, issue_token(server, "contact_gateway"), senders=1)
            with burst.running():
                burst.wait_for(ACKS_PER_CYCLE)
                pg.stop("immediate")  # a crash: recovery from the WAL on restart
                down_since = len(burst.answers)
                health = get(server.base_url, "/healthz")
                queues = get(server.base_url, "/api/contacts/queues", token=reader)
                sent = post_json(server.base_url, EVENTS, offered("X-1"), token=burst.token)
                time.sleep(1)  # let the burst meet the outage too
                during = burst.answers[down_since:]
                acked_while_down = len(burst.acked)
                pg.start()
                burst.wait_for(acked_while_down + ACKS_PER_CYCLE)  # the same server process

            assert health == (
                503,
                {"status": "unavailable", "database": "unavailable", "channel_layer": "ok"},
            )
            assert queues[0] >= 500, queues  # an error, never an empty queue board
            assert sent[0] >= 500, sent
            assert during, "the burst sent nothing while PostgreSQL was down"
            assert all(status >= 500 for status in during), during
            assert server.process is not None
            assert server.process.poll() is None  # recovered by itself, never restarted
            _assert_every_acknowledged_contact_stored_once(server, burst)


@pytest.mark.postgres
def test_two_nodes_lose_no_update_and_a_console_on_one_hears_changes_made_on_the_other(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
):
    folder = tmp_path_factory.mktemp("nodes")
    with (
        private_redis(folder) as redis,
        running_demo_server(folder, name=_name(request), env={"REDIS_URL": redis.url}) as a,
        a.another_node("b") as b,
    ):
        token = issue_token(a, "dispatcher")
        unit, status = a.query(
            "SELECT id, status FROM dispatch_resource WHERE status IN ('available', 'off_duty') "
            "ORDER BY call_sign LIMIT 1"
        )[0]
        path = f"/api/dispatch/resources/{unit}/status"
        if status == "off_duty":
            assert post_json(a.base_url, path, {"status": "available"}, token=token)[0] == 200

        # A change made through node A reaches a console connected to node B.
        with console(b, "resources") as socket:
            assert post_json(a.base_url, path, {"status": "unavailable"}, token=token)[0] == 200
            notice = next_notice(socket, timeout=1.0)
        assert notice == {"type": "changed", "kind": "resource.status", "pk": str(unit)}

        # Four dispatchers on two nodes flip the same unit at once: every change accepted is
        # recorded once, each starting from the status the one before left.
        def changes() -> list[tuple[str, str]]:
            return a.query(
                "SELECT old_status, new_status FROM dispatch_statuschange "
                f"WHERE resource_id = {int(unit)} ORDER BY changed_at, id"
            )

        def audited() -> int:
            return int(
                a.query(
                    "SELECT COUNT(*) FROM audit_event WHERE action = 'resource.status_changed' "
                    f"AND subject_id = '{int(unit)}'"
                )[0][0]
            )

        before, audited_before = len(changes()), audited()
        answers: list[int] = []

        def flip(node: DemoServer, n: int) -> None:
            for i in range(8):
                wanted = "available" if (i + n) % 2 == 0 else "unavailable"
                answers.append(post_json(node.base_url, path, {"status": wanted}, token=token)[0])

        threads = [
            threading.Thread(target=flip, args=(node, n)) for n, node in enumerate([a, b, a, b])
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(GUARD)
        assert set(answers) <= {200, 409}, answers  # 409: already in that status
        chain = changes()
        accepted = answers.count(200)
        assert accepted >= 2
        assert len(chain) - before == accepted
        assert audited() - audited_before == accepted
        assert all(prev[1] == nxt[0] for prev, nxt in itertools.pairwise(chain[before - 1 :]))
        final = a.query(f"SELECT status FROM dispatch_resource WHERE id = {int(unit)}")[0][0]
        assert final == chain[-1][1]

        # Redis goes away: both nodes keep serving and saving; the health check names it.
        survivor = console(b, "resources")  # a console open through the outage
        redis.stop()
        now_status = final
        for node in (a, b):
            now_status = "available" if now_status == "unavailable" else "unavailable"
            assert post_json(node.base_url, path, {"status": now_status}, token=token)[0] == 200
        assert get(b.base_url, "/healthz") == (
            503,
            {"status": "unavailable", "database": "ok", "channel_layer": "unavailable"},
        )
        saved = a.query(f"SELECT status FROM dispatch_resource WHERE id = {int(unit)}")[0][0]
        assert saved == now_status

        # Redis returns: a console open through the outage was either cut off (live.js then
        # reconnects and re-fetches) or still hears changes; it is never left open and deaf.
        redis.start()
        deadline = time.monotonic() + GUARD
        while get(b.base_url, "/healthz")[0] != 200:
            assert time.monotonic() < deadline, "node B never became healthy again"
            time.sleep(0.2)
        with survivor, console(b, "resources") as socket:
            now_status = "available" if now_status == "unavailable" else "unavailable"
            assert post_json(a.base_url, path, {"status": now_status}, token=token)[0] == 200
            try:
                notice = next_notice(socket, timeout=1.0)
            except (TimeoutError, ConnectionClosed) as e:
                pytest.fail(f"no live notice after Redis came back: {e!r}")
            try:
                heard: dict[str, Any] | str = next_notice(survivor, timeout=1.0)
            except ConnectionClosed:
                heard = "closed"
            except TimeoutError:
                pytest.fail("a console open through the outage stayed open but heard nothing")
        assert notice == {"type": "changed", "kind": "resource.status", "pk": str(unit)}
        assert heard in ("closed", notice)
