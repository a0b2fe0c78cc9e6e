from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.scope import VIEW, user_scope
from apps.areas.models import Area
from apps.cases.api.schema import ERROR, action_endpoint
from apps.core.api.files import file_endpoint
from apps.core.api.idempotency import IDEMPOTENCY_HEADER
from apps.core.api.viewsets import ScopedViewSet
from apps.core.uploads import served
from apps.residents.api.serializers import HouseholdSerializer
from apps.visits import services
from apps.visits.filters import VisitFilterSet
from apps.visits.models import Visit, VisitPlan
from apps.visits.selectors import coverage, visits_due

from .serializers import (
    DueQuerySerializer,
    ReportCaseSerializer,
    VisitCoverageQuerySerializer,
    VisitCoverageReportSerializer,
    VisitCreateSerializer,
    VisitPlanSerializer,
    VisitSerializer,
)


class MayLogVisits(BasePermission):
    """Logging a visit and reporting what it found need "visit.log" somewhere (403 otherwise); the
    services check the place. Reading needs the visit in the user's scope (404 otherwise)."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or user_scope(request.user).allows("visit.log")


IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=_("A key of at most 64 characters: a retry with the same key logs nothing new."),
)


def visits():
    """What a visit's answer shows, in a fixed number of queries."""
    return Visit.objects.select_related("worker", "area", "household", "case").prefetch_related("photos")


@extend_schema_view(
    list=extend_schema(summary=_("List visits")),
    retrieve=extend_schema(summary=_("A visit with its photos and the case it reported")),
    create=extend_schema(
        summary=_("Log a visit, patrol or data collection, with photos and a problem found"),
        parameters=[IDEMPOTENCY_PARAMETER],
        responses={201: VisitSerializer, 200: VisitSerializer, 400: ERROR, 403: ERROR},
        description=_(
            "Answers 201 with the new visit, or 200 with the visit a previous request with the same "
            "idempotency key logged. A problem found reports a case in the same transaction: both are "
            "saved or neither."
        ),
    ),
)
class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Visits (走访, 巡查, 信息采集) in the user's scope."""

    queryset = visits()
    serializer_class = VisitSerializer
    filterset_class = VisitFilterSet
    ordering_fields = ["visited_at", "created_at"]
    permission_classes = [IsAuthenticated, MayLogVisits]
    serializer_classes = {"create": VisitCreateSerializer}

    def _answer(self, visit: Visit, status_code: int = status.HTTP_200_OK) -> Response:
        fresh = visits().get(pk=visit.pk)
        return Response(VisitSerializer(fresh, context=self.get_serializer_context()).data, status_code)

    def create(self, request):
        data = self.validated(request)
        problem = data.pop("problem")
        visit, created = services.visit_log(actor=request.user, problem=problem or None, **data)
        return self._answer(visit, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @action_endpoint(
        _("Report the problem a visit found as a case"),
        ReportCaseSerializer,
        {201: VisitSerializer},
        url_path="report-case",
        url_name="report-case",
    )
    def report_case(self, request, pk=None):
        visit = self.get_object()
        if visit.worker_id != request.user.pk:
            raise PermissionDenied(_("Only the worker who logged the visit reports from it."))
        data = self.validated(request)
        defaults = services.problem_defaults(visit)
        data["title"] = data["title"] or defaults["title"]
        data["description"] = data["description"] or defaults["description"] or defaults["title"]
        services.visit_report_case(actor=request.user, visit=visit, **data)
        return self._answer(visit, status.HTTP_201_CREATED)

    @file_endpoint(_("A photo of a visit"), files="photos", id_name="photo_id", url_name="photo")
    def photo(self, request, pk=None, photo_id=None):
        return served(get_object_or_404(self.get_object().photos.all(), pk=photo_id))

    @extend_schema(
        summary=_("Households whose visit is due, for the user (longest overdue first)"),
        parameters=[DueQuerySerializer],
        responses=HouseholdSerializer(many=True),
        filters=False,
    )
    @action(detail=False, methods=["get"], filter_backends=[], serializer_class=HouseholdSerializer)
    def due(self, request):
        query = DueQuerySerializer(data=request.query_params, context=self.get_serializer_context())
        query.is_valid(raise_exception=True)
        page = self.paginate_queryset(visits_due(request.user, within=query.validated_data.get("area")))
        return self.get_paginated_response(
            HouseholdSerializer(page, many=True, context=self.get_serializer_context()).data
        )


@extend_schema_view(list=extend_schema(summary=_("List visit plans")))
class VisitPlanViewSet(mixins.ListModelMixin, ScopedViewSet):
    """How often households must be visited, by kind, risk colour and care group; the same for everyone
    signed in (administrators change them)."""

    queryset = VisitPlan.objects.select_related("care_tag")
    serializer_class = VisitPlanSerializer
    filterset_fields = ["is_active"]

    def get_queryset(self):
        return self.queryset.all()


class CoverageView(APIView):
    """Visit coverage of an area and of each of its children: households under a plan, overdue and
    covered, and the visits of the last 30 days."""

    @extend_schema(
        summary=_("Visit coverage of an area"),
        parameters=[VisitCoverageQuerySerializer],
        responses={200: VisitCoverageReportSerializer, 400: ERROR, 404: ERROR},
    )
    def get(self, request):
        query = VisitCoverageQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if not user_scope(request.user).allows("household.view"):
            # Coverage counts households: without household.view there is nothing to count.
            raise Http404
        area = get_object_or_404(Area.objects.restrict(request.user, VIEW), pk=query.validated_data["area"])
        total, children = coverage(request.user, area)
        return Response(VisitCoverageReportSerializer({"total": total, "children": children}).data)
