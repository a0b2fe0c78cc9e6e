"""The webhook API of an integration client: its own subscriptions (the secret shown once) and its own
delivery log, with redelivery."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.cases.services import case_accept
from apps.core.crypto import decrypt
from apps.webhooks.choices import DeliveryState
from apps.webhooks.collect import collect
from apps.webhooks.models import WebhookDelivery, WebhookSubscription
from tests.cases.api_support import report
from tests.integrations.support import api_with_key, register
from tests.webhooks.support import Receiver, pump, subscribe

pytestmark = pytest.mark.django_db
SUBSCRIPTIONS = reverse("api:webhook-subscription-list")
DELIVERIES = reverse("api:webhook-delivery-list")
TARGET = "https://hotline.example.com/gridgov"


def subscription_url(subscription) -> str:
    return reverse("api:webhook-subscription-detail", args=[subscription.pk])


def delivery_url(delivery, action: str = "detail") -> str:
    return reverse(f"api:webhook-delivery-{action}", args=[delivery.pk])


@pytest.fixture
def hotline(city):
    return register(city.streets[0])


def test_a_client_subscribes_and_sees_the_secret_once(hotline, settings):
    settings.WEBHOOKS_ALLOW_HTTP = False
    client, raw = hotline
    api = api_with_key(raw)
    answer = api.post(
        SUBSCRIPTIONS, {"target_url": TARGET, "events": ["case.closed", "case.created"]}, format="json"
    )
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["secret"].startswith("whsec_")
    # In the order of the event list, whatever order they were asked in.
    assert body["events"] == ["case.created", "case.closed"]
    subscription = WebhookSubscription.objects.get(pk=body["id"])
    assert subscription.client == client
    assert body["secret"] not in subscription.secret_encrypted
    assert decrypt(subscription.secret_encrypted) == body["secret"]
    listed = api.get(SUBSCRIPTIONS).json()["results"]
    assert [row["id"] for row in listed] == [subscription.pk]
    assert "secret" not in listed[0]
    assert "secret" not in api.get(subscription_url(subscription)).json()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"target_url": "http://hotline.example.com/x", "events": ["case.created"]}, "target_url"),
        ({"target_url": "https://127.0.0.1/x", "events": ["case.created"]}, "target_url"),
        ({"target_url": "https://10.1.2.3/x", "events": ["case.created"]}, "target_url"),
        ({"target_url": "not a url", "events": ["case.created"]}, "target_url"),
        ({"target_url": TARGET, "events": []}, "events"),
        ({"target_url": TARGET, "events": ["case.deleted"]}, "events"),
    ],
)
def test_bad_subscriptions_are_refused_and_nothing_is_written(hotline, settings, data, field):
    settings.WEBHOOKS_ALLOW_HTTP = False
    answer = api_with_key(hotline[1]).post(SUBSCRIPTIONS, data, format="json")
    assert answer.status_code == 400
    assert field in answer.json()["error"]["fields"]
    assert not WebhookSubscription.objects.exists()


def test_a_client_changes_only_its_own_subscriptions(city, hotline):
    client, raw = hotline
    api = api_with_key(raw)
    mine, _ = subscribe(client, TARGET)
    other_client, _ = register(city.streets[1], code="other")
    theirs, _ = subscribe(other_client, TARGET)
    answer = api.patch(subscription_url(mine), {"events": ["case.rated"], "is_active": False}, format="json")
    assert answer.status_code == 200, answer.json()
    mine.refresh_from_db()
    assert (mine.events, mine.is_active) == (["case.rated"], False)
    assert api.patch(subscription_url(mine), {"target_url": "ftp://x"}, format="json").status_code == 400
    assert api.get(subscription_url(theirs)).status_code == 404
    assert api.patch(subscription_url(theirs), {"is_active": False}, format="json").status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active
    assert [row["id"] for row in api.get(SUBSCRIPTIONS).json()["results"]] == [mine.pk]


def test_the_delivery_log_is_the_clients_own_filtered_by_state_and_event(city, hotline):
    client, raw = hotline
    api = api_with_key(raw)
    receiver = Receiver().start()
    try:
        subscription, _ = subscribe(client, receiver.url)
        other, _ = register(city.district, code="other")
        other_subscription, _ = subscribe(other, receiver.url)
        case = report(city)
        case_accept(case=case, actor=city.users["street"])
        pump(subscription)
    finally:
        receiver.stop()
    rows = api.get(DELIVERIES).json()["results"]
    assert [(row["event"], row["state"]) for row in rows] == [
        ("case.status_changed", DeliveryState.DELIVERED),
        ("case.created", DeliveryState.DELIVERED),
    ]
    assert rows[1]["payload"]["case"]["serial"] == case.serial
    assert rows[1]["attempts"] == 1
    assert rows[1]["last_status_code"] == 200
    created = api.get(DELIVERIES, {"event": "case.created"}).json()["results"]
    assert [row["event"] for row in created] == ["case.created"]
    assert api.get(DELIVERIES, {"state": "failed"}).json()["results"] == []
    assert api.get(DELIVERIES, {"state": "nonsense"}).status_code == 400
    theirs = WebhookDelivery.objects.filter(subscription=other_subscription).first()
    assert theirs is not None
    assert api.get(delivery_url(theirs)).status_code == 404
    assert api.post(delivery_url(theirs, "redeliver")).status_code == 404


def test_redeliver_through_the_api(city, hotline):
    client, raw = hotline
    subscription, _ = subscribe(client, "https://hotline.example.invalid/x", events=["case.created"])
    report(city)
    collect()
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.FAILED, next_attempt_at=None)
    answer = api_with_key(raw).post(delivery_url(delivery, "redeliver"))
    assert answer.status_code == 202, answer.json()
    assert answer.json()["state"] == DeliveryState.PENDING
    assert answer.json()["next_attempt_at"] is not None
    subscription.is_active = False
    subscription.save()
    refused = api_with_key(raw).post(delivery_url(delivery, "redeliver"))
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "validation_error"


def test_only_keys_with_cases_read_call_the_webhook_api(city):
    _client, raw = register(city.streets[0], code="figures", scopes=["figures.read"])
    assert api_with_key(raw).get(SUBSCRIPTIONS).status_code == 403
    assert api_with_key(raw).get(DELIVERIES).status_code == 403
    assert APIClient().get(SUBSCRIPTIONS).status_code == 401
    # People have no subscriptions: signed in, they are still not an API key.
    person = APIClient()
    person.force_login(city.users["district"])
    assert person.get(DELIVERIES).status_code == 401
    assert person.post(SUBSCRIPTIONS, {"target_url": TARGET, "events": ["case.created"]}).status_code in (
        401,
        403,
    )
    assert not WebhookSubscription.objects.exists()


def test_the_delivery_log_reads_with_a_constant_number_of_queries(city, hotline):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client, raw = hotline
    subscribe(client, TARGET, events=["case.created"])
    api = api_with_key(raw)
    api.get(DELIVERIES)  # the key's first use writes its last_used_at

    def queries() -> int:
        collect()
        with CaptureQueriesContext(connection) as captured:
            assert api.get(DELIVERIES).status_code == 200
        return len(captured)

    report(city)
    one = queries()
    for n in range(4):
        report(city, title=f"堆物{n}")
    assert queries() == one
