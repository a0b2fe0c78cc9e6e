"""The webhook API of an integration client: its subscriptions (the signing secret shown once, when one
is made) and the log of its deliveries, with redelivery by hand. Only API keys call it (scope cases.read);
a client sees and changes only its own rows."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from apps.cases.api.schema import ERROR
from apps.integrations.keys import ApiKeyAuthentication
from apps.integrations.scopes import KeyScope
from apps.webhooks import selectors, services
from apps.webhooks.filters import DeliveryFilterSet
from apps.webhooks.models import WebhookDelivery, WebhookSubscription

from .serializers import (
    DeliverySerializer,
    SubscriptionCreatedSerializer,
    SubscriptionCreateSerializer,
    SubscriptionSerializer,
    SubscriptionUpdateSerializer,
)

SIGNATURE_SCHEME = _(
    "Each delivery is a POST of a JSON body with the headers `X-GridGov-Event` (the event, e.g. "
    "case.status_changed), `X-GridGov-Delivery` (the delivery id: the same on every retry and "
    "redelivery, so receivers can drop repeats), `X-GridGov-Timestamp` (Unix seconds) and "
    "`X-GridGov-Signature: sha256=<hex>`, the HMAC-SHA256 of `<timestamp>.<body>` (the raw body bytes) "
    "keyed with the subscription's secret. Recompute it and compare in constant time; refuse a "
    "timestamp more than five minutes off. Answer 2xx within 10 seconds; anything else is retried "
    "after 30 s, 1, 2, 4 … minutes, then hourly, for 72 hours. See docs/webhooks.md."
)


class ClientKeyOnly:
    """Webhooks belong to integration clients: only their API keys call these endpoints."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsAuthenticated]

    @property
    def client(self):
        return self.request.auth.client

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no key
            return self.queryset
        return self.rows()


@extend_schema_view(
    list=extend_schema(summary=_("The client's webhook subscriptions"), description=SIGNATURE_SCHEME),
    retrieve=extend_schema(summary=_("One webhook subscription")),
)
class SubscriptionViewSet(ClientKeyOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    queryset = WebhookSubscription.objects.none()
    serializer_class = SubscriptionSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    key_scopes = {"GET": KeyScope.CASES_READ, "POST": KeyScope.CASES_READ, "PATCH": KeyScope.CASES_READ}

    def rows(self):
        return selectors.subscriptions_of(self.client)

    @extend_schema(
        summary=_("Subscribe to case events"),
        description=SIGNATURE_SCHEME,
        request=SubscriptionCreateSerializer,
        responses={201: SubscriptionCreatedSerializer},
    )
    def create(self, request):
        serializer = SubscriptionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        subscription, secret = services.subscription_create(
            actor=request.user, client=self.client, **serializer.validated_data
        )
        answer = SubscriptionCreatedSerializer(
            {**SubscriptionSerializer(subscription).data, "secret": secret}
        )
        return Response(answer.data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary=_("Change a webhook subscription (target, events, active)"),
        request=SubscriptionUpdateSerializer,
        responses={200: SubscriptionSerializer},
    )
    def partial_update(self, request, pk=None):
        subscription = self.get_object()
        serializer = SubscriptionUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        subscription = services.subscription_update(
            actor=request.user, subscription=subscription, **serializer.validated_data
        )
        return Response(SubscriptionSerializer(subscription).data)


@extend_schema_view(
    list=extend_schema(
        summary=_("The client's webhook deliveries, newest first"),
        description=_(
            "The delivery log: each event sent or to be sent, with its attempts and the last answer."
        ),
    ),
    retrieve=extend_schema(summary=_("One webhook delivery")),
)
class DeliveryViewSet(ClientKeyOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, GenericViewSet):
    queryset = WebhookDelivery.objects.none()
    serializer_class = DeliverySerializer
    filterset_class = DeliveryFilterSet
    key_scopes = {"GET": KeyScope.CASES_READ, "redeliver": KeyScope.CASES_READ}

    def rows(self):
        return selectors.deliveries_of(self.client)

    @extend_schema(
        summary=_("Redeliver now"),
        description=_(
            "A new attempt now, whatever the delivery's state, with the same payload and delivery id and "
            "a fresh 72 hours of retries."
        ),
        request=None,
        responses={
            202: DeliverySerializer,
            400: ERROR,
        },
    )
    @action(detail=True, methods=["post"])
    def redeliver(self, request, pk=None):
        delivery = services.delivery_redeliver(actor=request.user, delivery=self.get_object())
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
