from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.webhooks.choices import WebhookEvent
from apps.webhooks.models import WebhookDelivery, WebhookSubscription


class SubscriptionSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices))

    class Meta:
        model = WebhookSubscription
        fields = ["id", "target_url", "events", "description", "is_active", "created_at", "updated_at"]


class SubscriptionCreatedSerializer(SubscriptionSerializer):
    secret = serializers.CharField(
        help_text=_("The signing secret: shown only in this answer, never again. Keep it safe.")
    )

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]


class SubscriptionCreateSerializer(serializers.Serializer):
    target_url = serializers.CharField(
        max_length=500, help_text=_("Where deliveries are POSTed: an https:// URL.")
    )
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices),
        allow_empty=False,
        max_length=len(WebhookEvent.values) * 2,
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SubscriptionUpdateSerializer(serializers.Serializer):
    target_url = serializers.CharField(max_length=500, required=False)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices),
        allow_empty=False,
        max_length=len(WebhookEvent.values) * 2,
        required=False,
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class DeliverySerializer(serializers.ModelSerializer):
    payload = serializers.JSONField(help_text=_("The body sent, exactly as signed."))

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "subscription",
            "event",
            "occurred_at",
            "state",
            "attempts",
            "next_attempt_at",
            "last_attempt_at",
            "last_status_code",
            "last_error",
            "last_response",
            "delivered_at",
            "created_at",
            "payload",
        ]
