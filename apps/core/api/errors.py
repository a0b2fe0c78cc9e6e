"""One error format for every API failure.

    {"error": {"code": "validation_error", "message": "…", "fields": {"name": ["…"]}}}

`code` is stable for programs, `message` is translated for people, `fields` holds per-field messages
for validation errors (empty otherwise).
"""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from apps.cases.states import ConflictError


class Conflict(exceptions.APIException):
    """The action does not fit the row as it stands now, usually because someone acted first."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def error_body(*, code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": str(message), "fields": fields or {}}}


def api_validation_error(error: DjangoValidationError) -> exceptions.ValidationError:
    """A service's ValidationError as the API's: per-field messages, the rest under non_field_errors."""
    if hasattr(error, "error_dict"):
        fields = {
            api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field: messages
            for field, messages in error.message_dict.items()
        }
    else:
        fields = {api_settings.NON_FIELD_ERRORS_KEY: error.messages}
    return exceptions.ValidationError(fields)


def exception_handler(exc, context):
    # Services raise Django's ValidationError with translated messages keyed by field; every API view
    # answers it as a 400 in the format above, so no view converts it by hand. A ConflictError is one of
    # them, but means "not now" rather than "not valid": 409.
    if isinstance(exc, ConflictError):
        exc = Conflict(" ".join(exc.messages))
    elif isinstance(exc, DjangoValidationError):
        exc = api_validation_error(exc)
    elif isinstance(exc, Http404):
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
