"""Settings for pytest. `make test` exports DATABASE_URL and REDIS_URL of throwaway servers."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-gridgov-secret-key-that-is-long-enough-0123456789abcdef"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
FIELD_ENCRYPTION_KEY = "dGVzdC1vbmx5LWdyaWRnb3YtZmllbGQta2V5LTAxMjM="
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = False
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"auth": "1000/min"}}

# Tests read mail from mail.outbox (Django's test set-up forces locmem in the test process). A worker that
# a test starts in a process of its own writes mail to files in EMAIL_FILE_PATH instead, for the test to read.
if env.str("EMAIL_FILE_PATH", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH")
else:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
