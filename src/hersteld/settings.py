"""Django settings for Hersteld, read from environment variables with development defaults."""

from __future__ import annotations

import sys
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from hersteld.core.env import EnvError, envbool, envint, envlist, envsecret, envstr

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(envstr("HERSTELD_HOME", str(Path.cwd())))
VAR_DIR = PROJECT_DIR / "var"

try:
    DEBUG = envbool("HERSTELD_DEBUG", False)
    DEMO = envbool("HERSTELD_DEMO", False)
    SECRET_KEY = envsecret("HERSTELD_SECRET_KEY", "")
    if not SECRET_KEY:
        # The type checker (django-stubs) only reads the settings to learn the models.
        if not (DEMO or DEBUG or "mypy" in sys.modules):
            # A built-in key is public: anyone could sign sessions and reset links with it.
            raise EnvError(
                "HERSTELD_SECRET_KEY (or HERSTELD_SECRET_KEY_FILE, a file holding it) is not "
                'set. Set a long random value, e.g. the output of `python -c "import secrets; '
                'print(secrets.token_urlsafe(50))"`; only HERSTELD_DEMO=1 or HERSTELD_DEBUG=1 '
                "run without one."
            )
        # Demo and development only; `hersteld check --deploy` flags this key as insecure.
        SECRET_KEY = "django-insecure-dev-only-key-set-HERSTELD_SECRET_KEY-in-production"
    # HTTPS on by default outside demo/debug (docs: README "Production").
    _PRODUCTION = not (DEMO or DEBUG)
    ALLOWED_HOSTS = envlist("HERSTELD_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
    SESSION_IDLE_TIMEOUT = envint("HERSTELD_SESSION_IDLE_MINUTES", 30) * 60
    MFA_EMPLOYER_USERS = envbool("HERSTELD_MFA_EMPLOYER_USERS", not DEMO)
    API_TOKEN_DAYS = envint("HERSTELD_API_TOKEN_DAYS", 30)
    PAGE_SIZE = envint("HERSTELD_PAGE_SIZE", 25)
    BASE_URL = envstr("HERSTELD_BASE_URL", "http://127.0.0.1:8000")
    DAILY_JOB_HOUR = envint("HERSTELD_DAILY_JOB_HOUR", 6)
    # Exchange: how long a message waits for a missing earlier report before a review task.
    EXCHANGE_HOLD_HOURS = envint("HERSTELD_EXCHANGE_HOLD_HOURS", 24)
    OUTBOX_MAX_ATTEMPTS = envint("HERSTELD_OUTBOX_MAX_ATTEMPTS", 10)
    # Bulk import: the most data rows one portal upload may hold (0: no limit); the CLI has none.
    IMPORT_MAX_ROWS = envint("HERSTELD_IMPORT_MAX_ROWS", 10_000)
    # Messages: the largest file one attachment may be (PDF, JPEG or PNG).
    MESSAGE_ATTACHMENT_MAX_BYTES = envint("HERSTELD_ATTACHMENT_MAX_MB", 5) * 1024 * 1024
    # Absence statistics: a breakdown below the employer needs at least this many persons.
    STATISTICS_MIN_GROUP = envint("HERSTELD_STATISTICS_MIN_GROUP", 5)
    # UWV documents: the largest signed scan (PDF, JPEG or PNG) one upload may hold.
    DOCUMENT_SCAN_MAX_BYTES = envint("HERSTELD_DOCUMENT_SCAN_MAX_MB", 10) * 1024 * 1024
    # Outbound targets on loopback or private addresses: only for demo, development or tests.
    OUTBOUND_PRIVATE_ADDRESSES = envbool("HERSTELD_OUTBOUND_PRIVATE_ADDRESSES", DEMO or DEBUG)
    CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", "")
    DATABASE_URL = envstr("DATABASE_URL", "")
    SESSION_COOKIE_SECURE = envbool("HERSTELD_SECURE_COOKIES", _PRODUCTION)
    # Plain http answers a redirect to https; off when the TLS proxy redirects already.
    SECURE_SSL_REDIRECT = envbool("HERSTELD_SSL_REDIRECT", _PRODUCTION)
    SECURE_HSTS_SECONDS = envint("HERSTELD_HSTS_SECONDS", 31_536_000 if _PRODUCTION else 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("HERSTELD_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = envbool("HERSTELD_HSTS_PRELOAD", False)
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients).
    if envbool("HERSTELD_TRUST_PROXY_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    LOCKOUT_TRIES = envint("HERSTELD_LOCKOUT_TRIES", 5)
    # Failures from one address, whoever's name: an office shares one, so the limit is higher.
    LOCKOUT_IP_TRIES = envint("HERSTELD_LOCKOUT_IP_TRIES", 50)
    LOCKOUT_MINUTES = envint("HERSTELD_LOCKOUT_MINUTES", 15)
    EMAIL_BACKEND = envstr(
        "HERSTELD_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
    )
    EMAIL_HOST = envstr("HERSTELD_EMAIL_HOST", "localhost")
    EMAIL_PORT = envint("HERSTELD_EMAIL_PORT", 25)
    EMAIL_HOST_USER = envstr("HERSTELD_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = envsecret("HERSTELD_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = envbool("HERSTELD_EMAIL_USE_TLS", False)
    # Datakluis (X7): the file with the key that seals pseudonymised persons, outside the
    # database (docs/adr/0018-datakluis.md). Named but missing: refuse to start.
    DATAKLUIS_KEY_FILE = envstr("HERSTELD_DATAKLUIS_KEY_FILE", "")
    if DATAKLUIS_KEY_FILE and not Path(DATAKLUIS_KEY_FILE).is_file():
        raise EnvError(
            f"HERSTELD_DATAKLUIS_KEY_FILE names {DATAKLUIS_KEY_FILE}, which does not exist"
        )
    # `hersteld serve --production` (gunicorn): processes, threads per process, address and
    # the seconds a request may take before its worker is restarted (docs/deployment.md).
    WEB_BIND = envstr("HERSTELD_BIND", "127.0.0.1:8000")
    WEB_WORKERS = envint("HERSTELD_WEB_WORKERS", 4)
    WEB_THREADS = envint("HERSTELD_WEB_THREADS", 1)
    WEB_TIMEOUT = envint("HERSTELD_WEB_TIMEOUT", 60)
    # A worker is replaced after this many requests (0: never), so a slow leak stays bounded.
    WEB_MAX_REQUESTS = envint("HERSTELD_WEB_MAX_REQUESTS", 2000)
    # One JSON line per request on the "hersteld.requests" logger (HERSTELD_REQUEST_LOG=0: off).
    REQUEST_LOG = envbool("HERSTELD_REQUEST_LOG", _PRODUCTION)
    # Extra medical-term lexicons of this installation (docs/medical-terms.md).
    MEDICAL_LEXICON_FILES = envlist("HERSTELD_MEDICAL_LEXICON", [])
    for _lexicon_file in MEDICAL_LEXICON_FILES:
        if not Path(_lexicon_file).is_file():
            raise EnvError(f"HERSTELD_MEDICAL_LEXICON names {_lexicon_file}, which does not exist")
except EnvError as exc:  # pragma: no cover - exercised by a deployment with a typo
    raise ImproperlyConfigured(str(exc)) from exc

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "ninja",
    "hersteld.core",
    "hersteld.organisations",
    "hersteld.accounts",
    "hersteld.people",
    "hersteld.privacy",
    "hersteld.absence",
    "hersteld.poortwachter",
    "hersteld.messaging",
    "hersteld.consults",
    "hersteld.documents",
    "hersteld.exchange",
    "hersteld.statistics",
    "hersteld.portal",
    "hersteld.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "hersteld.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "hersteld.core.middleware.RequestContextMiddleware",
    "hersteld.core.middleware.RequestLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "hersteld.core.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "hersteld.accounts.middleware.IdleTimeoutMiddleware",
    "hersteld.accounts.middleware.PortalSessionMiddleware",
    "hersteld.accounts.middleware.MfaRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "hersteld.urls"
WSGI_APPLICATION = "hersteld.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hersteld.portal.context_processors.navigation",
            ],
        },
    },
]

if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": envstr("HERSTELD_SQLITE_PATH", str(VAR_DIR / "hersteld.sqlite3")),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# django-axes: 5 failed tries lock the user name, 50 from one IP address lock that address,
# each for 15 minutes from the last counted failure; tries during a lock are not counted,
# so a lock cannot be stretched (hersteld.accounts.lockout).
AXES_FAILURE_LIMIT = "hersteld.accounts.lockout.failure_limit"
AXES_COOLOFF_TIME = LOCKOUT_MINUTES / 60
AXES_LOCKOUT_CALLABLE = "hersteld.accounts.lockout.lockout_response"
AXES_USERNAME_CALLABLE = "hersteld.accounts.lockout.username_of"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Hersteld"

SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
# A load balancer or the start script probes /health over plain http on the local address.
SECURE_REDIRECT_EXEMPT = [r"^health$"]
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Content-Security-Policy (hersteld.core.middleware.ContentSecurityPolicyMiddleware): no
# inline script or style anywhere in the portal, and no other origin.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
CSRF_TRUSTED_ORIGINS = envlist("HERSTELD_CSRF_TRUSTED_ORIGINS", [])

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates dd-mm-jjjj in the portal (hersteld/formats/<lang>/formats.py); the API stays ISO.
FORMAT_MODULE_PATH = ["hersteld.formats"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("HERSTELD_STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

DEFAULT_FROM_EMAIL = envstr("HERSTELD_FROM_EMAIL", "Hersteld <noreply@localhost>")

# SMS (hersteld.core.sms): consult reminders (docs/rules/consults.md) and notices of new
# messages (docs/rules/messages.md). "log" writes them to the log; "http" posts them as JSON
# to HERSTELD_SMS_URL with a bearer token.
SMS_GATEWAY = envstr("HERSTELD_SMS_GATEWAY", "log")
SMS_URL = envstr("HERSTELD_SMS_URL", "")
SMS_TOKEN = envsecret("HERSTELD_SMS_TOKEN", "")
SMS_SENDER = envstr("HERSTELD_SMS_SENDER", "Hersteld")

# Background work: Celery with Redis when a broker is configured, in-process otherwise.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = envstr("CELERY_RESULT_BACKEND", CELERY_BROKER_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# `celery -A hersteld beat` runs the daily job; without a broker use `hersteld run-daily` from cron.
CELERY_BEAT_SCHEDULE = {
    "poortwachter-daily": {
        "task": "poortwachter.run_daily",
        "schedule": crontab(hour=DAILY_JOB_HOUR, minute=0),
    },
    "exchange-error-digest": {
        "task": "exchange.send_error_digests",
        "schedule": crontab(hour=DAILY_JOB_HOUR, minute=5),
    },
    # Erase or anonymise what has passed its retention term (docs/adr/0022-retention.md).
    "core-retention": {
        "task": "core.retention",
        "schedule": crontab(hour=DAILY_JOB_HOUR, minute=30),
    },
    # Pick up inbox messages a dead worker left, hold-timeouts, outbox retries.
    "exchange-sweep": {"task": "exchange.sweep", "schedule": 60.0},
}

NINJA_PAGINATION_PER_PAGE = PAGE_SIZE
# A coupling message may be up to 5 MB (exchange.codec.MAX_BODY_BYTES); a form is far smaller.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024 + 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A refused request (403) is a normal answer: one line, no traceback (issue 11 item 21).
    "filters": {"refusals_one_line": {"()": "hersteld.core.logfilters.RefusalsOneLine"}},
    "formatters": {"bare": {"format": "%(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "requests": {"class": "logging.StreamHandler", "formatter": "bare"},
    },
    "loggers": {
        "django.request": {"filters": ["refusals_one_line"]},
        # The request log (hersteld.core.middleware.RequestLogMiddleware): JSON lines only.
        "hersteld.requests": {
            "handlers": ["requests"],
            "level": "INFO" if REQUEST_LOG else "WARNING",
            "propagate": False,
        },
    },
    "root": {"handlers": ["console"], "level": envstr("HERSTELD_LOG_LEVEL", "WARNING")},
}

SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a commitment for the whole domain: HERSTELD_HSTS_PRELOAD opts in.
    "security.W021",
]
