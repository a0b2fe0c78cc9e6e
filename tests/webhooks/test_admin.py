"""The admin of webhooks: a subscription made with its secret shown once; the delivery log read-only,
with redelivery as an action; superusers only."""

import re

import pytest
from django.urls import reverse

from apps.core.crypto import decrypt
from apps.webhooks.choices import DeliveryState
from apps.webhooks.collect import collect
from apps.webhooks.models import WebhookDelivery, WebhookSubscription
from tests.cases.api_support import report
from tests.integrations.support import register
from tests.webhooks.support import subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, superuser, settings):
    client.force_login(superuser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_superuser_subscribes_a_client_and_sees_the_secret_once(admin_client, city):
    hotline, _ = register(city.streets[0])
    response = admin_client.post(
        reverse("admin:webhooks_webhooksubscription_add"),
        {
            "client": hotline.pk,
            "target_url": "https://hotline.example.com/gridgov",
            "events": ["case.status_changed", "case.rated"],
            "description": "12345",
            "is_active": "on",
        },
    )
    assert response.status_code == 200, response.content.decode()[:3000]
    secret = re.search(r'<code id="webhook-secret"[^>]*>([^<]+)</code>', response.content.decode()).group(1)
    subscription = WebhookSubscription.objects.get()
    assert decrypt(subscription.secret_encrypted) == secret
    assert subscription.events == ["case.status_changed", "case.rated"]
    page = admin_client.get(reverse("admin:webhooks_webhooksubscription_change", args=[subscription.pk]))
    assert page.status_code == 200
    assert secret not in page.content.decode()


def test_a_bad_target_is_refused_in_the_admin(admin_client, city, settings):
    settings.WEBHOOKS_ALLOW_HTTP = False
    hotline, _ = register(city.streets[0])
    response = admin_client.post(
        reverse("admin:webhooks_webhooksubscription_add"),
        {"client": hotline.pk, "target_url": "http://hotline.example.com/", "events": ["case.created"]},
        follow=True,
    )
    assert not WebhookSubscription.objects.exists()
    assert "Enter an https:// URL." in response.content.decode()


def test_the_delivery_log_redelivers_by_action(admin_client, city):
    hotline, _ = register(city.streets[0])
    subscribe(hotline, "https://hotline.example.com/gridgov")
    report(city)
    collect()
    WebhookDelivery.objects.update(state=DeliveryState.FAILED, next_attempt_at=None)
    changelist = reverse("admin:webhooks_webhookdelivery_changelist")
    assert admin_client.get(changelist, {"state": "failed"}).status_code == 200
    delivery = WebhookDelivery.objects.get()
    response = admin_client.post(
        changelist, {"action": "redeliver", "_selected_action": [delivery.pk]}, follow=True
    )
    assert "1 delivery will be sent again now." in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING
    assert (
        admin_client.get(reverse("admin:webhooks_webhookdelivery_change", args=[delivery.pk])).status_code
        == 200
    )


def test_only_superusers_see_webhooks(client, city):
    client.force_login(city.users["district"])
    assert client.get(reverse("admin:webhooks_webhooksubscription_changelist")).status_code in (302, 403)
    assert client.get(reverse("admin:webhooks_webhookdelivery_changelist")).status_code in (302, 403)
