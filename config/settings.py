"""Settings, read from the environment (see the table in README.md).

With nothing set, the platform runs on a SQLite file and an embedded kombu
transport (files under ``var/``), so a fresh machine needs no server.
``BRP_PRODUCTION=1`` switches on the secure-cookie / HSTS settings that
``manage.py check --deploy`` asks for.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BRP_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = env_bool("BRP_PRODUCTION")
DEBUG = env_bool("DEBUG", default=not PRODUCTION)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set when BRP_PRODUCTION=1")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if not PRODUCTION else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_fsm",
    "axes",
    "core",
    "org",
    "accounts",
    "sla",
    "responses",
    "faults",
    "billing",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every answer (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A NUL character in a query string answers 400 (config/api.py).
    "config.api.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A refused action on a page: its status and reason, with a way back (core/middleware.py).
    "core.middleware.DomainErrorMiddleware",
    # Last, as django-axes asks: answers a locked-out login with its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "sla.context_processors.inbox",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# --- Database -------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
# Connections are kept (DB_CONN_MAX_AGE seconds) and checked before each request reuses
# one, so a connection the server dropped (restart, pg_terminate_backend) costs no 500.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", 60)), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions serialise writers, so two sweepers on SQLite
    # queue up instead of failing with "database is locked" on upgrade.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 30}
    # The dashboard's covering indexes (INCLUDE) are a PostgreSQL feature; SQLite builds them as plain ones.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -------------------------------------------------------------------
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 8 * 3600))
# Login throttling (django-axes): AXES_FAILURE_LIMIT failed logins for one user name
# from one address lock that pair out for AXES_COOLOFF_MINUTES (issue 5).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", 1 if PRODUCTION else 0)) or None

# --- Internationalisation ------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
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
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# --- Content-Security-Policy (django-csp) ---------------------------------------------
# Everything comes from this server: pages keep no inline script, style or event handler
# (their scripts are in static/js/), Chart.js and the Swagger UI (drf-spectacular-sidecar) are
# served locally. "data:" images are the Swagger UI's icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Email and SMS -------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "brp@localhost")
SMS_BACKEND = os.environ.get("SMS_BACKEND", "sla.sms.LoggingSmsBackend")

# --- Celery ------------------------------------------------------------------
# Redis when CELERY_BROKER_URL or REDIS_URL is set; otherwise kombu's filesystem
# transport, which needs no server (web, worker and beat share var/broker).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or "filesystem://"
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "brp")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is down or hung never holds a request for long (issue 11): connecting
# and every socket operation give up after BROKER_TIMEOUT seconds, and a publish is
# one attempt (redis-py itself reconnects a pooled connection the server dropped).
# Measured: broker down, a publish fails in < 0.1 s; hung (SIGSTOP), in 2.0 s; one retry
# would make that 6 s. A lost publish leaves its rows for the retry sweeps.
BROKER_TIMEOUT = float(os.environ.get("BROKER_TIMEOUT", 2))
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # the worker reconnects for as long as it takes
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_timeout": BROKER_TIMEOUT,
        "socket_connect_timeout": BROKER_TIMEOUT,
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    }
CELERY_TIMEZONE = TIME_ZONE

# --- Deadline engine (sla) -------------------------------------------------------
SLA_SWEEP_INTERVAL = float(os.environ.get("SLA_SWEEP_INTERVAL", 2))
SLA_SWEEP_BATCH = int(os.environ.get("SLA_SWEEP_BATCH", 500))
# One sweep drains the backlog for at most this long, then leaves the rest to the next.
SLA_SWEEP_MAX_SECONDS = float(os.environ.get("SLA_SWEEP_MAX_SECONDS", 30))
# A notification still pending this long after it was decided is re-sent by the sweep.
SLA_NOTIFICATION_RETRY_AFTER = timedelta(seconds=int(os.environ.get("SLA_NOTIFICATION_RETRY_AFTER", 30)))
SLA_NOTIFICATION_MAX_ATTEMPTS = int(os.environ.get("SLA_NOTIFICATION_MAX_ATTEMPTS", 5))
SLA_NOTIFICATION_RETRY_INTERVAL = float(os.environ.get("SLA_NOTIFICATION_RETRY_INTERVAL", 15))

# --- Billing (B4.4, B4.5) --------------------------------------------------------
BILLING_PAYMENT_TERM_DAYS = int(os.environ.get("BILLING_PAYMENT_TERM_DAYS", 15))
BILLING_ARREARS_LARGE_THRESHOLD = os.environ.get("BILLING_ARREARS_LARGE_THRESHOLD", "5000.00")
BILLING_REMINDER_CYCLE_DAYS = int(os.environ.get("BILLING_REMINDER_CYCLE_DAYS", 7))
# SLA credit: this % of the monthly fee per started step of hours a repair was late, capped per month.
BILLING_SLA_CREDIT_PERCENT = os.environ.get("BILLING_SLA_CREDIT_PERCENT", "5")
BILLING_SLA_CREDIT_STEP_HOURS = int(os.environ.get("BILLING_SLA_CREDIT_STEP_HOURS", 4))
BILLING_SLA_CREDIT_CAP_PERCENT = os.environ.get("BILLING_SLA_CREDIT_CAP_PERCENT", "50")
# B4.2/B4.3: IT is warned this long before a run's deadline (00:00 on the 2nd / 10th): 20:00 the day before.
BILLING_RUN_WARN_BEFORE_MINUTES = int(os.environ.get("BILLING_RUN_WARN_BEFORE_MINUTES", 240))
# B4.2/B4.3: the username of the IT operator on duty, assigned to the runs the calendar creates (blank: the
# active IT operator with the lowest id; nobody when IT has none).
BILLING_ON_DUTY_OPERATOR = os.environ.get("BILLING_ON_DUTY_OPERATOR", "")
# A bill run left in invoicing (its publish lost to a broker fault, or its worker killed)
# is generated again by this sweep; a run another worker is generating is left alone.
BILLING_RESUME_INVOICING_INTERVAL = float(os.environ.get("BILLING_RESUME_INVOICING_INTERVAL", 300))

# --- The beat schedule: every periodic task, in one place --------------------------
CELERY_BEAT_SCHEDULE = {
    "sla-sweep": {
        "task": "sla.tasks.sweep_deadlines",
        "schedule": SLA_SWEEP_INTERVAL,
        # A sweep that waited longer than one interval is superseded by the next.
        "options": {"expires": max(SLA_SWEEP_INTERVAL, 1.0)},
    },
    "sla-retry-stale": {
        "task": "sla.tasks.retry_stale",
        "schedule": SLA_NOTIFICATION_RETRY_INTERVAL,
        "options": {"expires": SLA_NOTIFICATION_RETRY_INTERVAL},
    },
    # R1.14: equipment needs of open orders are totalled and sent to 网络建设部 every half month.
    "responses-equipment-half-month": {
        "task": "responses.tasks.send_equipment_needs",
        "schedule": crontab(minute=0, hour=8, day_of_month="1,16"),
    },
    # Month close (issue 7): freeze the month's figures and run the apps' month-close handlers.
    "sla-close-month": {
        "task": "sla.tasks.close_previous_month",
        "schedule": crontab(minute=30, hour=0, day_of_month="1"),
    },
    # A3.2: HR records entered ahead of their effective day are applied on it (hourly, so a missed run
    # catches up).
    "accounts-apply-hr-events": {
        "task": "accounts.tasks.apply_due_hr_events",
        "schedule": crontab(minute=5),
    },
    "accounts-clear-expired-sessions": {
        "task": "accounts.tasks.clear_expired_sessions",
        "schedule": crontab(minute=20, hour=3),
    },
    # Arrears are scanned hourly.
    "billing-arrears-scan": {
        "task": "billing.tasks.scan_arrears",
        "schedule": 3600.0,
        "options": {"expires": 3600.0},
    },
    # B4.2/B4.3: the month's bill and settlement runs are created at 00:00 on the 1st; hourly, so a missed
    # beat catches up (creating a run that exists does nothing).
    "billing-schedule-month-runs": {
        "task": "billing.tasks.schedule_month_runs",
        "schedule": crontab(minute=0),
    },
    "billing-resume-invoicing": {
        "task": "billing.tasks.resume_invoicing",
        "schedule": BILLING_RESUME_INVOICING_INTERVAL,
        "options": {"expires": BILLING_RESUME_INVOICING_INTERVAL},
    },
    # F2.9 → F2.7 (issue 15 §4): hourly, the day's complaint counts suggest a level for each open event;
    # someone confirms the suggestion on the event board.
    "faults-suggest-event-levels": {
        "task": "faults.tasks.suggest_event_levels",
        "schedule": crontab(minute=10),
    },
}

# Issue 15 §4: records a complaint names by number in apps faults does not import (faults/lookups.py).
FAULTS_RECORD_LOOKUPS = {"order": "responses.selectors.orders_visible_to"}

# Links in notices (e.g. a new account's first-password link) start with this address.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_LINK_DAYS", 3)) * 86400

# --- REST framework -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.access.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["org.access.ReadOnlyForAuditors"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # JSON bodies: size, nesting and NUL limits (400); the schema documents the error answers.
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "config.openapi.AutoSchema",
    # One error contract for every app: {"code", "detail", "fields"} (core/api.py).
    "EXCEPTION_HANDLER": "core.api.api_exception_handler",
}
# Request bodies (API JSON and form fields; uploaded files are not counted) and JSON nesting.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", 1024 * 1024))
API_JSON_MAX_DEPTH = 32
SPECTACULAR_SETTINGS: dict[str, Any] = {
    "TITLE": "Business Response Platform API",
    "DESCRIPTION": "业务响应管理平台 API",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request bodies get their own components (FooRequest): an upload is a binary file there, not the
    # URL the answer gives, and read-only fields are left out of what a client sends.
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI is served from this server (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# Names of the faults app's choice sets in the OpenAPI schema (they share field names with others).
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "FaultCategoryEnum": "faults.models.FaultCategory",
        "EventCategoryEnum": "faults.models.EventCategory",
        "EventSourceEnum": "faults.models.EventSource",
        "WarningLevelEnum": "faults.models.WarningLevel",
        "ServiceLevelEnum": "sla.models.Level",
        "RoleEnum": "org.roles.Role",
        "AccountRequestKindEnum": "accounts.models.AccountRequest.Kind",
        "DeadlineStateEnum": "sla.models.Deadline.State",
        "OrderStateEnum": "responses.models.Order.State",
        "WorkStepStateEnum": "responses.models.WorkStep.State",
        "AdjustmentKindEnum": "billing.models.Adjustment.Kind",
        "AppealStageEnum": "faults.models.AppealStage",
        "ComplaintChannelEnum": "faults.models.ComplaintChannel",
        "EventCallStageEnum": "faults.models.EventCall.Stage",
        "RectificationStateEnum": "faults.models.RectificationNotice.State",
        "InvoiceStateEnum": "billing.models.Invoice.State",
    }
)

# --- Logging ------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Production hardening (manage.py check --deploy) --------------------------------
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
