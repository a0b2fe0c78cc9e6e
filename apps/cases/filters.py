"""The filters of case lists: one filterset for the API and the pages alike."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.areas.filters import AncestorFilter

from .choices import CaseStatus, Channel, Urgency
from .models import Case, Category


def overdue_condition() -> Q:
    """Cases with a missed limit on an order that is still open. A semi-join on the open orders (a
    small set, with a partial index), never a subquery run for each case."""
    from apps.dispatch.models import LATE_ORDER, DispatchOrder  # noqa: PLC0415 - dispatch builds on cases

    return Q(pk__in=DispatchOrder.objects.filter(LATE_ORDER).values("case_id"))


class CaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("serial, title or address"))
    status = django_filters.MultipleChoiceFilter(choices=CaseStatus.choices)
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(), method="in_category", label=_("category (with subcategories)")
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    urgency = django_filters.ChoiceFilter(choices=Urgency.choices)
    area = AncestorFilter()
    overdue = django_filters.BooleanFilter(method="only_overdue", label=_("overdue"))
    reported_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    reported_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    external_ref = django_filters.CharFilter()

    class Meta:
        model = Case
        fields = ["q", "status", "category", "channel", "urgency", "area", "overdue", "external_ref"]

    def search(self, queryset, name, value):
        value = value.strip()
        if value.isdigit() and len(value) >= 8:
            return queryset.filter(serial__startswith=value)
        return queryset.filter(Q(title__icontains=value) | Q(address__icontains=value) | Q(serial=value))

    def in_category(self, queryset, name, value):
        return queryset.filter(Q(category=value) | Q(category__parent=value))

    def only_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue_condition()) if value else queryset.exclude(overdue_condition())
