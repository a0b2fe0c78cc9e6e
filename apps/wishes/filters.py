import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.areas.filters import AncestorFilter
from apps.areas.models import Area
from apps.core.filters import visible

from .models import MicroWish, overdue_filter


class WishFilterSet(django_filters.FilterSet):
    # The resident's name is not searchable: it would let a viewer who sees it masked probe it.
    q = django_filters.CharFilter(method="search", label=_("title or description"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"))
    area = django_filters.ModelChoiceFilter(queryset=visible(Area))
    ancestor = AncestorFilter()

    class Meta:
        model = MicroWish
        fields = ["q", "state", "category", "overdue", "area", "ancestor"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        condition = overdue_filter(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)
