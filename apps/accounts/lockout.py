"""What a person or a program is told once django-axes has locked a username out."""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from apps.core.api import is_api_request
from apps.core.api.errors import error_body


def lockout_message() -> str:
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    return ngettext(
        "Too many failed sign-in attempts. Please wait %(minutes)d minute and try again.",
        "Too many failed sign-in attempts. Please wait %(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page with the reason, or the API's error format."""
    message = lockout_message()
    if is_api_request(request):
        return JsonResponse(error_body(code="locked_out", message=message), status=429)
    context = {"form": AuthenticationForm(request), "locked_out_message": message}
    return render(request, "accounts/login.html", context, status=429)
