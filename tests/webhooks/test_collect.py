"""The collector: which timeline entries become which events, with real case flows, for whom (the area
limit), and never twice."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.cases.choices import CaseStatus, Channel, Rating
from apps.cases.services import (
    case_accept,
    case_close,
    case_handle_in_grid,
    case_rate,
    case_resolve_in_grid,
    case_verify,
)
from apps.dispatch.choices import OrderKind, OrderStatus
from apps.dispatch.deadlines import sweep
from apps.dispatch.models import DispatchOrder
from apps.dispatch.services import order_accept, order_resolve, whistle_blow
from apps.webhooks.collect import CURSOR, collect
from apps.webhooks.models import WebhookCursor, WebhookDelivery
from apps.webhooks.services import subscription_update
from tests.cases.api_support import report
from tests.dispatch.support import install_clock
from tests.integrations.support import register
from tests.webhooks.support import subscribe

pytestmark = pytest.mark.django_db
URL = "https://hotline.example.com/hooks"


def sent(subscription) -> list[tuple[str, str]]:
    """(event, timeline action) of the subscription's deliveries, in the order of the timeline."""
    return [
        (d.event, d.payload["action"])
        for d in WebhookDelivery.objects.filter(subscription=subscription).order_by("case_event_id")
    ]


def lifecycle(city):
    """A hotline case through the whole lifecycle: reported, accepted, whistled by the community,
    escalated to the street when the limit is missed, resolved by the department, verified, closed and
    rated. Returns the case."""
    community = city.users["community"]
    case = report(
        city,
        actor="community",
        area=city.grids[0],
        category=city.categories[4],
        channel=Channel.HOTLINE,
        external_system="hotline",
        external_ref="12345-0001",
        reporter_name="张三",
        reporter_phone="13800138000",
        description="闻到燃气味，住在三楼",
    )
    case_accept(case=case, actor=community)
    whistle_blow(
        case=case, kind=OrderKind.EMERGENCY, departments=[city.departments[1]], actor=community, reason="燃气"
    )
    sweep(now=timezone.now() + timedelta(minutes=31))
    order = DispatchOrder.objects.get(case=case, status=OrderStatus.PENDING)
    order_accept(order=order, actor=city.users["dept"])
    order_resolve(order=order, actor=city.users["dept"], account="已关闭阀门并通风")
    case.refresh_from_db()
    case_verify(case=case, actor=city.users["gridworker"], passed=True)
    case_close(case=case, actor=city.users["street"])
    case_rate(case=case, rating=Rating.SATISFIED, comment="很满意，电话13900139000")
    return case


def test_each_event_of_a_case_lifecycle_is_delivered_once_with_its_facts(city):
    client, _key = register(city.streets[0])
    subscription, _secret = subscribe(client, URL)
    case = lifecycle(city)
    collect()
    assert sent(subscription) == [
        ("case.created", "report"),
        ("case.status_changed", "accept"),
        ("case.whistled", "whistle"),
        ("case.escalated", "escalate"),
        ("case.status_changed", "resolve"),
        ("case.status_changed", "verify"),
        ("case.closed", "close"),
        ("case.rated", "rate"),
    ]
    payloads = {d.payload["action"]: d.payload for d in subscription.deliveries.all()}
    created = payloads["report"]
    assert created["type"] == "case.created"
    assert created["case"] | {"category": None, "area": None, "reported_at": None} == {
        "id": case.pk,
        "serial": case.serial,
        "status": CaseStatus.REPORTED,
        "channel": Channel.HOTLINE,
        "urgency": "normal",
        "category": None,
        "area": None,
        "reported_at": None,
        "external_system": "hotline",
        "external_ref": "12345-0001",
        "resolution": None,
        "rating": None,
    }
    assert created["case"]["area"] == {
        "id": city.grids[0].pk,
        "code": city.grids[0].code,
        "name": city.grids[0].name,
        "level": 4,
    }
    assert created["case"]["category"]["code"] == city.categories[4].code
    assert created["previous_status"] is None
    assert payloads["accept"]["previous_status"] == CaseStatus.REPORTED
    assert payloads["accept"]["case"]["status"] == CaseStatus.ACCEPTED
    assert payloads["whistle"]["whistle"] == {"kind": OrderKind.EMERGENCY, "level": 3}
    assert payloads["whistle"]["case"]["status"] == CaseStatus.DISPATCHED
    assert payloads["escalate"]["escalation"] == {"from_level": 3, "to_level": 2}
    # The resolution flows back from the moment the case is resolved, the rating once it is rated.
    for action in ("resolve", "verify", "close", "rate"):
        assert payloads[action]["case"]["resolution"] == "已关闭阀门并通风", action
    assert payloads["accept"]["case"]["resolution"] is None
    assert payloads["close"]["case"]["status"] == CaseStatus.CLOSED
    assert payloads["close"]["case"]["rating"] is None
    assert payloads["rate"]["case"]["rating"] == Rating.SATISFIED
    # No personal data: not the reporter's name or phone, not the description, not the resident's words.
    every = json.dumps([d.payload for d in subscription.deliveries.all()], ensure_ascii=False)
    for private in ("张三", "13800138000", "13900139000", "三楼", "很满意"):
        assert private not in every


def test_a_subscription_hears_only_the_events_it_chose_each_entry_once(city):
    client, _key = register(city.streets[0])
    closes, _ = subscribe(client, URL, events=["case.closed"])
    statuses, _ = subscribe(client, URL, events=["case.status_changed"])
    both, _ = subscribe(client, URL, events=["case.status_changed", "case.closed", "case.rated"])
    lifecycle(city)
    collect()
    assert sent(closes) == [("case.closed", "close")]
    # A whistle and a close change the status too: a subscriber of status changes alone hears them so.
    assert sent(statuses) == [
        ("case.status_changed", "accept"),
        ("case.status_changed", "whistle"),
        ("case.status_changed", "resolve"),
        ("case.status_changed", "verify"),
        ("case.status_changed", "close"),
    ]
    assert sent(both) == [
        ("case.status_changed", "accept"),
        ("case.status_changed", "whistle"),
        ("case.status_changed", "resolve"),
        ("case.status_changed", "verify"),
        ("case.closed", "close"),
        ("case.rated", "rate"),
    ]


def test_a_dissatisfied_rating_is_rated_and_then_reopened(city):
    client, _key = register(city.streets[0])
    subscription, _ = subscribe(client, URL, events=["case.status_changed", "case.rated"])
    case = case_accept(case=report(city), actor=city.users["street"])
    case_handle_in_grid(case=case, actor=city.users["street"])
    case_resolve_in_grid(case=case, actor=city.users["gridworker"], account="已清理")
    case_verify(case=case, actor=city.users["gridworker"], passed=True)
    case_close(case=case, actor=city.users["street"])
    case_rate(case=case, rating=Rating.DISSATISFIED, comment="又堆了")
    collect()
    assert sent(subscription)[-3:] == [
        ("case.status_changed", "close"),
        ("case.rated", "rate"),
        ("case.status_changed", "reopen"),
    ]
    reopened = subscription.deliveries.get(event="case.status_changed", payload__action="reopen").payload
    assert reopened["case"]["status"] == CaseStatus.ACCEPTED
    assert reopened["case"]["resolution"] is None
    assert reopened["previous_status"] == CaseStatus.CLOSED


def test_a_client_hears_nothing_of_cases_outside_its_area(city):
    inside, _ = register(city.streets[0], code="inside")
    outside, _ = register(city.streets[1], code="outside")
    district, _ = register(city.district, code="district")
    subscriptions = {name: subscribe(client, URL)[0] for name, client in
                     (("inside", inside), ("outside", outside), ("district", district))}  # fmt: skip
    lifecycle(city)
    report(city, area=city.buildings[-1], actor="district")  # in the second street
    collect()
    assert subscriptions["outside"].deliveries.filter(payload__case__serial__isnull=False).count() == 1
    assert subscriptions["outside"].deliveries.get().payload["case"]["area"]["id"] == city.buildings[-1].pk
    assert subscriptions["inside"].deliveries.count() == 8
    assert subscriptions["district"].deliveries.count() == 9


def test_inactive_subscriptions_and_clients_hear_nothing(city):
    client, _ = register(city.streets[0])
    subscription, _ = subscribe(client, URL)
    subscription_update(actor=None, subscription=subscription, is_active=False)
    report(city)
    collect()
    assert not WebhookDelivery.objects.exists()


def test_entries_before_the_subscription_are_not_sent(city):
    client, _ = register(city.streets[0])
    before = report(city)
    subscription, _ = subscribe(client, URL)
    case_accept(case=before, actor=city.users["street"])
    collect()
    assert sent(subscription) == [("case.status_changed", "accept")]


def test_a_rescan_queues_nothing_twice(city):
    client, _ = register(city.streets[0])
    subscription, _ = subscribe(client, URL)
    lifecycle(city)
    assert collect() == 8
    # The next runs read the same entries again (the re-scan window); none is queued again.
    assert collect() == 8
    cursor = WebhookCursor.objects.get(name=CURSOR)
    cursor.scanned_until = None
    cursor.save()
    collect()
    assert subscription.deliveries.count() == 8
    assert len(set(subscription.deliveries.values_list("case_event_id", flat=True))) == 8


def test_an_entry_committed_late_is_still_collected_within_the_rescan_window(city, settings, monkeypatch):
    settings.WEBHOOKS_RESCAN_SECONDS = 120
    client, _ = register(city.streets[0])
    subscription, _ = subscribe(client, URL, events=["case.created", "case.status_changed"])
    subscription.created_at = timezone.now() - timedelta(hours=1)
    subscription.save()
    collect()
    watermark = WebhookCursor.objects.get(name=CURSOR).scanned_until
    # Entries whose transactions began before the last run and committed after it: their time lies
    # behind the watermark.
    install_clock(monkeypatch, watermark - timedelta(seconds=90))
    late = report(city)
    install_clock(monkeypatch, watermark - timedelta(seconds=200))
    report(city)  # too late: behind the re-scan window
    monkeypatch.undo()
    collect()
    assert [d.payload["case"]["id"] for d in subscription.deliveries.all()] == [late.pk]
