import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.areas.filters import AncestorFilter
from apps.areas.models import Area
from apps.core.filters import visible

from .choices import TaskState
from .models import Meeting, Resolution, Task


class MeetingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("title, place, host or minutes"))
    area = django_filters.ModelChoiceFilter(queryset=visible(Area))
    ancestor = AncestorFilter()
    held_from = django_filters.DateFilter(field_name="held_at", lookup_expr="date__gte", label=_("held from"))
    held_to = django_filters.DateFilter(field_name="held_at", lookup_expr="date__lte", label=_("held until"))

    class Meta:
        model = Meeting
        fields = ["q", "kind", "area", "ancestor", "held_from", "held_to"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value)
            | Q(place__icontains=value)
            | Q(host__icontains=value)
            | Q(minutes__icontains=value)
        )


class TaskFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("title or description"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("mine only"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("open and past the deadline"))
    ancestor = AncestorFilter()

    class Meta:
        model = Task
        fields = ["q", "state", "mine", "overdue", "ancestor", "owner"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(owner=self.request.user)

    def filter_overdue(self, queryset, name, value):
        past = Q(state=TaskState.OPEN, deadline__lt=timezone.localdate())
        return queryset.filter(past) if value else queryset.exclude(past)


class ResolutionFilterSet(django_filters.FilterSet):
    meeting = django_filters.ModelChoiceFilter(queryset=visible(Meeting))

    class Meta:
        model = Resolution
        fields = ["meeting", "outcome", "follow_up"]
