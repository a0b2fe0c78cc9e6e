"""What a client reads of its webhooks: its own subscriptions and deliveries, and nothing of another's
(another client's rows answer 404, like rows that do not exist)."""

from django.db.models import QuerySet

from .models import WebhookDelivery, WebhookSubscription


def subscriptions_of(client) -> QuerySet[WebhookSubscription]:
    return WebhookSubscription.objects.filter(client=client).order_by("id")


def deliveries_of(client) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(subscription__client=client).order_by("-occurred_at", "-id")
