"""Django settings for Demand Hub: one file, environments differ by environment variables.

DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS and DEMANDHUB_DATA_DIR are read here;
docs/configuration.md lists them all. The defaults give the embedded, single-process set-up:
a SQLite file in the data folder and an in-memory channel layer.
"""

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# The secret key used when none is given; the server refuses to start with it unless DEBUG is on.
DEVELOPMENT_SECRET_KEY = "demandhub-development-only-do-not-use-in-production"  # noqa: S105


def envbool(name: str, default: str) -> bool:
    value = os.getenv(name, default)
    if value not in ("True", "False", "true", "false", "1", "0"):
        raise ImproperlyConfigured(f"{name}={value!r}: use True or False")
    return value in ("True", "true", "1")


def envsecret(name: str) -> str | None:
    """Read NAME, or the file named by NAME_FILE (for container secrets)."""
    if path := os.getenv(f"{name}_FILE"):
        return Path(path).read_text().strip()
    return os.getenv(name) or None


DEBUG = envbool("DEBUG", "False")
DATA_DIR = Path(os.getenv("DEMANDHUB_DATA_DIR", Path.cwd() / "data")).resolve()


def secret_key() -> str:
    """SECRET_KEY, else the key `demandhub demo` generated in the data folder, else the dev key."""
    if key := envsecret("SECRET_KEY"):
        return key
    generated = DATA_DIR / "secret_key"
    if generated.exists():
        return generated.read_text().strip()
    return DEVELOPMENT_SECRET_KEY


SECRET_KEY = secret_key()
ALLOWED_HOSTS = [h.strip() for h in os.getenv("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.getenv("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]
FORCE_CODE = os.getenv("DEMANDHUB_FORCE_CODE", "CC")
# A tile server on the force network, e.g. http://tiles.internal/{z}/{x}/{y}.png; maps work without.
MAP_TILE_URL = os.getenv("MAP_TILE_URL", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "template_partials",
    "ninja",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "demandhub.core",
    "demandhub.accounts",
    "demandhub.audit",
    "demandhub.forces",
    "demandhub.contacts",
    "demandhub.incidents",
    "demandhub.dispatch",
    "demandhub.crimes",
    "demandhub.analytics",
    "demandhub.safeguarding",
    "demandhub.scene",
    "demandhub.demand",
    "demandhub.privacy",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "demandhub.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "demandhub.core.middleware.RequestContextMiddleware",
    "demandhub.core.middleware.JsonApiMethodNotAllowedMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Default deny: every view needs a signed-in user unless marked @login_not_required.
    "demandhub.core.middleware.LoginRequiredMiddleware",
    # Staff sessions: the second factor, inactivity expiry (accounts/sessions.py).
    "demandhub.accounts.sessions.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Next to last (django-axes asks for late): turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
    # Last: a request with an Idempotency-Key runs once; its retries replay the first answer.
    "demandhub.core.middleware.IdempotencyMiddleware",
]

ROOT_URLCONF = "demandhub.config.urls"
ASGI_APPLICATION = "demandhub.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def prepare_threshold() -> int | None:
    """DEMANDHUB_PG_PREPARE_THRESHOLD: runs of a statement before PostgreSQL prepares it
    (default 5), or off (None: never prepare)."""
    value = os.getenv("DEMANDHUB_PG_PREPARE_THRESHOLD", "5").strip()
    if value.lower() == "off":
        return None
    if not value.isdigit():
        raise ImproperlyConfigured(
            f"DEMANDHUB_PG_PREPARE_THRESHOLD={value!r}: use a whole number of runs, or off"
        )
    return int(value)


def database_settings() -> dict[str, object]:
    url = os.getenv("DATABASE_URL")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'demandhub.sqlite3'}"
    db: dict[str, object] = dj_database_url.parse(url)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # Durable and free of "database is locked" under concurrent requests:
        # WAL lets readers run beside the writer, synchronous=FULL fsyncs every commit,
        # IMMEDIATE takes the write lock at BEGIN (no lock upgrade deadlocks) and the
        # timeout makes a second writer wait rather than fail.
        db["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
            ),
        }
        db["CONN_MAX_AGE"] = None  # persistent: one connection per worker thread
    else:
        # Kept for a minute: under WSGI a sync worker serves one request at a time, and under
        # ASGI the HTTP requests run on a fixed pool of threads (core/asgi_http.py), so either
        # way a process holds one connection per thread instead of paying a connection set-up
        # per request. (Django's own ASGI handler made a thread per request, where persistent
        # connections piled up; its docs say to disable them there.)
        db["CONN_MAX_AGE"] = int(os.getenv("CONN_MAX_AGE", "60"))
        db["CONN_HEALTH_CHECKS"] = True
        # Parameters travel apart from the SQL (psycopg's C dumpers, not Python quoting each
        # value into the text), and a statement a connection runs for the 5th time is prepared:
        # PostgreSQL plans it once. Together a 999 call costs about 1 ms less database CPU
        # and 0.3 ms less of ours (docs/benchmarks.md, Intake). Behind a pooler that cannot
        # keep prepared statements (PgBouncer in transaction mode before 1.21), set
        # DEMANDHUB_PG_PREPARE_THRESHOLD=off.
        db["OPTIONS"] = {
            **db.get("OPTIONS", {}),  # type: ignore[dict-item]
            "server_side_binding": True,
            "prepare_threshold": prepare_threshold(),
        }
    db["TEST"] = {"NAME": os.getenv("DEMANDHUB_TEST_DATABASE_NAME") or None}
    return db


DATABASES = {"default": database_settings()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.getenv("REDIS_URL", "")
if REDIS_URL:
    from redis.exceptions import ConnectionError as RedisConnectionError

    CHANNEL_LAYERS = {
        "default": {
            # Pub/sub, not the core layer's per-consumer list polling: each process holds one
            # Redis subscription per group and fans out in memory, so 200 consoles on a node
            # cost one connection, not a pool exhausted by 200 blocking reads
            # (docs/benchmarks.md, live updates). Notices are fire-and-forget either way:
            # a console that was away re-fetches on reconnect (core/realtime.py).
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                # redis-py 8 reads with a 5 s socket timeout by default, which drops every idle
                # consumer's blocking read (django/channels_redis#422): wait indefinitely.
                # A Redis that is down or unreachable fails a connect within 2 s instead of
                # hanging the request that publishes (core/realtime.py logs and carries on);
                # after Redis restarts, a pooled connection it closed is retried once on a
                # fresh one instead of failing the first command (docs/operations.md).
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": None,
                        "socket_connect_timeout": 2,
                        "retry_on_error": [RedisConnectionError],
                    }
                ],
                "prefix": os.getenv("REDIS_PREFIX", "demandhub"),
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# The cache holds the public pages' rate-limit counters (contacts/ratelimit.py), so it must be
# shared by every server process: Redis when REDIS_URL is set, else a database table (made by
# `migrate`; the core app's migration runs createcachetable).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.getenv("REDIS_PREFIX", "demandhub"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "demandhub_cache",
        }
    }

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:landing"
LOGOUT_REDIRECT_URL = "accounts:login"
# django-axes first: it refuses a locked-out username+address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Argon2id for new and changed passwords; older hashes still verify and are upgraded at sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.getenv("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# The site-wide assets (site.css, live.js, vendored htmx and Leaflet) belong to no app.
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = os.getenv("STATIC_ROOT") or None
# Every asset is served by the app itself from the package (control rooms sit on closed
# networks): no collectstatic step and no CDN.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Staff sessions (docs/security.md). A session ends after this many minutes without a request,
# and in any case this many hours after sign-in.
SESSION_IDLE_MINUTES = int(os.getenv("SESSION_IDLE_MINUTES", "60"))
SESSION_COOKIE_AGE = int(os.getenv("SESSION_MAX_HOURS", "12")) * 3600
# The issuer name staff see in their authenticator app beside their username.
OTP_TOTP_ISSUER = os.getenv("OTP_TOTP_ISSUER", "Demand Hub")
# Sign-in lockout (django-axes): after this many refused passwords for one username from one
# address, that pair is locked out for AXES_COOLOFF_MINUTES (0: until an administrator resets it,
# in the admin's "Access attempts" or with `demandhub axes_reset_username <name>`).
AXES_FAILURE_LIMIT = int(os.getenv("AXES_FAILURE_LIMIT", "5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = (
    timedelta(minutes=int(os.getenv("AXES_COOLOFF_MINUTES", "30")))
    if os.getenv("AXES_COOLOFF_MINUTES", "30") != "0"
    else None
)
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in the audit trail already
AXES_CLIENT_IP_CALLABLE = "demandhub.core.middleware.client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
# No script reads the CSRF cookie: pages carry the token (forms, and htmx's hx-headers).
CSRF_COOKIE_HTTPONLY = True
# HSTS is sent only on requests that arrived over TLS (Django's SecurityMiddleware). Behind a
# TLS-terminating proxy, set TRUST_X_FORWARDED_PROTO=True so such requests are known as TLS.
SECURE_HSTS_SECONDS = int(os.getenv("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "False")
if envbool("TRUST_X_FORWARDED_PROTO", "False"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", "False")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # django-axes logs every sign-in at INFO; refusals and lockouts are in the audit trail.
        "axes": {"level": "WARNING"},
    },
}

# Incidents (issue 3). NENA's EIDO schema is not shipped: point this at its openapi.yaml.
EIDO_SCHEMA_PATH = os.getenv("EIDO_SCHEMA_PATH", "")
# what3words resolution; without a key, addresses are kept and flagged unresolved.
WHAT3WORDS_API_KEY = envsecret("WHAT3WORDS_API_KEY") or ""
WHAT3WORDS_API_URL = os.getenv("WHAT3WORDS_API_URL", "https://api.what3words.com/v3")
# Share (0-1) of incidents resolved without deployment sampled for supervisor quality review.
INCIDENT_QA_SAMPLE_SHARE = float(os.getenv("INCIDENT_QA_SAMPLE_SHARE", "0.1"))
# A force's own classification list (JSON); empty = the built-in NSIR-based list.
INCIDENT_CLASSIFICATIONS_FILE = os.getenv("INCIDENT_CLASSIFICATIONS_FILE", "")

# Live video and location from the scene (issue 10; docs/scene.md).
# How long a one-time link works, from its creation, in minutes.
SCENE_LINK_MINUTES = int(os.getenv("SCENE_LINK_MINUTES", "30"))
# The address callers reach the app by, e.g. https://scene.example-police.uk; empty = the
# address the member of staff is using.
SCENE_PUBLIC_URL = os.getenv("SCENE_PUBLIC_URL", "").rstrip("/")
# STUN/TURN servers as RTCIceServer JSON, e.g. [{"urls": "turn:turn.example:3478"}]; none = same
# network only. With SCENE_TURN_SECRET, TURN entries get short-lived REST API credentials.
SCENE_ICE_SERVERS = json.loads(os.getenv("SCENE_ICE_SERVERS", "[]"))
SCENE_TURN_SECRET = envsecret("SCENE_TURN_SECRET") or ""
# SMS gateway: "outbox" (records, sends nothing), "http" (POSTs JSON to SCENE_SMS_URL) or the
# dotted path of a backend class.
SCENE_SMS_BACKEND = os.getenv("SCENE_SMS_BACKEND", "outbox")
SCENE_SMS_URL = os.getenv("SCENE_SMS_URL", "")
SCENE_SMS_TOKEN = envsecret("SCENE_SMS_TOKEN") or ""
SCENE_SMS_SENDER = os.getenv("SCENE_SMS_SENDER", "Police")
# Stills and recordings; default <DEMANDHUB_DATA_DIR>/evidence.
SCENE_EVIDENCE_DIR = os.getenv("SCENE_EVIDENCE_DIR", "")
SCENE_STILL_MAX_BYTES = int(os.getenv("SCENE_STILL_MAX_BYTES", str(10 * 1024 * 1024)))
SCENE_RECORDING_MAX_BYTES = int(os.getenv("SCENE_RECORDING_MAX_BYTES", str(500 * 1024 * 1024)))

# Dispatch (docs/operations.md). A position older than this is shown as stale.
DISPATCH_STALE_POSITION_SECONDS = int(os.getenv("DISPATCH_STALE_POSITION_SECONDS", "300"))
# How far ahead of the hub's clock a device's fix may be before it is refused as from the future.
DISPATCH_CLOCK_SKEW_SECONDS = int(os.getenv("DISPATCH_CLOCK_SKEW_SECONDS", "30"))
# "south,west,north,east" in degrees; positions outside are refused. Unset: the force's policing
# areas widened by DISPATCH_POSITION_MARGIN_KM (no box at all when no area is defined).
DISPATCH_POSITION_BOUNDS = os.getenv("DISPATCH_POSITION_BOUNDS", "")
DISPATCH_POSITION_MARGIN_KM = float(os.getenv("DISPATCH_POSITION_MARGIN_KM", "50"))
# An OSRM server on the force network (http://osrm.internal:5000); unset: great-circle estimates.
OSRM_URL = os.getenv("OSRM_URL", "")
OSRM_TIMEOUT_SECONDS = float(os.getenv("OSRM_TIMEOUT_SECONDS", "2"))
# Turn-out seconds added to every ETA, a JSON object overriding dispatch/travel.py's
# TURNOUT_SECONDS key by key: {"at_station": 90, "armed_response:at_station": 60}.
DISPATCH_TURNOUT_SECONDS = json.loads(os.getenv("DISPATCH_TURNOUT_SECONDS", "{}"))
# A unit whose latest fix is this close to its home station is at the station (turn-out).
DISPATCH_AT_STATION_METRES = float(os.getenv("DISPATCH_AT_STATION_METRES", "200"))

# Retention (docs/privacy.md): per record type {"days": N or null, "action": "anonymise"|"delete"}
# overriding demandhub/privacy/schedule.py; a JSON file of the same shape overrides both.
RETENTION_SCHEDULE = json.loads(os.getenv("RETENTION_SCHEDULE", "{}"))
RETENTION_SCHEDULE_FILE = os.getenv("RETENTION_SCHEDULE_FILE", "")
