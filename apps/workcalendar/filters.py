import django_filters
from django.utils.translation import gettext_lazy as _

from .models import WorkDay


class WorkDayFilterSet(django_filters.FilterSet):
    # The years a date can have; a year beyond them would overflow the date lookup.
    year = django_filters.NumberFilter(method="in_year", label=_("year"), min_value=1, max_value=9999)

    class Meta:
        model = WorkDay
        fields = ["year", "source", "is_workday"]

    def in_year(self, queryset, name, value):
        year = int(value)
        return queryset.filter(day__year=year)
