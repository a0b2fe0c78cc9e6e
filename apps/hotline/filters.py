import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import OrderState, TriageReason
from .models import HotlineOrder


class OrderFilterSet(django_filters.FilterSet):
    """The filters of the triage queue and of the received orders, on the pages and in the API."""

    q = django_filters.CharFilter(method="search", label=_("serial number or title"))
    # Staff never see an order only received (it is in no area yet).
    state = django_filters.ChoiceFilter(
        choices=[choice for choice in OrderState.choices if choice[0] != OrderState.RECEIVED],
        label=_("state"),
    )
    reason = django_filters.ChoiceFilter(
        field_name="triage_reason", choices=TriageReason.choices, label=_("why it waits")
    )
    client = django_filters.CharFilter(field_name="client__code", label=_("client code"))

    class Meta:
        model = HotlineOrder
        fields = ["q", "state", "reason", "client"]

    def search(self, queryset, name, value):
        value = value.strip()[:64]
        if not value:
            return queryset
        return queryset.filter(Q(serial__startswith=value) | Q(title__icontains=value))
