"""The workbench and the error pages. API paths get errors in the API's one JSON format."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from apps.accounts.models import RoleAssignment
from apps.core.api import is_api_request
from apps.core.api.errors import error_body


def home(request: HttpRequest) -> HttpResponse:
    roles = RoleAssignment.objects.active().filter(user=request.user).select_related("area", "department")
    return render(request, "core/home.html", {"roles": roles})


def _error(request: HttpRequest, status: int, code: str, message: str, template: str) -> HttpResponse:
    if is_api_request(request):
        return JsonResponse(error_body(code=code, message=message), status=status)
    return render(request, template, {"message": message}, status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "bad_request", _("The request could not be understood."), "400.html")


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "permission_denied", _("You do not have permission to do this."), "403.html")


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."), "404.html")


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request's context: the database or the session may be what failed.
    message = _("Something went wrong on our side; it has been logged.")
    if is_api_request(request):
        return JsonResponse(error_body(code="server_error", message=message), status=500)
    return HttpResponse(loader.render_to_string("500.html", {"message": message}), status=500)
