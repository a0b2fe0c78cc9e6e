"""GeoReport v2 under /open311/v2/: each resource ends in .xml or .json."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, register_converter
from django.views.decorators.csrf import csrf_exempt

from . import views
from .formats import FormatConverter

register_converter(FormatConverter, "georeport_format")

app_name = "open311"


def _view(view_class):
    # Other systems, not signed-in people: no sign-in page, no CSRF token (the key authenticates).
    return login_not_required(csrf_exempt(view_class.as_view()))


urlpatterns = [
    path("services.<georeport_format:format>", _view(views.ServiceListView), name="services"),
    path(
        "services/<str:service_code>.<georeport_format:format>",
        _view(views.ServiceDefinitionView),
        name="service",
    ),
    path("requests.<georeport_format:format>", _view(views.RequestListView), name="requests"),
    path(
        "requests/<str:service_request_id>.<georeport_format:format>",
        _view(views.RequestDetailView),
        name="request",
    ),
    path("tokens/<str:token>.<georeport_format:format>", _view(views.TokenView), name="token"),
    path(
        "servicerequestupdates.<georeport_format:format>",
        _view(views.UpdateListView),
        name="updates",
    ),
]
