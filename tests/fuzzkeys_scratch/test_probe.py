import pytest
from django.db import transaction
from django.urls import reverse

from tests.hotline.support import ORDERS, body, hotline_for, order_url, receive
from tests.integrations.support import api_with_key

pytestmark = pytest.mark.django_db


def probe(label, call):
    try:
        with transaction.atomic():
            r = call()
            print("PROBE", label[:60], r.status_code, r.content[:160])
            transaction.set_rollback(True)
    except Exception as e:
        print("EXC", label[:60], repr(e)[:200])


def test_probe(city):
    h = hotline_for(city)
    api = api_with_key(h.key)
    api.raise_request_exception = False
    receive(h)
    for payload in [
        {**body("a-1"), "extra": "x\u0000y"},
        {**body("a-2"), "ex\u0000tra": "y"},
        {**body("a-3"), "extra": 10**400},
        {**body("a-4"), "extra": [1e308, -1e308]},
        {**body("a-5"), "longitude": 1e308, "latitude": 1},
        {**body("a-6"), "received_at": "0001-01-01T00:00:00Z"},
        {**body("a-7"), "extra": {"a": "\u0000"}},
        [1, 2], "x", None, 42,
    ]:
        probe(repr(payload)[-40:], lambda: api.post(ORDERS, payload, format="json"))
    for url in [order_url("a\u0000b"), order_url("a\u0000b", "withdraw"), order_url("a\u0000b", "rating"), order_url("x" * 5000)]:
        for m in ("get", "post"):
            probe(m + url[-30:], lambda: getattr(api, m)(url, {"reason": "r", "rating": "satisfied"}, format="json"))
    probe("withdraw nul reason", lambda: api.post(order_url("12345-0001", "withdraw"), {"reason": "a\u0000"}, format="json"))
    probe("rating nul comment", lambda: api.post(order_url("12345-0001", "rating"), {"rating": "satisfied", "comment": "a\u0000"}, format="json"))
    subs = reverse("api:webhook-subscription-list")
    dels = reverse("api:webhook-delivery-list")
    for q in [{"subscription": "9" * 30}, {"subscription": "1e400"}, {"subscription": "-9" * 20}, {"state": "\u0000"}, {"page": "9" * 30}, {"ordering": "\u0000"}, {"subscription": "1e10"}]:
        probe(repr(q), lambda: api.get(dels, q))
    for d in [{"target_url": "https://a.example.com/\u0000", "events": ["case.created"]}, {"target_url": "https://a.example.com/", "events": ["case.created"], "description": "a\u0000"}, {"target_url": "https://a.example.com/", "events": ["case.created\u0000"]}, {"target_url": "https://a.\u0000example.com/", "events": ["case.created"]}, [1], {"target_url": "https://a.example.com/", "events": [["x"]]}, {"target_url": "https://a.example.com/", "events": [{"a": 1}]}, {"target_url": "https://[::1/", "events": ["case.created"]}, {"target_url": "https://" + "a" * 300 + ".com/", "events": ["case.created"]}]:
        probe(repr(d)[:60], lambda: api.post(subs, d, format="json"))
    big = "9" * 30
    for m, u in [("get", f"/api/v1/webhooks/subscriptions/{big}/"), ("patch", f"/api/v1/webhooks/subscriptions/{big}/"), ("post", f"/api/v1/webhooks/deliveries/{big}/redeliver/"), ("get", f"/api/v1/webhooks/deliveries/{big}/"), ("get", "/api/v1/webhooks/deliveries/abc/")]:
        probe(m + u, lambda: getattr(api, m)(u, {}, format="json"))
    probe("deep", lambda: api.generic("POST", ORDERS, "[" * 100000, content_type="application/json"))
    probe("deep obj", lambda: api.generic("POST", ORDERS, '{"serial": "d-1", "description": "x", "e": ' + "[" * 5000 + "]" * 5000 + "}", content_type="application/json"))
    probe("big page", lambda: api.get(dels, {"page_size": "9" * 40}))
    probe("me", lambda: api.get("/api/v1/integrations/me/"))
