"""MLTop settings: every deployment choice read from the environment, grouped by concern.

With nothing set, MLTop runs on SQLite under var/, with a cache and a Celery broker in files
there that its processes share, so a fresh machine needs no services. Production sets DATABASE_URL, REDIS_URL,
DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS. docs/configuration.md lists every variable.
"""

from pathlib import Path

import environ
from corsheaders.defaults import default_headers as corsheaders_default_headers
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from mltop.queues import queue_names

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

# --- Environment ---------------------------------------------------------------------------
# Commands run by hand in a checkout read the .env that `make run` and `make test` write
# (debug on, a generated secret key), so nothing has to be typed in front of them. Variables
# already set win over the file. The Docker image has no .env (.dockerignore), and pytest
# sets MLTOP_READ_DOTENV=false so that a developer's file cannot change what the tests see.
if env.bool("MLTOP_READ_DOTENV", default=True) and (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")

# --- Core ----------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string "
            "(or set DJANGO_DEBUG=true for local development; `make run` writes a .env that does)."
        )
    # Development only: a random key kept under var/ so sessions survive restarts.
    from django.core.management.utils import get_random_secret_key

    _dev_key_file = VAR_DIR / "dev-secret-key"
    if not _dev_key_file.exists():
        VAR_DIR.mkdir(exist_ok=True)
        _dev_key_file.write_text(get_random_secret_key())
    SECRET_KEY = _dev_key_file.read_text().strip()

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])

# --- Applications and request handling -----------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "django_celery_beat",
    "axes",
    "projects",
    "stats",
    "rankings",
]

MIDDLEWARE = [
    # First, so it sees every response last: a HEAD answer keeps its headers and loses its body.
    "mltop.middleware.HeadWithoutBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Readers' GET requests may read from the replica (when DATABASE_REPLICA_URL is set); a
    # client that just wrote is pinned to the primary.
    "mltop.dbrouters.ReplicaReadsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cached pages and ranking bodies to anonymous readers, as the full pass below sent them:
    # before everything that would only recompute the same headers (mltop/responsecopies.py).
    "mltop.responsecopies.ResponseCopyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before CommonMiddleware, whose redirects and 404s must carry the CORS headers too.
    "corsheaders.middleware.CorsMiddleware",
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
WSGI_APPLICATION = "mltop.wsgi.application"

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

# --- Database ------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'mltop.sqlite3'}"),
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
# A kept connection is checked before reuse, so a PostgreSQL restart costs a reconnect, not a
# failed request or task (it matters only when DJANGO_CONN_MAX_AGE > 0).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# SQLite (the embedded default) is written by web, worker and beat at once: take the write
# lock when a transaction begins and wait for it, instead of failing with "database is locked".
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
# A PostgreSQL read replica (streaming replication of DATABASE_URL's database), empty for none:
# readers' pages and API read the catalogue, figures and rankings there; admin, writes, tasks and
# migrations use the primary (mltop/dbrouters.py says exactly what goes where; docs/scale-out.md).
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
# After a client writes (an editor saving in admin), its reads stay on the primary this long, so
# it sees its own change however far the replica lags; keep it above the replica's usual lag.
DATABASE_REPLICA_PIN_SECONDS = env.int("DATABASE_REPLICA_PIN_SECONDS", default=10)
DATABASE_ROUTERS = []
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        # Tests read it as the primary's own test database: there is no replica to copy it.
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["mltop.dbrouters.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ---------------------------------------------------------------------------------
# Redis, when set, is also the Celery broker (below). Whatever every process must agree on,
# such as the rankings generation, lives in this cache, never in one process's memory alone.
REDIS_URL = env.str("REDIS_URL", default="")
# The shared cache's folder when there is no Redis; processes share their cache by naming the same one.
DJANGO_CACHE_DIR = Path(env.str("DJANGO_CACHE_DIR", default=str(VAR_DIR / "cache")))
if REDIS_URL:
    CACHES = {
        "default": {
            # Connection errors are ignored (and logged): with Redis down every read is a miss
            # and every write a no-op, so pages and the API keep serving from the database.
            # Short socket timeouts keep a dead Redis from holding a request for long.
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
    # shares (web workers, Celery workers and beat), with atomic add and incr: the rankings
    # generation, run locks, throttle counts and the GitHub rate budget must be the same in every
    # process, and a process's own cache (local memory) kept a publish from reaching the others.
    # Django's FileBasedCache has neither atomic operation. Past the size limit the least recently
    # stored keys go (pages can be rebuilt, and a lost generation restarts from the clock).
    CACHES = {
        "default": {
            "BACKEND": "diskcache.DjangoCache",
            "LOCATION": str(DJANGO_CACHE_DIR),
            "OPTIONS": {"size_limit": 2**30},  # 1 GiB of pages, API bodies and counts at most
        }
    }
# Rendered pages and ranking API bodies are also kept in the process for up to 30 seconds,
# and the rankings generation for one (mltop/caching.py); False turns both off.
CACHE_LOCAL_COPIES = True

# --- Languages and time --------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own formats where Django's do not fit (mltop/formats/zh_Hans: grouped thousands).
FORMAT_MODULE_PATH = ["mltop.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------------------
# WhiteNoise serves them from the app server. The hashed, compressed manifest exists only after
# collectstatic (the Docker build runs it), so it is the default only when debug is off;
# `make run` and the tests (pyproject sets DJANGO_STATIC_MANIFEST=false) use plain storage.
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_MANIFEST = env.bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without the manifest WhiteNoise serves straight from the app folders.
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = not STATIC_MANIFEST

# --- Accounts ------------------------------------------------------------------------------
LOGIN_URL = "admin:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
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

# --- Security ------------------------------------------------------------------------------
# HTTPS hardening is switched on together in production, where TLS terminates in front of us.
SECURE_HTTPS = env.bool("DJANGO_SECURE_HTTPS", default=False)
SECURE_SSL_REDIRECT = SECURE_HTTPS
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_HTTPS else None
# Container health checks speak plain HTTP from inside; everything else is redirected to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
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
# Refuse oversized requests early with a 400 instead of reading them into memory (the API's
# JSON parser applies the same limit, mltop/api/parsers.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DJANGO_MAX_REQUEST_BYTES", default=1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- REST API (/api/) ----------------------------------------------------------------------
REST_FRAMEWORK = {
    # Anonymous clients read; editors write with a token (Authorization: Token …) and Django
    # model permissions decide what they may change. No session authentication, so responses
    # never depend on cookies (no "Vary: Cookie" to split a CDN's cache) and writes need no
    # CSRF token; the token's WWW-Authenticate header makes anonymous writes a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # JSON in and out, errors included; people explore the API in the docs UI (/api/docs/).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["mltop.api.parsers.SizeLimitedJSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "mltop.api.negotiation.JSONFirstNegotiation",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "mltop.api.pagination.ApiPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_THROTTLE_CLASSES": ["mltop.api.throttling.AnonymousClientThrottle"],
    "EXCEPTION_HANDLER": "mltop.api.exceptions.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Throttling tells clients apart by address. With 0, X-Forwarded-For (which any client can
    # write) is ignored; behind N trusted proxies set API_NUM_PROXIES=N.
    "NUM_PROXIES": env.int("API_NUM_PROXIES", default=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "MLTop API",
    "DESCRIPTION": "Ranked open-source machine-learning projects on GitHub, current and historical.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
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
        "SnapshotBoardEnum": "rankings.models.RankingSnapshot.Board",
    },
}
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
# ... and send them back: revalidating what they were shown needs these conditional headers.
CORS_ALLOW_HEADERS = [*corsheaders_default_headers, "if-none-match", "if-modified-since"]

# --- GitHub --------------------------------------------------------------------------------
# Every request goes to GITHUB_API_URL, so tests and GitHub Enterprise can point it elsewhere.
GITHUB_API_URL = env.str("GITHUB_API_URL", default="https://api.github.com").rstrip("/")
GITHUB_TOKEN = env.str("GITHUB_TOKEN", default="")
# Base of the exponential backoff (seconds) between retries of a failed GitHub request.
GITHUB_RETRY_BACKOFF = env.float("GITHUB_RETRY_BACKOFF", default=1.0)

# --- Celery --------------------------------------------------------------------------------
# On Redis, a message delivered to a worker that then died (SIGKILL, lost machine) is handed to
# another worker after this many seconds unacknowledged. It must exceed the longest a message
# stays unacknowledged on purpose: a task's 11-minute time limit, and the ETA of a batch
# deferred until GitHub's rate limit resets (up to the hour-long window). Tests shorten it.
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 60 * 60)
# Without Redis, a broker in files under var/ needs no server yet is shared by the web, worker
# and beat processes on one machine; its folders must exist before any of them uses them.
CELERY_BROKER_DIR = Path(env.str("CELERY_BROKER_DIR", default=str(VAR_DIR / "celery")))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_RESULT_BACKEND = None
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_BROKER_DIR / "queue"),
        "processed_folder": str(CELERY_BROKER_DIR / "processed"),
        "control_folder": str(CELERY_BROKER_DIR / "control"),
        "store_processed": False,
    }
    for _folder in ("queue", "processed", "control"):
        (CELERY_BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Beat records each run (django-celery-beat's last_run_at) right after sending it, not every
# three minutes: a beat killed and restarted cannot send the same run again.
CELERY_BEAT_SYNC_EVERY = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# A queue of its own lets several MLTop installations (or test runs) share one Redis.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# One queue per kind of work (mltop/queues.py), named after the default queue, so each kind has
# workers of its own and scales alone (docs/scale-out.md): a refresh never waits behind a build or
# a burst of backfills, nor they behind it. One worker may listen to all of them (Procfile).
CELERY_QUEUES = queue_names(CELERY_TASK_DEFAULT_QUEUE)
CELERY_REFRESH_QUEUE = CELERY_QUEUES["refresh"]
# Star-history backfills at low priority (on Redis 9 is the lowest): a burst of new projects
# never delays a scheduled refresh, even in a worker that listens to both queues.
CELERY_BACKFILL_QUEUE = CELERY_QUEUES["backfill"]
# Discovery: hours of paced searching, on a worker of its own with one process.
CELERY_DISCOVERY_QUEUE = CELERY_QUEUES["discovery"]
# The daily builds of every board (and single rebuilds an editor asks for).
CELERY_BUILDS_QUEUE = CELERY_QUEUES["builds"]
CELERY_TASK_ROUTES = {
    "stats.refresh_all": {"queue": CELERY_REFRESH_QUEUE},
    "stats.refresh_batch": {"queue": CELERY_REFRESH_QUEUE},
    "stats.backfill_project": {"queue": CELERY_BACKFILL_QUEUE, "priority": 9},
    "projects.discover": {"queue": CELERY_DISCOVERY_QUEUE},
    "rankings.build_*": {"queue": CELERY_BUILDS_QUEUE},
}
# Refresh batches acknowledge after running, so a worker that dies mid-batch loses nothing;
# one message at a time keeps long batches from waiting behind each other in one worker.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A pool process killed mid-task makes the parent put its message back at once, instead of
# acknowledging it as failed.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Stats refresh and health --------------------------------------------------------------
# A refresh batch that fails on a lost database connection is retried after this many seconds,
# doubling each time (stats/tasks.py); samples are upserted per project and day, so a retried
# batch never duplicates one.
REFRESH_DB_RETRY_SECONDS = env.float("REFRESH_DB_RETRY_SECONDS", default=10.0)
# /healthz gives up on the broker after this many seconds and reports it down.
HEALTHZ_BROKER_TIMEOUT = env.float("HEALTHZ_BROKER_TIMEOUT", default=1.0)

# --- Ranking -------------------------------------------------------------------------------
# rankings/scoring.py documents the formula; /methodology/ shows it to readers. Every computed
# snapshot records the method version, these weights and parameters, so a change here never
# alters a snapshot already built: rebuild it to use the new values.
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
# Builds of today read each project's figures kept up to date as samples are written
# (rankings/kept_figures.py) instead of a year of samples; false reads the samples (same result).
RANKING_KEEP_FIGURES = env.bool("RANKING_KEEP_FIGURES", default=True)
# Computed snapshots keep the top K; the daily task publishes them or leaves a draft.
RANKING_TOP_K = env.int("RANKING_TOP_K", default=100)
RANKING_AUTO_PUBLISH = env.bool("RANKING_AUTO_PUBLISH", default=False)
# --- Boards (issue 16): fields and the month's newcomers (rankings/boards.py) ---------------
# Each field's daily top 10 is computed, not curated: published as built unless set to false.
CATEGORY_BOARD_TOP_K = env.int("CATEGORY_BOARD_TOP_K", default=10)
CATEGORY_BOARD_AUTO_PUBLISH = env.bool("CATEGORY_BOARD_AUTO_PUBLISH", default=True)
# The month's newcomers (rankings/newcomers.py): weights, least stars gained in the month, and
# how many days before the month a repository may have been created and still count as new.
NEWCOMERS_WEIGHTS = {
    "month_stars": env.float("NEWCOMERS_WEIGHT_MONTH_STARS", default=0.65),
    "forks": env.float("NEWCOMERS_WEIGHT_FORKS", default=0.20),
    "recency": env.float("NEWCOMERS_WEIGHT_RECENCY", default=0.15),
}
NEWCOMERS_MIN_STARS_GAINED = env.int("NEWCOMERS_MIN_STARS_GAINED", default=10)
NEWCOMERS_CREATED_DAYS_BEFORE = env.int("NEWCOMERS_CREATED_DAYS_BEFORE", default=0)
NEWCOMERS_TOP_K = env.int("NEWCOMERS_TOP_K", default=10)

# --- Logging -------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}
