import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.areas.filters import AncestorFilter
from apps.areas.models import Area
from apps.core.filters import visible

from .models import Milestone, Project
from .selectors import overdue_condition


class ProjectFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("title, content or measures"))
    area = django_filters.ModelChoiceFilter(queryset=visible(Area))
    ancestor = AncestorFilter()
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("overdue"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("my projects"))

    class Meta:
        model = Project
        fields = ["q", "kind", "state", "area", "ancestor", "overdue", "mine"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(content__icontains=value) | Q(measures__icontains=value)
        )

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        condition = overdue_condition()
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_mine(self, queryset, name, value):
        return queryset.filter(owner=self.request.user) if value else queryset


class MilestoneFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("title"))
    project = django_filters.ModelChoiceFilter(queryset=visible(Project))
    done = django_filters.BooleanFilter(field_name="done_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Milestone
        fields = ["q", "project", "done"]
