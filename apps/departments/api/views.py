from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from apps.core.api.viewsets import CreateOnceModelMixin, ScopedViewSet
from apps.departments.filters import DepartmentFilterSet
from apps.departments.models import Department

from .serializers import DepartmentSerializer, DepartmentUpdateSerializer


@extend_schema_view(
    list=extend_schema(summary=_("List departments")),
    retrieve=extend_schema(summary=_("A department")),
    create=extend_schema(summary=_("Create a department of a district or a street")),
    partial_update=extend_schema(summary=_("Change a department")),
)
class DepartmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    CreateOnceModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Functional departments: those of the user's areas and of the areas above them."""

    ordering_fields = ["name"]
    queryset = Department.objects.prefetch_related("served_areas", "categories")
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilterSet
    serializer_classes = {"partial_update": DepartmentUpdateSerializer}
