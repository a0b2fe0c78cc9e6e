"""Production settings: every secret comes from the environment, with no default.

A missing variable stops the process at start with one message naming all of them.
"""

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import BASE_DIR, FIELD_ENCRYPTION_KEY, REDIS_URL, REST_FRAMEWORK, env

REQUIRED = [
    "DJANGO_SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "FIELD_ENCRYPTION_KEY",
    "DJANGO_ALLOWED_HOSTS",
]
missing = [name for name in REQUIRED if not env.str(name, default="").strip()]
if missing:
    raise ImproperlyConfigured(
        "GridGov production settings need these environment variables: "
        + ", ".join(missing)
        + ". See the Configuration section of README.md and .env.example."
    )

# base.py has read every one of them (and DATABASE_URL into DATABASES); here they are only checked.
DEBUG = False
try:
    Fernet(FIELD_ENCRYPTION_KEY)
except ValueError as exc:
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEY must be a Fernet key (32 url-safe base64-encoded bytes), "
        "as made by cryptography's Fernet.generate_key(); see README.md, Configuration."
    ) from exc

CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "gridgov",
    }
}
# Lockouts must hold across gunicorn workers and machines, so axes keeps them in the database (default).

STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# The client's address, for login lockouts and API throttles: behind NUM_PROXIES trusted proxies that each
# append to X-Forwarded-For, it is that many entries from the right; anything further left can be forged.
NUM_PROXIES = env.int("DJANGO_NUM_PROXIES", default=1)
REST_FRAMEWORK = {**REST_FRAMEWORK, "NUM_PROXIES": NUM_PROXIES}
AXES_IPWARE_PROXY_COUNT = NUM_PROXIES
AXES_IPWARE_PROXY_ORDER = "right-most"
AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# HTTPS behind a reverse proxy that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
