import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.areas.filters import AncestorFilter
from apps.areas.models import Area
from apps.cases.models import Category
from apps.core.filters import visible

from .models import Department


class DepartmentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("name"))
    area = django_filters.ModelChoiceFilter(queryset=visible(Area))
    ancestor = AncestorFilter()
    category = django_filters.ModelChoiceFilter(
        field_name="categories", queryset=Category.objects.all(), label=_("case category handled")
    )

    class Meta:
        model = Department
        fields = ["q", "level", "area", "ancestor", "category", "is_active"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))
