"""Hatrack settings: one module, driven by the environment, read top to bottom.

Every setting that differs between a laptop demo and a district's production server
comes from an environment variable (or an optional `.env` file in the working folder).
`HATRACK_ENV=production` switches on the strict defaults: a SECRET_KEY must be given,
cookies are secure and HTTPS is enforced. Everything else defaults to a local,
single-process setup with SQLite in the data folder.
"""

import secrets
from pathlib import Path

import environ

SRC_DIR = Path(__file__).resolve().parent
env = environ.Env()
environ.Env.read_env(Path.cwd() / ".env", overwrite=False)

HATRACK_ENV = env.str("HATRACK_ENV", default="development")
PRODUCTION = HATRACK_ENV == "production"

# The data folder holds the SQLite database, the generated secret key, uploads
# and collected static files. One folder to back up on a small install.
DATA_DIR = Path(env.str("HATRACK_DATA_DIR", default=str(Path.cwd() / "data"))).resolve()


def _secret_key() -> str:
    """Production must set SECRET_KEY; elsewhere one is generated once and kept."""
    if value := str(env.str("SECRET_KEY", default="")):
        return value
    if PRODUCTION:
        raise environ.ImproperlyConfigured("SECRET_KEY must be set when HATRACK_ENV=production")
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "hatrack.core",
    "hatrack.accounts",
    "hatrack.directory",
    "hatrack.servicedesk",
    "hatrack.devices",
    "hatrack.systems",
    "hatrack.workspace",
    "hatrack.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "hatrack.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hatrack.core.middleware.SessionRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hatrack.urls"
WSGI_APPLICATION = "hatrack.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hatrack.workspace.context_processors.workspace",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# SQLite in the data folder by default (WAL mode, immediate transactions so two
# writers queue instead of failing); PostgreSQL through DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'hatrack.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite cannot create the folder its file lives in.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000; PRAGMA cache_size=-64000;"
            ),
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
# Reusing connections matters on SQLite too: opening one (and its PRAGMAs) per
# request costs more than a whole API page.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and sign-in ---------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Sessions end after a working day of inactivity and when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
# Activity slides the expiry; the session row is rewritten at most this often.
SESSION_REFRESH_INTERVAL = 300
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
PASSWORD_RESET_TIMEOUT = 3600 * 2

# Brute-force protection: lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Behind a load balancer or reverse proxy, set TRUSTED_PROXY_COUNT to the number of
# proxies in front of Hatrack so lockouts key on the client's address from
# X-Forwarded-For, not on the proxy's. Never set it without a proxy: clients could
# then forge the header.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# --- Email -------------------------------------------------------------------
# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587, sets EMAIL_BACKEND,
# EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD and EMAIL_USE_TLS/SSL.
globals().update(
    env.email_url("EMAIL_URL", default="smtp://localhost:25" if PRODUCTION else "consolemail://")
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Hatrack <hatrack@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 15
# Links in mail point here: the address people use to reach Hatrack.
HATRACK_BASE_URL = env.str("HATRACK_BASE_URL", default="http://127.0.0.1:8000")
# Student data leaves the district only by an explicit choice: no mail to students unless set.
HATRACK_MAIL_STUDENTS = env.bool("HATRACK_MAIL_STUDENTS", default=False)
# Loop protection: at most this many notifications to one address per hour.
HATRACK_MAIL_HOURLY_LIMIT = env.int("HATRACK_MAIL_HOURLY_LIMIT", default=30)
# Incoming mail: messages over this size are rejected whole (with a notice to a person,
# never to automatic mail), and more than the loop limit per sender per hour is ignored.
HATRACK_MAIL_MAX_BYTES = env.int("HATRACK_MAIL_MAX_BYTES", default=25 * 1024 * 1024)
HATRACK_MAIL_LOOP_LIMIT = env.int("HATRACK_MAIL_LOOP_LIMIT", default=20)
HATRACK_MAIL_THREAD_LOOP_LIMIT = env.int("HATRACK_MAIL_THREAD_LOOP_LIMIT", default=30)
# Ticket attachments (portal, mail, API): the size of one file and how many per message.
HATRACK_ATTACHMENT_MAX_BYTES = env.int("HATRACK_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
HATRACK_ATTACHMENTS_PER_MESSAGE = env.int("HATRACK_ATTACHMENTS_PER_MESSAGE", default=10)
# A requester's reply reopens a resolved ticket within this many days; later it starts
# a new ticket that names the old one.
SERVICEDESK_REOPEN_DAYS = env.int("SERVICEDESK_REOPEN_DAYS", default=7)

# --- Background tasks ---------------------------------------------------------
TASKS = {
    "default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}
}
# A worker that has not been heard from for this long is presumed dead and its
# running task is handed back to the queue.
HATRACK_WORKER_STALE_AFTER = env.int("HATRACK_WORKER_STALE_AFTER", default=60)

# --- Health checks ------------------------------------------------------------
# Checks may reach only public internet addresses, except the networks the
# administrator lists here (CIDR, comma separated, e.g. "10.0.0.0/8,192.168.10.0/24"):
# nobody can point a check at an internal service through the pages or the API.
HATRACK_CHECKS_INTERNAL_NETWORKS = env.list("HATRACK_CHECKS_INTERNAL_NETWORKS", default=[])
# Set by `hatrack demo` only: its checks call the stand-in service on loopback.
if env.bool("HATRACK_DEMO_LOOPBACK_CHECKS", default=False):
    HATRACK_CHECKS_INTERNAL_NETWORKS = [*HATRACK_CHECKS_INTERNAL_NETWORKS, "127.0.0.1/32"]
# Probes one worker runs at the same time (threads; each waits on the network).
HATRACK_CHECKS_CONCURRENCY = env.int("HATRACK_CHECKS_CONCURRENCY", default=64)
# Set to false on workers that should not run health checks (a dedicated import worker).
HATRACK_CHECKS_ENABLED = env.bool("HATRACK_CHECKS_ENABLED", default=True)

# --- Static files and uploads -------------------------------------------------
STATIC_URL = "/static/"
# The project's own layout assets; each app's static/ folder is found on its own.
STATICFILES_DIRS = [SRC_DIR / "static"]
# Collected (hashed, compressed) files exist only in production; elsewhere whitenoise
# serves straight from the apps and packages.
STATIC_ROOT = DATA_DIR / "static" if PRODUCTION else None
MEDIA_ROOT = DATA_DIR / "uploads"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production, whitenoise serves straight from the packages, no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
# Uploads (OneRoster zips) stream to disk past this size instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
HATRACK_MAX_IMPORT_UPLOAD = env.int("HATRACK_MAX_IMPORT_UPLOAD", default=500 * 1024 * 1024)

# --- Security headers ---------------------------------------------------------
# Every script and style is a static file, so the policy stays 'self' only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # The preload flag only makes the site eligible; submitting it to browsers stays a
    # deliberate act of the district. Set SECURE_HSTS_PRELOAD=false to leave it out.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Locale and time ------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="America/Chicago")
USE_I18N = True
USE_TZ = True

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://hatrack")}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
