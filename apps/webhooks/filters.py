import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import DeliveryState, WebhookEvent
from .models import WebhookDelivery


class DeliveryFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=DeliveryState.choices, label=_("state"))
    event = django_filters.ChoiceFilter(choices=WebhookEvent.choices, label=_("event"))
    subscription = django_filters.NumberFilter(field_name="subscription_id", label=_("subscription"))

    class Meta:
        model = WebhookDelivery
        fields = ["state", "event", "subscription"]
