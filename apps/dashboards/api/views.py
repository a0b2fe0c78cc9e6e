"""The dashboards as JSON: the same payload as the pages, restricted like them (404 for an area out of
scope, as for a missing one; 400 with field errors for a bad period or map figure)."""

from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.areas.models import Area
from apps.cases.api.schema import ERROR
from apps.dashboards import figures
from apps.dashboards.payload import DEFAULT_DAYS, DEFAULT_FIGURE, MAP_FIGURES, dashboard_payload, query_of
from apps.integrations.scopes import KeyScope

from .serializers import DashboardSerializer

QUERY = [
    OpenApiParameter(
        "days",
        OpenApiTypes.INT,
        enum=list(figures.PERIODS),
        default=DEFAULT_DAYS,
        description=_("the period"),
    ),
    OpenApiParameter(
        "figure",
        OpenApiTypes.STR,
        enum=list(MAP_FIGURES),
        default=DEFAULT_FIGURE,
        description=_("the figure the map of the child areas is coloured by"),
    ),
]
ANSWERS = {200: DashboardSerializer, 400: ERROR, 404: ERROR}


class DashboardView(APIView):
    """One area's dashboard: the user's own (highest) area, or the one named."""

    key_scopes = {"GET": KeyScope.FIGURES_READ}

    def _answer(self, request, area: Area):
        days, figure = query_of(request.query_params)
        return Response(dashboard_payload(request.user, area, days=days, figure=figure))


class HomeDashboardView(DashboardView):
    @extend_schema(
        operation_id="dashboards_home",
        summary=_("The dashboard of the user's own area"),
        parameters=QUERY,
        responses=ANSWERS,
    )
    def get(self, request):
        area = figures.home_area(request.user)
        if area is None:
            raise Http404
        return self._answer(request, area)


class AreaDashboardView(DashboardView):
    @extend_schema(
        operation_id="dashboards_area",
        summary=_("The dashboard of a district, street, community or grid"),
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description=_("the area")),
            *QUERY,
        ],
        responses=ANSWERS,
    )
    def get(self, request, pk: int):
        return self._answer(request, figures.dashboard_area(request.user, pk))


urlpatterns = [
    path("dashboards/", HomeDashboardView.as_view(), name="dashboard-home"),
    path("dashboards/<int:pk>/", AreaDashboardView.as_view(), name="dashboard-area"),
]
