"""One error format for every API failure.

    {"error": {"code": "validation_error", "message": "…", "fields": {"name": ["…"]}}}

`code` is stable for programs, `message` is translated for people, `fields` holds per-field messages
for validation errors (empty otherwise).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def error_body(*, code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        body = error_body(
            code="validation_error", message=_("The submitted data is not valid."), fields=detail
        )
    else:
        codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        code = codes if isinstance(codes, str) else "error"
        message = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        body = error_body(code=code, message=message)
    response.data = body
    return response
