"""One case through the whole lifecycle with the real services: reported to rated."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.cases.choices import CaseStatus, Channel, Rating
from apps.cases.services import case_accept, case_close, case_rate, case_report, case_verify
from apps.dispatch.choices import DeadlineState, OrderKind, OrderStatus
from apps.dispatch.deadlines import sweep
from apps.dispatch.models import Deadline, DeadlineEffect, Escalation
from apps.dispatch.services import case_dispatch, order_accept, order_resolve, whistle_blow

pytestmark = pytest.mark.django_db


def test_dispatch_round_trip(city):
    street, dept = city.users["street"], city.users["dept"]
    case, created = case_report(
        actor=city.users["gridworker"],
        channel=Channel.GRID_WORKER,
        category=city.categories[1],
        area=city.buildings[0],
        title="垃圾堆放",
        description="楼下垃圾三天未清运",
        reporter_phone="13800138000",
    )
    assert created
    assert case.serial
    assert case.street_id == city.streets[0].pk
    assert case.reporter_phone_masked == "138****8000"
    case_accept(case=case, actor=street)
    order = case_dispatch(case=case, department=city.departments[1], actor=street)
    assert order.deadlines.count() == 2
    order_accept(order=order, actor=dept)
    order_resolve(order=order, actor=dept, account="已清运")
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    case_verify(case=case, actor=city.users["gridworker"], passed=True)
    case_close(case=case, actor=street)
    case_rate(case=case, rating=Rating.DISSATISFIED, comment="又堆了")
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    assert case.reopen_count == 1
    assert list(case.events.values_list("action", flat=True))[-1] == "reopen"


def test_community_whistle_escalates_to_the_street_once(city):
    community = city.users["community"]
    case, _ = case_report(
        actor=community,
        channel=Channel.GRID_WORKER,
        category=city.categories[4],
        area=city.grids[0],
        title="燃气泄漏",
        description="闻到燃气味",
    )
    case_accept(case=case, actor=community)
    whistle = whistle_blow(
        case=case, kind=OrderKind.EMERGENCY, departments=[city.departments[1]], actor=community, reason="紧急"
    )
    assert whistle.level == 3
    later = timezone.now() + timedelta(minutes=31)
    assert sweep(now=later) >= 1
    assert sweep(now=later) == 0
    assert Escalation.objects.count() == 1
    escalation = Escalation.objects.get()
    assert escalation.to_level == 2
    assert whistle.orders.get().status == OrderStatus.ESCALATED
    assert DeadlineEffect.objects.filter(kind="breach").count() == 1
    assert Deadline.objects.filter(order__whistle=escalation.whistle, state=DeadlineState.ACTIVE).count() == 2


@pytest.mark.postgres
def test_the_database_refuses_to_change_or_delete_a_timeline_entry(city):
    from django.db import DatabaseError, transaction

    from apps.cases.models import CaseEvent

    case, _ = case_report(
        actor=city.users["gridworker"],
        channel=Channel.GRID_WORKER,
        category=city.categories[1],
        area=city.grids[0],
        title="t",
        description="d",
    )
    event = CaseEvent.objects.get(case=case)
    for attempt in (
        lambda: CaseEvent.objects.filter(pk=event.pk).update(reason="changed"),
        lambda: CaseEvent.objects.filter(pk=event.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    assert CaseEvent.objects.get(pk=event.pk).reason == ""
