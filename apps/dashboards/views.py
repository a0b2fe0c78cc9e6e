"""The command dashboards: each user lands on the highest area they hold dashboard.view for, and drills
down from there to any street, community or grid of their scope.

An area out of scope answers exactly like a missing one (404). The page embeds the payload the API
answers; static/js/dashboard.js draws it and fetches it again every minute.
"""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from apps.areas.models import Area

from . import figures
from .payload import (
    DEFAULT_DAYS,
    DEFAULT_FIGURE,
    MAP_FIGURES,
    child_boundaries,
    dashboard_payload,
    query_of,
)

# The words static/js/dashboard.js writes: the script holds no text of its own.
STRINGS = {
    "created": _("reported"),
    "resolved": _("resolved"),
    "closed": _("closed"),
    "overdue": _("limits missed"),
    "escalated": _("escalations"),
    "visits": _("visits"),
    "noData": _("No data"),
    "refreshFailed": _("The figures could not be refreshed; trying again in a minute."),
    "noChildren": _("No areas below."),
    "noDepartments": _("No department had orders in this period."),
    "noFeed": _("No escalations or red cards."),
    "escalation": _("escalation"),
    "red_card": _("red card"),
}


def home(request: HttpRequest) -> HttpResponse:
    area = figures.home_area(request.user)
    if area is None:
        raise Http404
    return _page(request, area)


def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, figures.dashboard_area(request.user, pk))


def _page(request: HttpRequest, area: Area) -> HttpResponse:
    # A hand-edited query string falls back to the defaults and says why, instead of an error page.
    query_error = None
    try:
        days, figure = query_of(request.GET)
    except ValidationError as error:
        days, figure, query_error = DEFAULT_DAYS, DEFAULT_FIGURE, " ".join(error.messages)
    payload = dashboard_payload(request.user, area, days=days, figure=figure)
    boundaries = child_boundaries(request.user, area)
    drawn = {int(feature["properties"]["name"]) for feature in boundaries["features"]}
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "area": area,
            "payload": payload,
            "boundaries": boundaries,
            "refreshed_at": parse_datetime(payload["refreshed_at"] or ""),
            "counted_at": parse_datetime(payload["counted_at"] or ""),
            "strings": {key: str(text) for key, text in STRINGS.items()},
            "periods": figures.PERIODS,
            "map_figures": MAP_FIGURES,
            "query_error": query_error,
            "api_url": reverse("api:dashboard-area", args=[area.pk]),
            "unbounded": [child for child in payload["children"] if child["id"] not in drawn],
        },
    )
