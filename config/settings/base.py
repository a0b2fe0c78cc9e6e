"""Settings shared by every environment.

Values come from the environment (django-environ). Each environment module
(local, test, production) imports this one and overrides what differs.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Only the process environment: docker compose passes its env file in, systemd its EnvironmentFile.
env = environ.Env()

# Runtime data of the embedded default (SQLite file, task queue folders, uploads).
DATA_DIR = Path(env.str("GRIDGOV_DATA_DIR", default=str(BASE_DIR / "var")))

DEBUG = False
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Key for residents' identity numbers and phones (Fernet, urlsafe base64 of 32 bytes).
FIELD_ENCRYPTION_KEY = env.str("FIELD_ENCRYPTION_KEY", default="")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "apps.core",
    "apps.accounts",
    "apps.areas",
    "apps.departments",
    "apps.party",
    "apps.cases",
    "apps.workcalendar",
    "apps.notifications",
    "apps.dispatch",
    "apps.residents",
    "apps.visits",
    "apps.dashboards",
    "apps.integrations",
    "apps.hotline",
    "apps.webhooks",
    "apps.open311",
    "apps.wishes",
    "apps.cobuilding",
    "apps.projects",
    "apps.councils",
]

MIDDLEWARE = [
    "apps.core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "apps.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.accounts.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "apps.integrations.middleware.ApiCallLogMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Axes answers locked-out logins; it must come last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "apps.core.context_processors.navigation",
            ],
        },
    },
]


def sqlite_database(path: Path) -> dict:
    """The embedded default: one SQLite file in WAL mode, writers queue instead of failing."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Server-side binding lets psycopg prepare the statements a connection repeats (from the fifth
        # run): PostgreSQL then skips planning, which cost more than executing the scoped reads.
        DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = True
else:
    DATABASES = {"default": sqlite_database(DATA_DIR / "gridgov.sqlite3")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out credentials before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "apps.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# An idle working day: a session ends after eight hours without a request.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_AGE", default=8 * 3600)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Login throttling (django-axes): five failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "apps.accounts.lockout.locked_out"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Only production collects static files (STATIC_ROOT there); elsewhere they come from the finders.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end packages installed by npm (package.json); served from here, never from a CDN.
    ("vendor/bootstrap", BASE_DIR / "node_modules/bootstrap/dist"),
    ("vendor/bootstrap-icons", BASE_DIR / "node_modules/bootstrap-icons/font"),
    ("vendor/htmx", BASE_DIR / "node_modules/htmx.org/dist"),
    ("vendor/echarts", BASE_DIR / "node_modules/echarts/dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(DATA_DIR / "media")))
# Uploads: photos of cases and visits, and documents attached to cases.
GRIDGOV_MAX_PHOTO_BYTES = env.int("GRIDGOV_MAX_PHOTO_BYTES", default=10 * 1024 * 1024)
GRIDGOV_MAX_FILE_BYTES = env.int("GRIDGOV_MAX_FILE_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FILES = 20
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Security headers and the content security policy (django-csp). No inline scripts anywhere.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an unauthenticated request gets 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        # Other systems: `Authorization: Api-Key <key>`, only on endpoints that name the scopes keys need.
        "apps.integrations.keys.ApiKeyAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "apps.core.api.parsers.JSONBodyParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "apps.core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "apps.core.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_RATES": {"auth": env.str("API_AUTH_THROTTLE", default="20/min")},
    "NON_FIELD_ERRORS_KEY": "non_field_errors",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "GridGov API",
    "DESCRIPTION": (
        "网格治理平台 REST API. Authenticate with a session (browser) or a token from "
        "POST /api/v1/auth/token/ sent as `Authorization: Token <key>`. Every error has the shape "
        '`{"error": {"code", "message", "fields"}}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The error answers of every operation and blank read-only choices (apps/core/api/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.api.schema.postprocess_error_responses",
        "apps.core.api.schema.postprocess_blank_choices",
    ],
    # Several models name a choice field "level" or "kind"; each choice set gets its own schema name.
    "ENUM_NAME_OVERRIDES": {
        "CouncilMeetingKindEnum": "apps.councils.choices.MeetingKind",
        "CouncilTaskStateEnum": "apps.councils.choices.TaskState",
        "CouncilOutcomeEnum": "apps.councils.choices.Outcome",
        "CouncilFollowUpEnum": "apps.councils.choices.FollowUp",
        "CouncilTaskActionEnum": "apps.councils.choices.TaskAction",
        "ProjectKindEnum": "apps.projects.choices.ProjectKind",
        "ProjectStateEnum": "apps.projects.choices.ProjectState",
        "ProjectActionEnum": "apps.projects.choices.ProjectAction",
        "ProjectEvaluationByEnum": "apps.projects.choices.EvaluationBy",
        "ProjectGradeEnum": "apps.projects.choices.Grade",
        "RegistrationStateEnum": "apps.party.choices.RegistrationState",
        "RegistrationSourceEnum": "apps.party.choices.RegistrationSource",
        "RegistrationActionEnum": "apps.party.choices.RegistrationAction",
        "WishCategoryEnum": "apps.wishes.choices.WishCategory",
        "WishStateEnum": "apps.wishes.choices.WishState",
        "WishActionEnum": "apps.wishes.choices.WishAction",
        "WishClaimantKindEnum": "apps.wishes.choices.ClaimantKind",
        "AgreementStateEnum": "apps.cobuilding.choices.AgreementState",
        "AgreementActionEnum": "apps.cobuilding.choices.AgreementAction",
        "AgreementResourceKindEnum": "apps.cobuilding.choices.ResourceKind",
        "AgreementNeedStateEnum": "apps.cobuilding.choices.NeedState",
        "JointProjectStatusEnum": "apps.cobuilding.choices.ProjectStatus",
        "EvaluationDirectionEnum": "apps.cobuilding.choices.Direction",
        "CobuildingGradeEnum": "apps.cobuilding.choices.Grade",
        "GeoReportStatusEnum": "apps.open311.schema.STATUS_CHOICES",
        "ChannelEnum": "apps.cases.choices.Channel",
        "ReportableChannelEnum": "apps.cases.choices.REPORTABLE_CHANNELS",
        "RoleEnum": "apps.accounts.roles.Role",
        "GrantableRoleEnum": "apps.accounts.roles.GRANTABLE_ROLES",
        "AreaLevelEnum": "apps.areas.choices.AreaLevel",
        "AreaKindEnum": "apps.areas.choices.AreaKind",
        "AreaChangeKindEnum": "apps.areas.choices.AreaChangeKind",
        "DepartmentLevelEnum": "apps.departments.choices.DepartmentLevel",
        "OrganisationKindEnum": "apps.party.choices.OrganisationKind",
        "WorkDaySourceEnum": "apps.workcalendar.choices.DaySource",
        "ClockEnum": "apps.workcalendar.choices.Clock",
        "NotificationKindEnum": "apps.notifications.choices.NotificationKind",
        "CaseStatusEnum": "apps.cases.choices.CaseStatus",
        "CaseActionEnum": "apps.cases.choices.CaseAction",
        "CaseRatingEnum": "apps.cases.choices.Rating",
        "AttachmentKindEnum": "apps.cases.choices.AttachmentKind",
        "OrderKindEnum": "apps.dispatch.choices.OrderKind",
        "WhistleKindEnum": "apps.dispatch.api.serializers.WHISTLE_KIND_CHOICES",
        "OrderStatusEnum": "apps.dispatch.choices.OrderStatus",
        "DeadlineKindEnum": "apps.dispatch.choices.DeadlineKind",
        "DeadlineStateEnum": "apps.dispatch.choices.DeadlineState",
        "HotlineOrderStateEnum": "apps.hotline.choices.OrderState",
        "ExtensionStatusEnum": "apps.dispatch.choices.ExtensionStatus",
        "ResponseRatingEnum": "apps.dispatch.choices.ResponseRating",
        "SupervisionLevelEnum": "apps.dispatch.choices.SupervisionLevel",
        "WhistleLevelEnum": "apps.dispatch.models.WHISTLE_LEVELS",
        "HouseholdKindEnum": "apps.residents.choices.HouseholdKind",
        "RiskColourEnum": "apps.residents.choices.RiskColour",
        "VisitKindEnum": "apps.visits.choices.VisitKind",
        "WebhookEventEnum": "apps.webhooks.choices.WebhookEvent",
        "WebhookDeliveryStateEnum": "apps.webhooks.choices.DeliveryState",
    },
}

# Celery. Tasks take ids, are queued on commit, acknowledge late and are idempotent (DESIGN.md 9).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL) or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Queues named for their work; a deployment can give each its own workers.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue(name) for name in ("default", "deadlines", "notifications", "imports", "rollups")]
CELERY_TASK_ROUTES = {
    "apps.dispatch.tasks.*": {"queue": "deadlines"},
    "apps.integrations.tasks.*": {"queue": "notifications"},
    "apps.webhooks.tasks.*": {"queue": "notifications"},
    "apps.notifications.tasks.*": {"queue": "notifications"},
    "apps.residents.tasks.*": {"queue": "imports"},
    "apps.dashboards.tasks.*": {"queue": "rollups"},
}
CELERY_BEAT_SCHEDULE: dict = {
    # The deadline engine: warnings, breaches and escalations (apps.dispatch.deadlines).
    "dispatch-sweep-deadlines": {
        "task": "apps.dispatch.tasks.sweep_deadlines",
        "schedule": env.float("GRIDGOV_SWEEP_SECONDS", default=30.0),
        # A sweep message not taken up before the next one is due is dropped: the next sweep covers it.
        "options": {"expires": env.float("GRIDGOV_SWEEP_SECONDS", default=30.0)},
    },
    # The dashboards' rollups: today and yesterday every few minutes, the trailing window every night.
    "dashboards-refresh-rollups": {
        "task": "apps.dashboards.tasks.refresh_rollups",
        "schedule": env.float("GRIDGOV_ROLLUP_SECONDS", default=300.0),
        "kwargs": {"window_days": 1},
        "options": {"expires": env.float("GRIDGOV_ROLLUP_SECONDS", default=300.0)},
    },
    "dashboards-refresh-rollups-nightly": {
        "task": "apps.dashboards.tasks.refresh_rollups",
        "schedule": crontab(hour=2, minute=30),
    },
    # The tiles' stock (open, overdue, escalated now): counted every minute, as often as a dashboard
    # refreshes its figures; a count still queued when the next is due is dropped.
    "dashboards-count-case-stock": {
        "task": "apps.dashboards.tasks.count_case_stock",
        "schedule": env.float("GRIDGOV_STOCK_SECONDS", default=60.0),
        "options": {"expires": env.float("GRIDGOV_STOCK_SECONDS", default=60.0)},
    },
    # Deliveries whose queued message was lost, and retries whose backoff has passed.
    "notifications-deliver-pending": {
        "task": "apps.notifications.tasks.deliver_pending",
        "schedule": 60.0,
    },
    # Reminders of every app that registered a source: unclaimed micro wishes, overdue project milestones,
    # council tasks past their deadline (apps.notifications.reminders).
    "notifications-sweep-reminders": {
        "task": "apps.notifications.tasks.sweep_reminders",
        "schedule": env.float("GRIDGOV_REMINDER_SECONDS", default=30.0),
        "options": {"expires": env.float("GRIDGOV_REMINDER_SECONDS", default=30.0)},
    },
    # Hotline orders received but not yet mapped, should the message queued by their delivery be lost.
    "hotline-map-received": {
        "task": "apps.hotline.tasks.map_received",
        "schedule": env.float("GRIDGOV_HOTLINE_SECONDS", default=30.0),
        "options": {"expires": env.float("GRIDGOV_HOTLINE_SECONDS", default=30.0)},
    },
    # Webhooks: new case timeline entries become deliveries, and due deliveries are sent (apps.webhooks).
    "webhooks-pump": {
        "task": "apps.webhooks.tasks.pump",
        "schedule": env.float("GRIDGOV_WEBHOOKS_SECONDS", default=10.0),
        "options": {"expires": env.float("GRIDGOV_WEBHOOKS_SECONDS", default=10.0)},
    },
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "gridgov",
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

GRIDGOV_SITE_NAME = _("GridGov")

# The rollups recompute this many past days at each nightly refresh: visits logged late (up to 30 days)
# and cases moved to another category or place count where they belong.
GRIDGOV_ROLLUP_WINDOW_DAYS = env.int("GRIDGOV_ROLLUP_WINDOW_DAYS", default=35)

# Intake suggests open cases of the same category within this distance and time window as duplicates.
GRIDGOV_DUPLICATE_RADIUS_METRES = env.int("GRIDGOV_DUPLICATE_RADIUS_METRES", default=300)
GRIDGOV_DUPLICATE_WINDOW_HOURS = env.int("GRIDGOV_DUPLICATE_WINDOW_HOURS", default=72)
# The public report page (一键达) takes at most this many reports an hour from one client address, and
# from one report point (one printed QR code), counted in the cache.
GRIDGOV_PUBLIC_REPORTS_PER_HOUR = env.int("GRIDGOV_PUBLIC_REPORTS_PER_HOUR", default=5)
GRIDGOV_PUBLIC_REPORTS_PER_POINT_PER_HOUR = env.int("GRIDGOV_PUBLIC_REPORTS_PER_POINT_PER_HOUR", default=50)

# Office hours of a working day (local time), over which deadlines in working time run; checked at start
# by apps.workcalendar.
GRIDGOV_OFFICE_HOURS = env.list("GRIDGOV_OFFICE_HOURS", default=["08:30-12:00", "13:30-17:30"])

# Notifications: the outside channels besides the in-app inbox (apps.notifications.channels), and the
# retries of a failed delivery (after 1, 2, 4 … minutes, at most eight attempts).
NOTIFICATION_CHANNELS = ["apps.notifications.channels.EmailChannel"]
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=8)
NOTIFICATION_RETRY_SECONDS = env.int("NOTIFICATION_RETRY_SECONDS", default=60)
# One sweep attempts at most this many deliveries and stops before the next sweep starts.
NOTIFICATION_SWEEP_BATCH = 200
NOTIFICATION_SWEEP_SECONDS = 50
# Webhooks (apps.webhooks): targets are https:// and public unless allowed here (tests, development);
# each run of the collector reads this much of the case timeline again, for entries committed late; a
# receiver must answer within the timeout.
WEBHOOKS_ALLOW_HTTP = env.bool("GRIDGOV_WEBHOOKS_ALLOW_HTTP", default=False)
WEBHOOKS_RESCAN_SECONDS = env.int("GRIDGOV_WEBHOOKS_RESCAN_SECONDS", default=120)
WEBHOOKS_TIMEOUT_SECONDS = env.float("GRIDGOV_WEBHOOKS_TIMEOUT_SECONDS", default=10.0)
# Open311 (apps.open311): the jurisdiction_id a client must send when it sends one; empty: ignored.
GRIDGOV_OPEN311_JURISDICTION = env.str("GRIDGOV_OPEN311_JURISDICTION", default="")

# Where people open GridGov, for the absolute links in mail.
GRIDGOV_BASE_URL = env.str("GRIDGOV_BASE_URL", default="http://127.0.0.1:8000")

# Mail (SMTP unless DJANGO_EMAIL_BACKEND says otherwise). A sending worker holds the delivery's row lock,
# so the connection times out well before the task's time limit.
EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="GridGov <noreply@localhost>")
SERVER_EMAIL = env.str("DJANGO_SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
