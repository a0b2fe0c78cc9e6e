"""GeoReport v2 under /open311/v2/: each resource ends in .xml or .json.

Each format is a route of its own (the `format` keyword fixed per route, which DRF reads to pick the
renderer), rather than one route with a format converter: the OpenAPI schema lists every route, and
leaves out the `.{format}` routes of DRF's format suffixes.
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from . import views

app_name = "open311"
FORMATS = ("json", "xml")


def _routes(route: str, view_class, name: str) -> list:
    # Other systems, not signed-in people: no sign-in page, no CSRF token (the key authenticates).
    view = login_not_required(csrf_exempt(view_class.as_view()))
    return [path(f"{route}.{format_}", view, {"format": format_}, name=name) for format_ in FORMATS]


urlpatterns = [
    *_routes("services", views.ServiceListView, "services"),
    *_routes("services/<str:service_code>", views.ServiceDefinitionView, "service"),
    *_routes("requests", views.RequestListView, "requests"),
    *_routes("requests/<str:service_request_id>", views.RequestDetailView, "request"),
    *_routes("tokens/<str:token>", views.TokenView, "token"),
    *_routes("servicerequestupdates", views.UpdateListView, "updates"),
]
