from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response

from apps.accounts.scope import user_scope
from apps.areas.filters import AreaFilterSet
from apps.areas.models import Area
from apps.areas.selectors import compliance_violations
from apps.areas.services import area_merge, area_move, area_split, current_standard
from apps.core.api.viewsets import CreateOnceModelMixin, ScopedViewSet
from apps.integrations.scopes import KeyScope

from .serializers import (
    AreaChangeSerializer,
    AreaDetailSerializer,
    AreaListSerializer,
    AreaMergeSerializer,
    AreaMoveSerializer,
    AreaSplitSerializer,
    AreaUpdateSerializer,
    ComplianceQuerySerializer,
    GridStandardSerializer,
    ViolationSerializer,
)


@extend_schema_view(
    list=extend_schema(summary=_("List areas")),
    retrieve=extend_schema(summary=_("An area with its boundary")),
    create=extend_schema(summary=_("Create an area below a parent")),
    partial_update=extend_schema(summary=_("Change an area's name, kind, figures, boundary or centre")),
)
class AreaViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    CreateOnceModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """The five-level grid: districts, streets, communities, grids and buildings in the user's scope."""

    ordering_fields = ["code", "name"]
    queryset = Area.objects.all()
    serializer_class = AreaDetailSerializer
    filterset_class = AreaFilterSet
    serializer_classes = {"list": AreaListSerializer, "partial_update": AreaUpdateSerializer}
    # Other systems read the grid within their area limit (to place the cases they report), never change it.
    key_scopes = {"GET": KeyScope.CASES_READ}

    def get_queryset(self):
        queryset = super().get_queryset()
        # Lists leave out what they do not show: decoding polygons and timestamps was most of the fetch.
        return queryset.defer("boundary", "created_at", "updated_at") if self.action == "list" else queryset

    def _answer(self, area: Area, status_code: int = status.HTTP_200_OK) -> Response:
        return Response(AreaDetailSerializer(area, context=self.get_serializer_context()).data, status_code)

    @extend_schema(
        summary=_("Move an area, with everything below it, under another parent"),
        request=AreaMoveSerializer,
        responses=AreaDetailSerializer,
    )
    @action(detail=True, methods=["post"], serializer_class=AreaMoveSerializer)
    def move(self, request, pk=None):
        area = self.get_object()
        data = self.validated(request)
        area = area_move(actor=request.user, area=area, new_parent=data["parent"], reason=data["reason"])
        return self._answer(area)

    @extend_schema(
        summary=_("Split off a new sibling area taking some of this area's children"),
        request=AreaSplitSerializer,
        responses={201: AreaDetailSerializer},
    )
    @action(detail=True, methods=["post"], serializer_class=AreaSplitSerializer)
    def split(self, request, pk=None):
        area = self.get_object()
        new_area = area_split(actor=request.user, area=area, **self.validated(request))
        return self._answer(new_area, status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Merge other areas of the same level into this one"),
        request=AreaMergeSerializer,
        responses=AreaDetailSerializer,
    )
    @action(detail=True, methods=["post"], serializer_class=AreaMergeSerializer)
    def merge(self, request, pk=None):
        area = self.get_object()
        data = self.validated(request)
        area = area_merge(actor=request.user, sources=data["sources"], target=area, reason=data["reason"])
        return self._answer(area)

    @extend_schema(
        summary=_("The history of an area"), responses=AreaChangeSerializer(many=True), filters=False
    )
    @action(detail=True, methods=["get"], serializer_class=AreaChangeSerializer, filterset_class=None)
    def history(self, request, pk=None):
        area = self.get_object()
        page = self.paginate_queryset(area.changes.select_related("actor"))
        return self.get_paginated_response(AreaChangeSerializer(page, many=True).data)


@extend_schema(summary=_("Areas outside the grid standards"), parameters=[ComplianceQuerySerializer])
class ComplianceView(generics.ListAPIView):
    """Every area in the user's scope that breaks a grid standard, with its figure and the limit."""

    serializer_class = ViolationSerializer
    filter_backends = []

    def get_queryset(self):
        query = ComplianceQuerySerializer(data=self.request.query_params, context={"request": self.request})
        query.is_valid(raise_exception=True)
        filters = query.validated_data
        return compliance_violations(
            self.request.user, within=filters.get("area"), rule=filters.get("rule", "")
        )


class MayChangeStandard(BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or user_scope(request.user).allows("standard.change")


@extend_schema_view(
    get=extend_schema(summary=_("The grid standards in force")),
    put=extend_schema(summary=_("Change the grid standards")),
    patch=extend_schema(summary=_("Change some of the grid standards")),
)
class GridStandardView(generics.RetrieveUpdateAPIView):
    """The grid standards the compliance report checks; administrators change them."""

    serializer_class = GridStandardSerializer
    permission_classes = [IsAuthenticated, MayChangeStandard]

    def get_object(self):
        return current_standard()
