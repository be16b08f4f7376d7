"""Rate limits are counted in a cache every server process shares (settings.CACHES)."""

import importlib

import pytest
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.test import override_settings

from demandhub.contacts import ratelimit

DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "demandhub_cache",
    }
}


def test_production_settings_share_the_cache_between_processes(monkeypatch):
    import demandhub.config.settings as production

    monkeypatch.delenv("REDIS_URL", raising=False)
    importlib.reload(production)
    assert production.CACHES["default"]["BACKEND"].endswith("db.DatabaseCache")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    importlib.reload(production)
    assert production.CACHES["default"]["BACKEND"].endswith("redis.RedisCache")
    monkeypatch.delenv("REDIS_URL")
    importlib.reload(production)


@pytest.mark.django_db
@override_settings(CACHES=DATABASE_CACHE, CONTACTS_RATE_LIMITS={"report": (3, 600)})
def test_a_second_process_sees_the_first_ones_count(monkeypatch):
    """Another process is another cache object on the same table."""
    # What the core migration does under the production settings (the suite runs on locmem).
    call_command("createcachetable", verbosity=0)
    monkeypatch.setattr(ratelimit, "cache", caches["default"])
    assert [ratelimit.allow("report", "203.0.113.7") for _ in range(2)] == [True, True]

    other_process = DatabaseCache("demandhub_cache", {})
    monkeypatch.setattr(ratelimit, "cache", other_process)

    assert [ratelimit.allow("report", "203.0.113.7") for _ in range(2)] == [True, False]
    assert ratelimit.allow("report", "198.51.100.1") is True
