"""Middleware every request passes through: the health probe and the interface language."""

import json

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from apps.core.api import is_api_request

HEALTH_PATH = "/healthz"


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_broker() -> None:
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    finally:
        client.close()


class HealthCheckMiddleware:
    """Answer /healthz before host validation and HTTPS redirects.

    Load balancers and compose probe containers by address over plain HTTP, so the probe must not depend
    on ALLOWED_HOSTS or SECURE_SSL_REDIRECT. It reports the database and, where the settings use Redis,
    the broker; any failure answers 503.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info != HEALTH_PATH:
            return self.get_response(request)
        checks = {"database": _check_database}
        if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
            checks["broker"] = _check_broker
        results = {}
        for name, check in checks.items():
            try:
                check()
            except Exception as exc:  # noqa: BLE001 - any failure means unhealthy, and says which
                results[name] = f"error: {exc.__class__.__name__}"
            else:
                results[name] = "ok"
        healthy = all(value == "ok" for value in results.values())
        body = {"status": "ok" if healthy else "error", "checks": results}
        return HttpResponse(json.dumps(body), status=200 if healthy else 503, content_type="application/json")


class LanguageMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the person chose English with the language switch.

    Pages ignore the browser's Accept-Language: the platform speaks Chinese first, and a switch is one
    click away. API clients get their Accept-Language honoured for error messages.
    """

    def process_request(self, request):
        if is_api_request(request):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        try:
            language = translation.get_supported_language_variant(chosen) if chosen else None
        except LookupError:
            language = None
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
        return None
