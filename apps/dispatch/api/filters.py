"""Filters of the dispatch lists. Related rows are named by plain ids: an id outside the user's scope
finds nothing, exactly like a missing one."""

import django_filters
from django.utils.translation import gettext_lazy as _

from apps.core.filters import visible
from apps.departments.models import Department
from apps.dispatch.choices import ExtensionStatus, OrderKind, OrderStatus, SupervisionLevel
from apps.dispatch.models import (
    WHISTLE_LEVELS,
    DispatchOrder,
    Escalation,
    ExtensionRequest,
    SlaPolicy,
    Supervision,
    Whistle,
)
from apps.dispatch.selectors import ORDER_BUCKETS


class OrderFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=OrderStatus.choices)
    kind = django_filters.ChoiceFilter(choices=OrderKind.choices)
    department = django_filters.ModelChoiceFilter(queryset=visible(Department))
    case = django_filters.NumberFilter(field_name="case_id", label=_("case"))
    bucket = django_filters.ChoiceFilter(
        choices=[(bucket, bucket) for bucket in ORDER_BUCKETS],
        method="in_bucket",
        label=_("department inbox bucket"),
    )

    class Meta:
        model = DispatchOrder
        fields = ["status", "kind", "department", "case", "bucket"]

    def in_bucket(self, queryset, name, value):
        # The list already starts from `selectors.order_inbox(user, bucket)`; the choice is checked here.
        return queryset


class WhistleFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrderKind.choices)
    level = django_filters.TypedChoiceFilter(choices=WHISTLE_LEVELS, coerce=int)
    case = django_filters.NumberFilter(field_name="case_id", label=_("case"))

    class Meta:
        model = Whistle
        fields = ["kind", "level", "case"]


class SupervisionFilterSet(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=SupervisionLevel.choices)
    case = django_filters.NumberFilter(field_name="case_id", label=_("case"))

    class Meta:
        model = Supervision
        fields = ["level", "case"]


class ExtensionRequestFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ExtensionStatus.choices)
    order = django_filters.NumberFilter(field_name="order_id", label=_("order"))

    class Meta:
        model = ExtensionRequest
        fields = ["status", "order"]


class EscalationFilterSet(django_filters.FilterSet):
    order = django_filters.NumberFilter(field_name="order_id", label=_("order"))
    case = django_filters.NumberFilter(field_name="order__case_id", label=_("case"))

    class Meta:
        model = Escalation
        fields = ["order", "case"]


class SlaPolicyFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrderKind.choices)
    category = django_filters.NumberFilter(field_name="category_id", label=_("category"))
    level = django_filters.TypedChoiceFilter(choices=WHISTLE_LEVELS, coerce=int)

    class Meta:
        model = SlaPolicy
        fields = ["kind", "category", "level", "is_active"]
