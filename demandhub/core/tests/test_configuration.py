"""Configuration from the environment, SQLite durability, and refusing unsafe production starts."""

import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from demandhub.config.settings import DEVELOPMENT_SECRET_KEY


def _settings_in_subprocess(env: dict[str, str], expression: str) -> str:
    """Evaluate `expression` against freshly loaded settings under `env`."""
    code = f"import demandhub.config.settings as s; print(repr(({expression})))"
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_the_embedded_default_is_a_sqlite_file_in_the_data_folder_and_an_in_memory_layer(tmp_path):
    out = _settings_in_subprocess(
        {"DEMANDHUB_DATA_DIR": str(tmp_path)},
        "s.DATABASES['default']['NAME'], s.CHANNEL_LAYERS['default']['BACKEND']",
    )

    assert out == repr(
        (str(tmp_path / "demandhub.sqlite3"), "channels.layers.InMemoryChannelLayer")
    )


def test_database_and_redis_urls_switch_to_postgresql_and_redis(tmp_path):
    out = _settings_in_subprocess(
        {
            "DEMANDHUB_DATA_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://u@db.example:5433/hub",
            "REDIS_URL": "redis://cache.example:6379/2",
        },
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['PORT'], "
        "s.CHANNEL_LAYERS['default']['BACKEND']",
    )

    assert out == repr(
        ("django.db.backends.postgresql", 5433, "channels_redis.pubsub.RedisPubSubChannelLayer")
    )


def test_postgresql_binds_server_side_and_prepares_after_five_runs_unless_turned_off(tmp_path):
    options = "s.DATABASES['default']['OPTIONS']"
    env = {"DEMANDHUB_DATA_DIR": str(tmp_path), "DATABASE_URL": "postgres://u@db.example/hub"}

    assert _settings_in_subprocess(env, options) == repr(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
    off = {**env, "DEMANDHUB_PG_PREPARE_THRESHOLD": "off"}
    assert _settings_in_subprocess(off, options) == repr(
        {"server_side_binding": True, "prepare_threshold": None}
    )


def test_a_bad_prepare_threshold_is_refused_at_start(tmp_path):
    env = {
        "DEMANDHUB_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://u@db.example/hub",
        "DEMANDHUB_PG_PREPARE_THRESHOLD": "five",
    }
    with pytest.raises(subprocess.CalledProcessError) as e:
        _settings_in_subprocess(env, "s.DATABASES")

    assert "DEMANDHUB_PG_PREPARE_THRESHOLD='five': use a whole number of runs, or off" in (
        e.value.stderr
    )


def test_a_misspelt_boolean_is_refused_at_start(tmp_path):
    with pytest.raises(subprocess.CalledProcessError) as e:
        _settings_in_subprocess({"DEMANDHUB_DATA_DIR": str(tmp_path), "DEBUG": "yes"}, "s.DEBUG")

    assert "DEBUG='yes': use True or False" in e.value.stderr


def test_sqlite_runs_with_wal_full_sync_a_busy_timeout_and_immediate_transactions(tmp_path):
    script = (
        "import django, os;"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'demandhub.config.settings';"
        "django.setup();"
        "from django.db import connection as c;"
        "cur = c.cursor();"
        "print(repr((cur.execute('PRAGMA journal_mode').fetchone()[0],"
        " cur.execute('PRAGMA synchronous').fetchone()[0],"
        " cur.execute('PRAGMA busy_timeout').fetchone()[0],"
        " c.transaction_mode, c.settings_dict['CONN_MAX_AGE'])))"
    )
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        env={**clean, "DEMANDHUB_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=True,
    )

    # synchronous 2 is FULL; the busy timeout is in milliseconds; None keeps connections open.
    assert result.stdout.strip() == repr(("wal", 2, 20000, "IMMEDIATE", None))


@override_settings(DEBUG=False, SECRET_KEY=DEVELOPMENT_SECRET_KEY)
def test_serve_refuses_to_start_with_the_development_key_when_debug_is_off():
    with pytest.raises(CommandError, match="development key"):
        call_command("serve", port=0)


@override_settings(DEBUG=False, SECRET_KEY=DEVELOPMENT_SECRET_KEY)
def test_the_deploy_check_reports_the_development_key():
    with pytest.raises(Exception, match=r"demandhub\.E001"):
        call_command("check", "--deploy", "--fail-level", "ERROR")
