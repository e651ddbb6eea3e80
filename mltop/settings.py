"""MLTop settings: one module, every deployment choice read from the environment.

The embedded default (no variables set) runs on SQLite under var/, with a cache and a
Celery broker in files there that its processes share, so a fresh machine needs no services.
Production sets DATABASE_URL, REDIS_URL, DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string "
            "(or set DJANGO_DEBUG=true for local development)."
        )
    # Development only: a random key kept under var/ so sessions survive restarts.
    from django.core.management.utils import get_random_secret_key

    _dev_key_file = VAR_DIR / "dev-secret-key"
    if not _dev_key_file.exists():
        VAR_DIR.mkdir(exist_ok=True)
        _dev_key_file.write_text(get_random_secret_key())
    SECRET_KEY = _dev_key_file.read_text().strip()

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "projects",
    "stats",
    "rankings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "mltop.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "mltop.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'mltop.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# The shared cache's folder when there is no Redis; processes share their cache by naming the same one.
DJANGO_CACHE_DIR = Path(env.str("DJANGO_CACHE_DIR", default=str(VAR_DIR / "cache")))

if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis, set to ignore connection errors: with Redis down every cache read
            # is a miss and every write a no-op (each logged), so pages and the API keep
            # serving from the database. Short socket timeouts keep a dead Redis from
            # holding a request for long.
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "mltop",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_SOCKET_TIMEOUT", default=1.0),
                "SOCKET_TIMEOUT": env.float("REDIS_SOCKET_TIMEOUT", default=1.0),
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "mltop.caching"
else:
    # No Redis: a cache in SQLite files under var/ (diskcache) that every process on the machine
    # shares (web workers, Celery worker and beat), with atomic add and incr: the rankings
    # generation, run locks, throttle counts and the GitHub rate budget must be the same in every
    # process, and a process's own cache (local memory) kept a publish from reaching the others.
    # Django's FileBasedCache has neither atomic operation. Expired keys are dropped as others are
    # written; past the size limit the least recently stored go (pages can be rebuilt, and a lost
    # generation restarts from the clock: mltop/caching.py).
    CACHES = {
        "default": {
            "BACKEND": "diskcache.DjangoCache",
            "LOCATION": str(DJANGO_CACHE_DIR),
            "OPTIONS": {"size_limit": 2**30},  # 1 GiB of pages, API bodies and counts at most
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]

LOGIN_URL = "admin:login"

# HTTPS hardening is switched on together in production, where TLS terminates in front of us.
SECURE_HTTPS = env.bool("DJANGO_SECURE_HTTPS", default=False)
SECURE_SSL_REDIRECT = SECURE_HTTPS
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# --- Security: headers, login throttling, request limits -------------------------------
# Scripts only from our own origin, never inline; inline style attributes stay allowed
# because server-rendered SVG charts and Django admin use them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out client before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("DJANGO_LOGIN_COOLOFF_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_SENSITIVE_PARAMETERS = ["password"]
# Refuse oversized requests early with a 400 instead of reading them into memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DJANGO_MAX_REQUEST_BYTES", default=1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "MLTop API",
    "DESCRIPTION": "Ranked open-source machine-learning projects on GitHub, current and historical.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# GitHub: every request goes to GITHUB_API_URL, so tests and GitHub Enterprise can point it elsewhere.
GITHUB_API_URL = env.str("GITHUB_API_URL", default="https://api.github.com").rstrip("/")
GITHUB_TOKEN = env.str("GITHUB_TOKEN", default="")

# Celery: Redis when REDIS_URL is set; otherwise a broker in files under var/, which needs
# no server yet is shared by the web, worker and beat processes on one machine.
CELERY_BROKER_DIR = Path(env.str("CELERY_BROKER_DIR", default=str(VAR_DIR / "celery")))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_RESULT_BACKEND = None
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "store_processed": False,
    }
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}

# ---------------------------------------------------------------------------------------
# Ranking (rankings/scoring.py documents the formula; /methodology/ shows it to readers).
# Every computed snapshot records the method version, these weights and parameters, so a
# change here never alters a snapshot already built: rebuild it to use the new values.
# ---------------------------------------------------------------------------------------
# Component weights; the score is their weighted sum, so keep them summing to 1.
RANKING_WEIGHTS = {
    "popularity": env.float("RANKING_WEIGHT_POPULARITY", default=0.30),
    "momentum": env.float("RANKING_WEIGHT_MOMENTUM", default=0.40),
    "engagement": env.float("RANKING_WEIGHT_ENGAGEMENT", default=0.15),
    "recency": env.float("RANKING_WEIGHT_RECENCY", default=0.15),
}
# Momentum windows (days) and the monthly window's share of momentum (yearly gets the rest):
# above one half, so a young project climbing fast can beat an old giant.
RANKING_MOMENTUM_SHORT_DAYS = env.int("RANKING_MOMENTUM_SHORT_DAYS", default=30)
RANKING_MOMENTUM_LONG_DAYS = env.int("RANKING_MOMENTUM_LONG_DAYS", default=365)
RANKING_MOMENTUM_SHORT_SHARE = env.float("RANKING_MOMENTUM_SHORT_SHARE", default=0.7)
# Recency halves every this many days since the last push; after RANKING_INACTIVE_DAYS
# without a push (or when archived) a project is not eligible unless an editor keeps it.
RANKING_RECENCY_HALF_LIFE_DAYS = env.int("RANKING_RECENCY_HALF_LIFE_DAYS", default=90)
RANKING_INACTIVE_DAYS = env.int("RANKING_INACTIVE_DAYS", default=365)
# Eligibility: fewer stars than this on the as-of date and a project is not ranked.
RANKING_MIN_STARS = env.int("RANKING_MIN_STARS", default=100)
# Spikes: a day's gain above FACTOR times the project's average daily gain over its previous
# BASELINE captures (and above FLOOR stars a day) counts only up to that cap, and is flagged.
RANKING_SPIKE_FACTOR = env.int("RANKING_SPIKE_FACTOR", default=10)
RANKING_SPIKE_FLOOR = env.int("RANKING_SPIKE_FLOOR", default=50)
RANKING_SPIKE_BASELINE = env.int("RANKING_SPIKE_BASELINE", default=30)
# Computed snapshots keep the top K; the daily task publishes them or leaves a draft.
RANKING_TOP_K = env.int("RANKING_TOP_K", default=100)
RANKING_AUTO_PUBLISH = env.bool("RANKING_AUTO_PUBLISH", default=False)
# --- Stats pipeline (rankings/github.py, rankings/tasks.py) ---
# Base of the exponential backoff (seconds) between retries of a failed GitHub request.
GITHUB_RETRY_BACKOFF = env.float("GITHUB_RETRY_BACKOFF", default=1.0)
# The embedded broker's folders must exist before the web, worker and beat processes use them.
if not REDIS_URL:
    for _folder in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS["control_folder"] = str(CELERY_BROKER_DIR / "control")
# A queue of its own lets several MLTop installations (or test runs) share one Redis.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# Refresh batches acknowledge after running, so a worker that dies mid-batch loses nothing;
# one message at a time keeps long batches from waiting behind each other in one worker.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# SQLite (the embedded default) is written by web, worker and beat at once: take the write
# lock when a transaction begins and wait for it, instead of failing with "database is locked".
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
# --- REST API (/api/): authentication, permissions, errors, paging, throttling, caching, CORS ---
# Anonymous clients read; editors write with a token (Authorization: Token …) and Django model
# permissions decide what they may change. No session authentication: API responses then never
# depend on cookies (no "Vary: Cookie" to split a CDN's cache) and writes need no CSRF token.
INSTALLED_APPS += ["rest_framework.authtoken", "corsheaders"]
# CORS headers must be added before CommonMiddleware can answer (redirects, 404s).
_common = MIDDLEWARE.index("django.middleware.common.CommonMiddleware")
MIDDLEWARE.insert(_common, "corsheaders.middleware.CorsMiddleware")
REST_FRAMEWORK.update(
    {
        # Its WWW-Authenticate header makes anonymous writes a 401, not a 403.
        "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
        # JSON in and out, errors included; people explore the API in the docs UI (/api/docs/).
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
        "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
        "DEFAULT_CONTENT_NEGOTIATION_CLASS": "mltop.api.negotiation.JSONFirstNegotiation",
        "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
        "DEFAULT_PAGINATION_CLASS": "mltop.api.pagination.ApiPagination",
        "DEFAULT_THROTTLE_CLASSES": ["mltop.api.throttling.AnonymousClientThrottle"],
        "EXCEPTION_HANDLER": "mltop.api.exceptions.api_exception_handler",
        # Throttling tells clients apart by address. With 0, X-Forwarded-For (which any client can
        # write) is ignored; behind N trusted proxies set API_NUM_PROXIES=N.
        "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
    }
)
SPECTACULAR_SETTINGS.update(
    {
        "COMPONENT_SPLIT_REQUEST": True,
        "POSTPROCESSING_HOOKS": [
            "drf_spectacular.hooks.postprocess_schema_enums",
            "mltop.api.schema.document_error_responses",
        ],
        "ENUM_NAME_OVERRIDES": {
            "ProjectStatusEnum": "projects.models.Project.Status",
            "AuthorKindEnum": "projects.models.Author.Kind",
            "SnapshotStatusEnum": "rankings.models.RankingSnapshot.Status",
            "SnapshotOriginEnum": "rankings.models.RankingSnapshot.Origin",
        },
    }
)
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=100)
# Requests per anonymous client (by IP): "N/second|minute|hour|day"; empty turns throttling off.
API_ANON_THROTTLE_RATE = env.str("API_ANON_THROTTLE_RATE", default="120/minute")
# Seconds browsers (max-age) and shared caches such as a CDN (s-maxage) may keep public responses;
# published snapshots are frozen, so a CDN may keep those much longer.
API_CACHE_MAX_AGE = env.int("API_CACHE_MAX_AGE", default=60)
API_SNAPSHOT_CDN_MAX_AGE = env.int("API_SNAPSHOT_CDN_MAX_AGE", default=86400)
# Ranking bodies are cached under the rankings generation (new at each publish/unpublish);
# this bounds how long an edit of a project's name or credits takes to show in them.
API_RANKINGS_CACHE_SECONDS = env.int("API_RANKINGS_CACHE_SECONDS", default=600)
# Browser dashboards on any origin may read the API; writes are not offered cross-origin.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOWED_ORIGINS = env.list("API_CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_ALL_ORIGINS = not CORS_ALLOWED_ORIGINS
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]
# --- Production stack: static files, page cache, cache resilience (issue 7) ---
# Hashed, compressed static files served by WhiteNoise with far-future cache headers. The
# manifest only exists after collectstatic (the Docker build runs it), so it is the default
# only when debug is off (WhiteNoise then gives hashed names a ten-year max-age); the test
# suite and `make run` use plain storage (pyproject sets DJANGO_STATIC_MANIFEST=false for pytest).
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATIC_MANIFEST = env.bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without the manifest (development, tests) WhiteNoise serves straight from the app folders.
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST
# Container health checks speak plain HTTP from inside; everything else is redirected to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$"]
# --- Service faults: Redis, PostgreSQL or a worker going away (issue 8) ---
# Django checks a kept database connection before reusing it, so a PostgreSQL restart costs a
# reconnect, not a failed request or task (only matters when DJANGO_CONN_MAX_AGE > 0).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A refresh batch that fails on a lost database connection (OperationalError/InterfaceError) is
# retried after this many seconds, doubling each time (rankings/tasks.py); the samples are
# upserted per project and day, so a retried batch never duplicates one.
REFRESH_DB_RETRY_SECONDS = env.float("REFRESH_DB_RETRY_SECONDS", default=10.0)
# Late acknowledgement (refresh_batch) keeps a batch whose worker dies: a pool process killed
# mid-task makes the parent put the message back at once, instead of acknowledging it as failed.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# On Redis, a message delivered to a worker that then died (SIGKILL, lost machine) is handed
# to another worker after this many seconds unacknowledged. It must exceed the longest a
# message stays unacknowledged on purpose: a task's 11-minute time limit, and the ETA of a
# batch deferred until GitHub's rate limit resets (up to the hour-long window). Two hours;
# tests shorten it.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 60 * 60)
if REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = CELERY_VISIBILITY_TIMEOUT
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
# Beat records each run (django-celery-beat's last_run_at) right after sending it, not every
# three minutes: a beat killed and restarted cannot send the same run again.
CELERY_BEAT_SYNC_EVERY = 1
# /healthz gives up on the broker after this many seconds and reports it down.
HEALTHZ_BROKER_TIMEOUT = env.float("HEALTHZ_BROKER_TIMEOUT", default=1.0)
# --- Hostile input (issue 8): the API's JSON bodies obey DATA_UPLOAD_MAX_MEMORY_SIZE too ---
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = ["mltop.api.parsers.SizeLimitedJSONParser"]
# --- Speed at scale (issue 7): copies of cached pages kept in each process ---------------
# Rendered pages and ranking API bodies are also kept in the process for up to 30 seconds,
# and the rankings generation for a second (mltop/caching.py says why); False turns both off.
CACHE_LOCAL_COPIES = True
