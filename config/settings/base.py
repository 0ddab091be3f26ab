"""ParIndex settings, complete and driven by environment variables.

Defaults are safe for production (DEBUG off, no hosts allowed, secure cookies); the demo
(`make run`) and the tests set the few variables they need. See README.md, "Settings".
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "parindex.common",
    "parindex.orgunits",
    "parindex.accounts",
    "parindex.audit",
    "parindex.frameworks",
    "parindex.assessments",
    "parindex.evidence",
    "parindex.notifications",
    "parindex.surveys",
    "parindex.scoring",
    "parindex.plans",
    "parindex.awards",
    "parindex.api",
    "ninja",
    "parindex.core",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "parindex.accounts.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The database gone away: a clear 503 page and no session write (parindex/core/errors.py).
    "parindex.core.errors.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "parindex.common.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages: an idle session ends with a message; an account with two-step login
    # reaches nothing but its second step (or its enrolment, where two-step login is required).
    "parindex.accounts.middleware.IdleTimeoutMiddleware",
    "parindex.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # AxesMiddleware last: it turns a locked-out login into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "parindex.core.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'parindex.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Concurrent writers (gunicorn workers, the task worker): wait for a busy writer instead of
    # failing at once; take the write lock when a transaction begins (IMMEDIATE), since a
    # transaction that reads and then writes cannot wait for the lock and fails with "database is
    # locked"; WAL lets readers go on while one writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(  # type: ignore[attr-defined]
        {
            "timeout": int(os.environ.get("DATABASE_TIMEOUT", "20")),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": int(os.environ.get("PASSWORD_MIN_LENGTH", "10"))},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "parindex.accounts.validators.LettersAndOthersValidator"},
]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Failed logins: after AXES_FAILURE_LIMIT failures for one username from one address, that pair is
# refused for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Vietnamese first, English second. Formats: see parindex/formats/.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["parindex.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "STATICFILES_STORAGE", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Evidence documents live outside the web root and are served only through a permission check.
# Any Django storage backend works (an S3-compatible one in production: set EVIDENCE_STORAGE and
# its options through the backend's own settings).
EVIDENCE_ROOT = Path(os.environ.get("EVIDENCE_ROOT", BASE_DIR / "var" / "evidence"))
# S3-compatible object storage (AWS, MinIO, a Vietnamese cloud's S3 service): name the bucket and
# the documents go there, private, under the "evidence/" prefix, and several app servers share
# them (docs/deploy.md). The keys are read from AWS_S3_ACCESS_KEY_ID / AWS_S3_SECRET_ACCESS_KEY
# (or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, or the machine's role) by the storage itself.
S3_BUCKET = os.environ.get("AWS_STORAGE_BUCKET_NAME") or os.environ.get("PARINDEX_S3_BUCKET", "")
S3_STORAGE = "storages.backends.s3.S3Storage"
EVIDENCE_STORAGE = os.environ.get("EVIDENCE_STORAGE") or (
    S3_STORAGE if S3_BUCKET else "django.core.files.storage.FileSystemStorage"
)


def s3_options(prefix: str) -> dict[str, Any]:
    if not S3_BUCKET:
        raise ImproperlyConfigured("S3 storage: set AWS_STORAGE_BUCKET_NAME.")
    return {
        "bucket_name": S3_BUCKET,
        "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
        "addressing_style": os.environ.get("AWS_S3_ADDRESSING_STYLE") or None,  # "path": MinIO
        "location": "/".join(p for p in (os.environ.get("AWS_LOCATION", ""), prefix) if p),
        "default_acl": "private",
        "querystring_auth": True,  # never a public address: files go out through the app
        "querystring_expire": 300,
        "file_overwrite": False,
        "signature_version": "s3v4",
    }


STORAGES["evidence"] = {
    "BACKEND": EVIDENCE_STORAGE,
    "OPTIONS": s3_options("evidence")
    if EVIDENCE_STORAGE == S3_STORAGE
    else {"location": str(EVIDENCE_ROOT)},
}
if S3_BUCKET:
    STORAGES["default"] = {"BACKEND": S3_STORAGE, "OPTIONS": s3_options("media")}
EVIDENCE_MAX_MB = int(os.environ.get("EVIDENCE_MAX_MB", "20"))
# Import files (Excel, CSV, YAML: units, frameworks, survey forms, plans): the largest accepted.
IMPORT_MAX_MB = int(os.environ.get("IMPORT_MAX_MB", "10"))
# The public survey form: at most this many forms an hour from one address (one-stop desks share
# a connection: keep it generous).
SURVEY_FORMS_PER_ADDRESS_PER_HOUR = int(os.environ.get("SURVEY_FORMS_PER_ADDRESS_PER_HOUR", "60"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Background work: a database-backed worker (`manage.py db_worker`); RQ for scale.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# The cache holds the API's per-token counters: memory by default (one process); with several
# workers or servers a shared one, e.g. CACHE_BACKEND=django.core.cache.backends.db.DatabaseCache
# and CACHE_LOCATION=parindex_cache (then `manage.py createcachetable`).
CACHES = {
    "default": {
        "BACKEND": os.environ.get("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": os.environ.get("CACHE_LOCATION", ""),
    }
}
# Reminders: the cycle's deadlines are reminded 7, 3 and 1 days before (assessments/reminders.py);
# a plan's open tasks every day from this many days before their due date, and daily once overdue
# (`manage.py send_plan_reminders`, plans/reminders.py).
PLAN_REMINDER_DAYS = int(os.environ.get("PLAN_REMINDER_DAYS", "7"))
# The REST API: requests a token may make per minute (then 429 with Retry-After).
API_REQUESTS_PER_MINUTE = int(os.environ.get("API_REQUESTS_PER_MINUTE", "120"))

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ParIndex <no-reply@localhost>")

# Security: production defaults; the demo (DEBUG on, plain http) turns them off.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# A load balancer's health check may come over plain http, straight to an app server.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", False) else None
)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# A session lasts at most SESSION_COOKIE_AGE, and ends sooner after SESSION_IDLE_MINUTES without a
# request (accounts/middleware.py); closing the browser ends it too.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_MAX_HOURS", "8")) * 60 * 60
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features no page uses are switched off (accounts/middleware.py sends the header).
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), interest-cohort=()"
)
# Content-Security-Policy (django-csp): scripts only from our own static files, never inline;
# styles may be inline (a few style attributes and print pages' <style>), never remote.
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

# Two-step login (TOTP, django-otp): any account may turn it on from its security page; with
# TWO_FACTOR_REQUIRED, secretariat and system administrator accounts must (they are sent to enrol
# right after their password).
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", False)
TWO_FACTOR_REQUIRED_ROLES = ["system_admin", "secretariat"]
OTP_TOTP_ISSUER = "ParIndex"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# The demo (DEBUG) serves static files from the source folders, without collectstatic.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
