"""`demandhub serve --http-workers N`: HTTP on gunicorn's sync workers, websockets on uvicorn
beside it; the default stays one uvicorn process serving both."""

import io
import os
import signal
import sys
import threading

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from demandhub.core.management.commands import serve


@override_settings(REDIS_URL="")
def test_http_workers_without_redis_is_refused(monkeypatch):
    started: list[list[list[str]]] = []
    monkeypatch.setattr(serve, "run_together", lambda commands: started.append(commands) or 0)

    with pytest.raises(CommandError, match="--http-workers needs REDIS_URL"):
        call_command("serve", http_workers=2)

    assert started == []


@override_settings(REDIS_URL="redis://cache.example:6379/0")
def test_http_workers_run_gunicorn_on_the_port_and_uvicorn_on_the_next(monkeypatch):
    started: list[list[list[str]]] = []
    monkeypatch.setattr(serve, "run_together", lambda commands: started.append(commands) or 0)
    monkeypatch.delenv("CONN_MAX_AGE", raising=False)

    call_command("serve", host="10.0.0.11", port=8000, http_workers=4)

    assert started == [
        [
            (
                [
                    *(sys.executable, "-m", "gunicorn", "demandhub.config.wsgi:application"),
                    *("--bind", "10.0.0.11:8000", "--workers", "4", "--worker-class", "sync"),
                    *("--access-logfile", "-"),
                ],
                {"CONN_MAX_AGE": "60"},
            ),
            (
                [
                    *(sys.executable, "-m", "uvicorn", "demandhub.config.asgi:application"),
                    *("--host", "10.0.0.11", "--port", "8001", "--workers", "1"),
                    *("--lifespan", "off", "--proxy-headers"),
                ],
                {"CONN_MAX_AGE": "0"},
            ),
        ]
    ]


@override_settings(REDIS_URL="redis://cache.example:6379/0")
def test_an_operators_conn_max_age_reaches_the_http_workers(monkeypatch):
    started: list[list[list[str]]] = []
    monkeypatch.setattr(serve, "run_together", lambda commands: started.append(commands) or 0)
    monkeypatch.setenv("CONN_MAX_AGE", "300")

    call_command("serve", port=8000, http_workers=2)

    assert [env for _, env in started[0]] == [{"CONN_MAX_AGE": "300"}, {"CONN_MAX_AGE": "0"}]


@override_settings(REDIS_URL="redis://cache.example:6379/0")
def test_a_server_process_that_fails_fails_the_command(monkeypatch):
    monkeypatch.setattr(serve, "run_together", lambda commands: 3)

    with pytest.raises(CommandError, match="exit code 3"):
        call_command("serve", http_workers=1, ws_port=9100)


def test_run_together_stops_the_others_when_one_ends_and_gives_its_exit_code(tmp_path):
    marker = tmp_path / "still running"
    ends = [sys.executable, "-c", "import os; raise SystemExit(int(os.environ['CODE']))"]
    # Would write the marker after 60 s; stopped long before that.
    waits = [sys.executable, "-c", f"import time; time.sleep(60); open({str(marker)!r}, 'w')"]

    assert serve.run_together([(waits, {}), (ends, {"CODE": "3"})]) == 3
    assert not marker.exists()


@pytest.mark.django_db(transaction=True)  # WSGI closes old connections per request
def test_the_wsgi_application_serves_healthz():
    from demandhub.config.wsgi import application

    statuses: list[str] = []
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/healthz",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
    }
    body = b"".join(application(environ, lambda status, headers: statuses.append(status)))

    assert statuses == ["200 OK"]
    assert b'"status": "ok"' in body


def test_run_together_stops_every_process_on_sigterm_and_exits_cleanly(tmp_path):
    markers = [tmp_path / "first", tmp_path / "second"]
    sleepers = [
        ([sys.executable, "-c", f"import time; time.sleep(60); open({str(m)!r}, 'w')"], {})
        for m in markers
    ]
    # SIGTERM to this process, as a service manager stopping `demandhub serve` sends it.
    threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM)).start()

    assert serve.run_together(sleepers) == 0
    assert [m.exists() for m in markers] == [False, False]
