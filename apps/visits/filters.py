"""The filters of visit lists, for the API and the pages alike."""

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.areas.filters import AncestorFilter
from apps.core.filters import visible
from apps.residents.models import Household

from .choices import VisitKind
from .models import Visit


class VisitFilterSet(django_filters.FilterSet):
    area = AncestorFilter()
    kind = django_filters.ChoiceFilter(choices=VisitKind.choices)
    household = django_filters.ModelChoiceFilter(queryset=visible(Household))
    mine = django_filters.BooleanFilter(method="only_mine", label=_("logged by me"))
    reported_case = django_filters.BooleanFilter(
        field_name="case", lookup_expr="isnull", exclude=True, label=_("reported a case")
    )
    visited_after = django_filters.IsoDateTimeFilter(field_name="visited_at", lookup_expr="gte")
    visited_before = django_filters.IsoDateTimeFilter(field_name="visited_at", lookup_expr="lt")

    class Meta:
        model = Visit
        fields = [
            "area",
            "kind",
            "household",
            "worker",
            "mine",
            "follow_up",
            "reported_case",
            "visited_after",
            "visited_before",
        ]

    def only_mine(self, queryset, name, value):
        if value is None:
            return queryset
        mine = {"worker": self.request.user}
        return queryset.filter(**mine) if value else queryset.exclude(**mine)
