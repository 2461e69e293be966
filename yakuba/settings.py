"""Yakuba settings, read from the environment.

Defaults are safe for development (`make run`): SQLite, DEBUG on, a generated
development key. With DEBUG off the start-up checks in `yakuba.core.checks`
refuse a missing/weak SECRET_KEY or an empty ALLOWED_HOSTS.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from yakuba.core.faults import parse as _parse_fault_pauses

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("YAKUBA_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
# The test suite runs with DEBUG off (as production) but needs a key and hosts.
TESTING = env_bool("YAKUBA_TESTING") or "_pytest" in sys.modules
# Only used when DEBUG is on; production must set SECRET_KEY (checked at start-up).
DEV_SECRET_KEY = "dev-insecure-yakuba-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if TESTING:
    SECRET_KEY = "test-" + "k" * 10 + "-yakuba-" + "0123456789abcdefghijklmnopqrstuvwxyz"
    ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    # Before django_tasks_db: its `db_worker` command is replaced by core's (heartbeat and
    # recovery of the tasks of killed workers, see yakuba/core/workers.py).
    "yakuba.core",
    "django_tasks",
    "django_tasks_db",
    "yakuba.accounts",
    "yakuba.audit",
    "yakuba.org",
    "yakuba.api",
    "yakuba.demo",
    "yakuba.notifications",
    "yakuba.dailyreports",
    "yakuba.rosters",
    "yakuba.remoteseats",
    "yakuba.meetings",
    "yakuba.netcheck",
    "yakuba.licences",
    "yakuba.security",
    "yakuba.drills",
    "yakuba.readiness",
    "yakuba.incidents",
    "yakuba.inspections",
    "yakuba.evaluation",
    "yakuba.surveys",
    "yakuba.policies",
    "yakuba.problems",
    "yakuba.awareness",
    "yakuba.campaigns",
    "yakuba.training",
    "yakuba.knowledge",
    "yakuba.reviews",
    "yakuba.search",
]

MIDDLEWARE = [
    # Outermost, so that every response carries the security headers, error pages raised
    # by any layer below included (a bad Host header is refused in CommonMiddleware):
    # nosniff, Referrer-Policy, HSTS…, then the Content-Security-Policy (django-csp, site
    # policy built once) and X-Frame-Options.
    "yakuba.core.middleware.SecurityHeadersMiddleware",
    "yakuba.core.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",  # the HTTPS redirect
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # yakuba.core.middleware.X = the usual X, skipped on WEBHOOK_PATH_PREFIXES (platform
    # webhooks: no cookies, no user, authenticated by signature/token in the view).
    "yakuba.core.middleware.SessionMiddleware",
    "yakuba.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "yakuba.core.middleware.AuthenticationMiddleware",
    # Responses to a signed-in person (or an API token) are Cache-Control: no-store.
    "yakuba.core.middleware.NoStoreForSignedInMiddleware",
    "yakuba.core.middleware.OTPMiddleware",
    "yakuba.core.middleware.RequireTwoFactorMiddleware",
    "yakuba.core.middleware.MessageMiddleware",
    # Query strings and forms with control characters (NUL…) are refused here, with 400.
    "yakuba.core.middleware.RejectControlCharactersMiddleware",
    "yakuba.core.middleware.HtmxMiddleware",
    "yakuba.audit.middleware.AuditContextMiddleware",
    # Every 403 (PermissionDenied) and out-of-scope 404 raised by a view is audited here, once.
    "yakuba.core.permissions.DenialAuditMiddleware",
    "axes.middleware.AxesMiddleware",  # cheap, and its system check wants it by name
    # A view that cannot reach the database answers 503 + Retry-After (webhooks redeliver).
    "yakuba.core.middleware.DatabaseUnavailableMiddleware",
]
# Machine-to-machine endpoints that skip the browser-only middleware above (see
# yakuba/core/middleware.py for what is kept and why that is safe).
WEBHOOK_PATH_PREFIXES = ("/meetings/hooks/",)

ROOT_URLCONF = "yakuba.urls"
WSGI_APPLICATION = "yakuba.wsgi.application"

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
                "yakuba.core.context_processors.navigation",
                "yakuba.notifications.context_processors.unread_notices",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web server and the task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Connections are kept between requests (CONN_MAX_AGE, as for PostgreSQL): opening one
    # per request cost ~2 ms of a webhook's time (schema read, PRAGMAs, and a WAL
    # checkpoint whenever the last connection closed).
    if TESTING:
        # A file, not shared-cache memory: browser tests run a task worker beside the live
        # server, and only a file database lets them wait for each other's locks.
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        # One file per test process, so two test runs on one machine never share it.
        DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        # staff_*: properties of accounts.User read from the person's staff record.
        "OPTIONS": {
            "user_attributes": (
                "username",
                "first_name",
                "last_name",
                "email",
                "staff_number",
                "staff_name",
                "staff_name_kana",
            )
        },
    },
    # A password holding the user name or staff number (e.g. "A1234-password!") is refused,
    # which the similarity check above (whole-string ratio) lets through.
    {"NAME": "yakuba.accounts.activation.NoPersonalDataValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Local accounts (break-glass administrators, offices without a directory)…
    "yakuba.accounts.directory.LocalAccountBackend",
    # …and directory accounts (AD/LDAP), when LDAP_SERVER_URI is set.
    "yakuba.accounts.directory.DirectoryBackend",
]

# Directory sign-in (Active Directory / LDAP, yakuba/accounts/directory.py): off unless
# LDAP_SERVER_URI is set. The TLS settings are validated at start (yakuba/accounts/checks.py).
LDAP_SERVER_URI = os.environ.get("LDAP_SERVER_URI", "")  # ldaps://dc1.city.local
LDAP_BIND_DN = os.environ.get("LDAP_BIND_DN", "")  # a read-only service account
LDAP_BIND_PASSWORD = os.environ.get("LDAP_BIND_PASSWORD", "")
LDAP_SEARCH_BASE = os.environ.get("LDAP_SEARCH_BASE", "")  # OU=Staff,DC=city,DC=local
LDAP_USER_FILTER = os.environ.get("LDAP_USER_FILTER", "")  # "" = AD default (directory.py)
LDAP_ATTR_USERNAME = os.environ.get("LDAP_ATTR_USERNAME", "sAMAccountName")
LDAP_ATTR_UPN = os.environ.get("LDAP_ATTR_UPN", "userPrincipalName")
LDAP_ATTR_EMAIL = os.environ.get("LDAP_ATTR_EMAIL", "mail")
LDAP_ATTR_STAFF_NUMBER = os.environ.get("LDAP_ATTR_STAFF_NUMBER", "employeeID")
LDAP_ATTR_DISPLAY_NAME = os.environ.get("LDAP_ATTR_DISPLAY_NAME", "displayName")
LDAP_ATTR_GROUPS = os.environ.get("LDAP_ATTR_GROUPS", "memberOf")
LDAP_START_TLS = env_bool("LDAP_START_TLS")
LDAP_CA_FILE = os.environ.get("LDAP_CA_FILE", "")  # the office's CA (PEM)
# Plain ldap:// without StartTLS sends passwords in clear: refused unless allowed here.
LDAP_ALLOW_PLAINTEXT = env_bool("LDAP_ALLOW_PLAINTEXT")
# "infosec=CN=G-Infosec,OU=Groups,DC=city,DC=local;hr=CN=G-Jinji,OU=Groups,DC=city,DC=local"
LDAP_ROLE_GROUPS = os.environ.get("LDAP_ROLE_GROUPS", "")
LDAP_TIMEOUT_SECONDS = float(os.environ.get("LDAP_TIMEOUT_SECONDS", "5"))
# Daily directory sync by the scheduler from this hour (unset: only `manage.py
# sync_directory`); a sync that would disable more accounts waits for a person.
LDAP_SYNC_HOUR = int(os.environ["LDAP_SYNC_HOUR"]) if os.environ.get("LDAP_SYNC_HOUR") else None
LDAP_SYNC_MAX_DISABLE = int(os.environ.get("LDAP_SYNC_MAX_DISABLE", "20"))

# Local accounts (offices without a directory, yakuba/accounts/provisioning.py): how long
# an activation link / code stays valid, and how long a printed activation-sheet PDF (which
# holds live codes) is kept for download before it is deleted.
ACCOUNT_ACTIVATION_DAYS = int(os.environ.get("ACCOUNT_ACTIVATION_DAYS", "14"))
ACTIVATION_SHEET_KEEP_HOURS = int(os.environ.get("ACTIVATION_SHEET_KEEP_HOURS", "8"))
# A password-reset link by e-mail is valid this long (hours).
PASSWORD_RESET_LINK_HOURS = int(os.environ.get("PASSWORD_RESET_LINK_HOURS", "2"))

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sign-in throttling (django-axes, yakuba/accounts/throttle.py). An account is locked for
# the address that failed (user name *and* address), so nobody can lock a colleague out
# from elsewhere; an address that fails too often over any user names is locked as well.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
SIGNIN_IP_FAILURE_LIMIT = int(os.environ.get("SIGNIN_IP_FAILURE_LIMIT", "20"))
# Sign-in history shown to each person (accounts/history.py), kept this many days; an
# account is idle on the hygiene screen after this many days without a sign-in; wrong
# current passwords on the password-change form allowed per AXES_COOLOFF_HOURS.
SIGNIN_HISTORY_DAYS = int(os.environ.get("SIGNIN_HISTORY_DAYS", "400"))
ACCOUNT_IDLE_DAYS = int(os.environ.get("ACCOUNT_IDLE_DAYS", "90"))
PASSWORD_CHANGE_FAILURE_LIMIT = int(
    os.environ.get("PASSWORD_CHANGE_FAILURE_LIMIT", str(AXES_FAILURE_LIMIT))
)
AXES_HANDLER = "yakuba.accounts.throttle.SignInThrottle"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "yakuba.accounts.views.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# The client address (for throttling and the audit trail) is REMOTE_ADDR. Behind a reverse
# proxy, list the proxy's addresses/networks in TRUSTED_PROXIES: only for connections from
# them is CLIENT_IP_HEADER read (right to left, past the trusted proxies). See core.clientip.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
CLIENT_IP_HEADER = os.environ.get("CLIENT_IP_HEADER", "X-Forwarded-For")
AXES_CLIENT_IP_CALLABLE = "yakuba.core.clientip.client_ip"

# Sessions end after inactivity; every request slides the window.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_MINUTES", "30")) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

OTP_TOTP_ISSUER = os.environ.get("OTP_ISSUER", "Yakuba")

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("日本語")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "yakuba" / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and not TESTING
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# Uploaded files (imports): private, never served by URL; backed up with the database.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
YAKUBA_IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
# Joiners of a staff import get a local account (org.joiners). Offices whose accounts come
# from the directory (LDAP_*) turn it off: the account is made at the first sign-in.
ORG_IMPORT_CREATES_ACCOUNTS = env_bool("ORG_IMPORT_CREATES_ACCOUNTS", True)

# Background work: django-tasks with the database backend; `make run` starts a worker.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

if TESTING:
    # Tests run tasks inline; the worker path is exercised by the DB backend's own checks.
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Content Security Policy: no inline scripts, nothing from other origins (LGWAN, offline).
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
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = False
if env_bool("HTTPS", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

# Morning reports from chat: Slack signs requests (signing secret), Mattermost sends a token.
SLACK_SIGNING_SECRET = os.environ.get("SLACK_SIGNING_SECRET", "")
MATTERMOST_COMMAND_TOKEN = os.environ.get("MATTERMOST_COMMAND_TOKEN", "")
# Outgoing chat webhooks (yakuba/notifications/outbound.py), set by the system administrator:
# the hosts a webhook may name ("hooks.slack.com,*.logic.azure.com,mm.city.lg.jp:8065"; empty:
# none), plain http besides https, and the non-public networks an allowed host may resolve to
# (an on-premise chat server, e.g. "10.20.30.40/32"). Loopback, private, link-local and
# reserved addresses are refused unless listed here.
OUTBOUND_WEBHOOK_HOSTS = env_list("OUTBOUND_WEBHOOK_HOSTS")
OUTBOUND_WEBHOOK_ALLOW_HTTP = env_bool("OUTBOUND_WEBHOOK_ALLOW_HTTP")
OUTBOUND_WEBHOOK_PRIVATE_NETWORKS = env_list("OUTBOUND_WEBHOOK_PRIVATE_NETWORKS")
# Seconds between scheduler ticks (`manage.py run_scheduler`, started by `make run`).
SCHEDULER_INTERVAL_SECONDS = int(os.environ.get("SCHEDULER_INTERVAL_SECONDS", "30"))
# Task workers beat this often; a worker silent for the lease is gone and its running task
# is put back in the queue (yakuba/core/workers.py).
TASK_WORKER_HEARTBEAT_SECONDS = float(os.environ.get("TASK_WORKER_HEARTBEAT_SECONDS", "10"))
TASK_WORKER_LEASE_SECONDS = float(os.environ.get("TASK_WORKER_LEASE_SECONDS", "60"))
# Test-only pause points (yakuba/core/faults.py): empty unless the fault tests set the
# environment variable on the processes they start.
FAULT_PAUSES = _parse_fault_pauses(os.environ.get("YAKUBA_FAULT_PAUSES", ""))
# Public address of this server, for links in chat digests and activation / password-reset
# mails and sheets (e.g. https://yakuba.city.lg.jp).
YAKUBA_BASE_URL = os.environ.get("YAKUBA_BASE_URL", "").rstrip("/")

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
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "yakuba@localhost")
# A mail server that stops answering must not hold a delivery for ever: an attempt in
# flight is trusted to its sender for 5 minutes (notifications.services.SEND_LEASE).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # urllib3 logs each request line (a chat webhook's secret path) at DEBUG.
        "urllib3": {"level": "WARNING"},
    },
}
