"""Filters of the grid, for the API lists and the pages alike, and the subtree filter that every list of
rows placed in areas shares."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from apps.core.filters import visible

from .choices import AreaLevel
from .models import Area


@extend_schema_field(OpenApiTypes.INT)
class AncestorFilter(django_filters.ModelChoiceFilter):
    """Rows in the subtree of an area: one equality on the copied ancestor column of the area's level."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", visible(Area))
        kwargs.setdefault("label", _("within area"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{value.level_field}_id": value.pk})


class AreaFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("name or code"))
    level = django_filters.TypedChoiceFilter(choices=AreaLevel.choices, coerce=int)
    parent = django_filters.ModelChoiceFilter(queryset=visible(Area))
    ancestor = AncestorFilter()

    class Meta:
        model = Area
        fields = ["q", "level", "parent", "ancestor", "code", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(code__startswith=value))
