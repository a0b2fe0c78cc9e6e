"""Settings of the gunicorn server that bench/integrations.py measures: the production settings as
deployed (DEBUG off, the cache and the API keys' rate-limit counters on Redis, persistent database
connections), with only what a benchmark needs on top.

- ROOT_URLCONF is bench/urls.py: the project's URLs plus the trivial reference endpoint, which is never
  mounted in the product.
- Static files are served by the finders instead of a collected manifest: the benchmark never collects
  them and requests none, and the manifest storage would refuse to start a page without them.

The environment supplies what production needs (DJANGO_SECRET_KEY, DATABASE_URL, REDIS_URL,
FIELD_ENCRYPTION_KEY, DJANGO_ALLOWED_HOSTS); the load generator sends X-Forwarded-Proto and
X-Forwarded-For as the TLS proxy in front of gunicorn would.
"""

from config.settings.production import *  # noqa: F403
from config.settings.production import STORAGES

ROOT_URLCONF = "bench.urls"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
