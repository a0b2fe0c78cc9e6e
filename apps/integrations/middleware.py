"""The log of every call made with an API key (ApiCall): method, path, status and duration."""

import time

from .models import ApiCall


class ApiCallLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        key = getattr(request, "gridgov_api_key", None)
        if key is not None:
            ApiCall.objects.create(
                client_id=key.client_id,
                key=key,
                method=request.method[:10],
                # PostgreSQL text holds no NUL character: one in the path is logged as U+FFFD.
                path=request.path.replace("\x00", "\ufffd")[:300],
                status=response.status_code,
                duration_ms=round((time.perf_counter() - started) * 1000),
                ip=request.META.get("REMOTE_ADDR") or None,
            )
        return response
