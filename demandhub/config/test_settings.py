"""Settings for the test suite: production settings with a throwaway key and a fast hasher."""

from .settings import *  # noqa: F403

SECRET_KEY = "test-suite-only-key-not-for-any-server"  # noqa: S105
# Hashing cost is irrelevant to what the tests prove and slows every login by ~0.3 s.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Threads that async tests start (database_sync_to_async) must not keep connections open,
# or PostgreSQL refuses to drop the test database at the end of the run.
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

if REDIS_URL:  # noqa: F405
    # Parallel workers (and other test runs on this machine) share one Redis, and each test
    # database numbers its rows from 1: give every process its own group namespace so a notice
    # about incident 1 in one worker never reaches a socket in another.
    import os as _os

    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"demandhub-test-{_os.getpid()}"  # noqa: F405

# Each test process counts rate limits in its own memory, cleared by the tests that need it:
# a shared Redis or database cache would carry counts from one test (or worker) to the next.
# The shared production caches are tested in contacts/tests/test_ratelimit_shared.py.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
