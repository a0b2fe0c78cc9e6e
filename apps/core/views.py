"""The workbench and the error pages. API paths get errors in the API's one JSON format."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from apps.accounts.models import RoleAssignment
from apps.accounts.scope import user_scope
from apps.cases.selectors import case_inbox_counts
from apps.cases.views import BUCKETS as CASE_BUCKETS
from apps.core.api import is_api_request
from apps.core.api.errors import error_body
from apps.dispatch.selectors import order_inbox_counts
from apps.dispatch.views import BUCKETS as ORDER_BUCKETS
from apps.visits.selectors import visits_due_counts
from apps.workcalendar.selectors import range_warning


def home(request: HttpRequest) -> HttpResponse:
    roles = RoleAssignment.objects.active().filter(user=request.user).select_related("area", "department")
    # Superusers enter next year's holiday schedule; only they are told the calendar is running out.
    calendar_warning = range_warning() if request.user.is_superuser else None
    context = {"roles": roles, "calendar_warning": calendar_warning, "inboxes": _inboxes(request.user)}
    return render(request, "core/home.html", context)


def _inboxes(user) -> list[tuple]:
    """The user's inboxes with the count of each tab (one query per inbox), for the workbench's tiles."""
    scope = user_scope(user)
    inboxes = []
    for shown, title, url_name, buckets, counts in (
        (scope.allows("case.view"), _("Cases"), "cases:inbox", CASE_BUCKETS, case_inbox_counts),
        (
            bool(scope.departments("order.handle")),
            _("Department inbox"),
            "dispatch:inbox",
            ORDER_BUCKETS,
            order_inbox_counts,
        ),
    ):
        if shown:
            found = counts(user)
            url = reverse(url_name)
            inboxes.append(
                (
                    title,
                    [(label, found[name], f"{url}?bucket={name}", name) for name, label in buckets.items()],
                )
            )
    if scope.allows("visit.log"):
        found, url = visits_due_counts(user), reverse("visits:today")
        tiles = [
            (_("Visits due"), found["due"], url, "due"),
            (_("Visits overdue"), found["overdue"], url, "overdue"),
        ]
        inboxes.append((_("My grid today"), tiles))
    return inboxes


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
