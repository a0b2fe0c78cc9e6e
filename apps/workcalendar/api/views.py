from datetime import date

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.pagination import StandardPagination
from apps.core.api.viewsets import ScopedViewSet
from apps.workcalendar.clock import due_time
from apps.workcalendar.filters import WorkDayFilterSet
from apps.workcalendar.models import WorkDay
from apps.workcalendar.services import calendar_enter_year, workday_set

from .serializers import (
    DueQuerySerializer,
    DueTimeSerializer,
    WorkDaySerializer,
    WorkDaySetSerializer,
    YearEnteredSerializer,
    YearEntrySerializer,
)

DAY_PARAMETER = OpenApiParameter("day", OpenApiTypes.DATE, OpenApiParameter.PATH, description=_("the date"))


class YearPagination(StandardPagination):
    """A whole year fits one page."""

    page_size = 366
    max_page_size = 366


@extend_schema_view(
    list=extend_schema(summary=_("List dates of the work calendar")),
    retrieve=extend_schema(summary=_("A date of the work calendar"), parameters=[DAY_PARAMETER]),
    update=extend_schema(
        summary=_("Enter or override one date (superusers)"),
        parameters=[DAY_PARAMETER],
        request=WorkDaySetSerializer,
        responses=WorkDaySerializer,
    ),
)
class WorkDayViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The work calendar: which dates are working days. Everyone signed in reads it; superusers write."""

    queryset = WorkDay.objects.all()
    serializer_class = WorkDaySerializer
    filterset_class = WorkDayFilterSet
    pagination_class = YearPagination
    lookup_field = "day"
    lookup_value_regex = r"\d{4}-\d{2}-\d{2}"
    # One date is written whole, whether or not it had a row: PUT, not PATCH.
    http_method_names = ["get", "put", "head", "options"]
    serializer_classes = {"update": WorkDaySetSerializer}

    def update(self, request, day=None):
        try:
            when = date.fromisoformat(day)
        except ValueError as error:
            raise Http404 from error
        row = workday_set(day=when, actor=request.user, **self.validated(request))
        return Response(WorkDaySerializer(row).data)


class CalendarYearViewSet(ScopedViewSet):
    """A year's official holiday schedule, entered whole."""

    queryset = WorkDay.objects.all()
    serializer_class = YearEntrySerializer

    @extend_schema(
        summary=_("Enter a year's holiday schedule (superusers)"),
        request=YearEntrySerializer,
        responses={201: YearEnteredSerializer},
    )
    def create(self, request):
        data = self.validated(request)
        changed = calendar_enter_year(
            year=data["year"],
            holidays=[(holiday["first"], holiday["last"], holiday["name"]) for holiday in data["holidays"]],
            makeup_days=data["makeup_days"],
            actor=request.user,
        )
        body = YearEnteredSerializer({"year": data["year"], "changed": len(changed)}).data
        return Response(body, status=status.HTTP_201_CREATED)


class DueView(APIView):
    """When a time limit runs out, and how that was counted."""

    @extend_schema(
        summary=_("Compute a deadline"), parameters=[DueQuerySerializer], responses=DueTimeSerializer
    )
    def get(self, request):
        query = DueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        due = due_time(**query.validated_data)
        body = {
            "start": due.start,
            "minutes": due.minutes,
            "clock": due.clock,
            "due_at": due.due_at,
            "provisional": due.provisional,
            "explanation": due.explanation(),
        }
        return Response(DueTimeSerializer(body).data)
