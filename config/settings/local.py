"""The embedded default for `make run`: SQLite, a filesystem task queue, no servers to install."""

from .base import *  # noqa: F403
from .base import DATA_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="local-only-not-secret-gridgov-development-key-0123456789")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# A fixed development key, so that the demo data stays readable between runs. Never used in production.
FIELD_ENCRYPTION_KEY = env.str("FIELD_ENCRYPTION_KEY", default="bG9jYWwtb25seS1ncmlkZ292LWRldmVsb3BtZW50LWs=")

# kombu's filesystem transport: the worker and beat need no broker server.
QUEUE_DIR = DATA_DIR / "queue"
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "data_folder_in": str(QUEUE_DIR / "messages"),
    "data_folder_out": str(QUEUE_DIR / "messages"),
    "processed_folder": str(QUEUE_DIR / "processed"),
    "control_folder": str(QUEUE_DIR / "control"),
    "store_processed": False,
}
# The data folder and the queue's folders must exist before the first command (migrate) runs.
for folder in (QUEUE_DIR / "messages", QUEUE_DIR / "processed", QUEUE_DIR / "control"):
    folder.mkdir(parents=True, exist_ok=True)
CELERY_RESULT_BACKEND = None
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")

# Mail is printed on the console of `make run` unless a backend is configured.
EMAIL_BACKEND = env.str("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
