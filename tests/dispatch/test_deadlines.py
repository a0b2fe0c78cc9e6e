"""The deadline engine through the sweep: warnings, breaches, escalation, pauses and extensions.

The test clock starts on Tuesday 24 November 2026, 09:00 in Shanghai, a working day. An ordinary
dispatch must be signed for within 2 working hours (due 11:00, warnings at 50% = 10:00 and 80% =
10:36); an emergency whistle must be checked in to within 30 minutes around the clock.
"""

import pytest

from apps.areas.choices import AreaLevel
from apps.cases.choices import CaseAction, CaseStatus
from apps.cases.models import CaseEvent
from apps.cases.services import case_resume, case_suspend
from apps.dispatch.choices import DeadlineKind, DeadlineState, EffectKind, OrderStatus
from apps.dispatch.deadlines import sweep
from apps.dispatch.models import Deadline, DeadlineEffect, DispatchOrder, Escalation
from apps.dispatch.services import case_dispatch, extension_decide, extension_request, order_accept
from apps.notifications.choices import NotificationKind
from apps.notifications.models import Notification
from apps.workcalendar.choices import Clock
from apps.workcalendar.clock import minutes_between
from tests.dispatch.support import accepted, at, city_per_module, install_clock, whistled

pytestmark = pytest.mark.django_db
city = city_per_module()


@pytest.fixture
def clock(monkeypatch):
    return install_clock(monkeypatch, at(2026, 11, 24, 9, 0))


def dispatched(city):
    case = accepted(city)
    order = case_dispatch(case=case, department=city.departments[1], actor=city.users["street"])
    return case, order


def effects(deadline) -> list[tuple[str, int]]:
    return list(DeadlineEffect.objects.filter(deadline=deadline).values_list("kind", "threshold"))


def notices(key: str) -> dict[str, str]:
    """Who holds a notification with this key, and of which kind."""
    return dict(Notification.objects.filter(key=key).values_list("recipient__username", "kind"))


def test_warnings_at_50_and_80_percent_fire_once_each_to_the_handler_and_the_supervisor(city, clock):
    case, order = dispatched(city)
    sign = order.deadlines.get(kind=DeadlineKind.ACCEPT)
    assert (sign.due_at, sign.next_fire_at) == (at(2026, 11, 24, 11, 0), at(2026, 11, 24, 10, 0))
    clock.set(at(2026, 11, 24, 9, 59))
    assert sweep() == 0
    clock.set(at(2026, 11, 24, 10, 0))
    assert sweep() == 1
    assert sweep() == 0
    assert effects(sign) == [(EffectKind.WARNING, 50)]
    assert notices(f"deadline:{sign.pk}:warning:50") == {
        "dept": NotificationKind.REMINDER,
        "street": NotificationKind.WARNING,
    }
    sign.refresh_from_db()
    assert (sign.warnings_fired, sign.next_fire_at) == (1, at(2026, 11, 24, 10, 36))
    clock.set(at(2026, 11, 24, 10, 36))
    assert sweep() == 1
    assert sweep() == 0
    assert effects(sign) == [(EffectKind.WARNING, 50), (EffectKind.WARNING, 80)]
    assert set(notices(f"deadline:{sign.pk}:warning:80")) == {"dept", "street"}
    warnings = CaseEvent.objects.filter(case=case, action=CaseAction.WARNING)
    assert [event.data["percent"] for event in warnings] == [50, 80]


def test_a_late_sweep_fires_each_passed_warning_once_and_past_the_due_time_only_the_breach(city, clock):
    _case, early = dispatched(city)
    clock.set(at(2026, 11, 24, 10, 40))
    sweep()
    early_sign = early.deadlines.get(kind=DeadlineKind.ACCEPT)
    assert effects(early_sign) == [(EffectKind.WARNING, 50), (EffectKind.WARNING, 80)]
    # Dispatched at 10:40: two working hours run to 14:10 (80 minutes before lunch, 40 after).
    _case, late = dispatched(city)
    late_sign = late.deadlines.get(kind=DeadlineKind.ACCEPT)
    assert late_sign.due_at == at(2026, 11, 24, 14, 10)
    # The sweeper is down until after that: no stale warning, only the breach.
    clock.set(at(2026, 11, 24, 14, 10))
    assert sweep() == 2
    assert effects(early_sign) == [
        (EffectKind.WARNING, 50),
        (EffectKind.WARNING, 80),
        (EffectKind.BREACH, 100),
    ]
    assert effects(late_sign) == [(EffectKind.BREACH, 100)]


def test_a_missed_signing_limit_is_recorded_and_told_but_an_ordinary_dispatch_does_not_escalate(city, clock):
    case, order = dispatched(city)
    sign = order.deadlines.get(kind=DeadlineKind.ACCEPT)
    clock.set(at(2026, 11, 24, 11, 0))
    sweep()
    sweep()
    sign.refresh_from_db()
    order.refresh_from_db()
    assert (sign.state, sign.breached_at, sign.next_fire_at) == (DeadlineState.BREACHED, sign.due_at, None)
    assert effects(sign) == [(EffectKind.BREACH, 100)]
    assert order.accept_breached_at == sign.due_at
    assert order.status == OrderStatus.PENDING
    assert notices(f"deadline:{sign.pk}:breach") == {
        "dept": NotificationKind.OVERDUE,
        "street": NotificationKind.OVERDUE,
    }
    assert not Escalation.objects.filter(order=order).exists()
    assert CaseEvent.objects.filter(case=case, action=CaseAction.OVERDUE).count() == 1
    # Signing late still counts, with the working minutes over the limit.
    clock.set(at(2026, 11, 24, 13, 45))
    order = order_accept(order=order, actor=city.users["dept"])
    sign.refresh_from_db()
    assert order.minutes_over == 60 + 15
    assert (sign.state, sign.met_at) == (DeadlineState.BREACHED, clock.now)


def test_a_street_whistle_escalates_to_the_district_command(city, clock):
    case, whistle = whistled(city, by="street")
    order = whistle.orders.get()
    clock.advance(minutes=30)
    sweep()
    escalation = Escalation.objects.get(order=order)
    assert (escalation.from_level, escalation.to_level) == (AreaLevel.STREET, AreaLevel.DISTRICT)
    higher = escalation.whistle
    assert (higher.level, higher.area, higher.escalated_from) == (AreaLevel.DISTRICT, city.district, whistle)
    new_order = higher.orders.get()
    assert (new_order.department, new_order.dispatching_area, new_order.status) == (
        city.departments[1],
        city.district,
        OrderStatus.PENDING,
    )
    assert set(new_order.deadlines.values_list("kind", "state")) == {
        (DeadlineKind.ACCEPT, DeadlineState.ACTIVE),
        (DeadlineKind.RESOLVE, DeadlineState.ACTIVE),
    }
    order.refresh_from_db()
    assert order.status == OrderStatus.ESCALATED
    assert set(order.deadlines.values_list("state", flat=True)) == {
        DeadlineState.BREACHED,
        DeadlineState.CANCELLED,
    }
    assert notices(f"escalation:{escalation.pk}") == {"district": NotificationKind.ESCALATION}
    event = CaseEvent.objects.get(case=case, action=CaseAction.ESCALATE)
    assert (event.data["new_order"], event.to_status) == (new_order.pk, CaseStatus.DISPATCHED)


def test_a_community_whistle_climbs_to_the_district_and_no_further(city, clock):
    _case, whistle = whistled(city, by="community")
    escalations = Escalation.objects.filter(whistle__case=whistle.case).order_by("id")
    for expected in ([AreaLevel.STREET], [AreaLevel.STREET, AreaLevel.DISTRICT]):
        clock.advance(minutes=30)
        sweep()
        assert list(escalations.values_list("to_level", flat=True)) == expected
    district_order = DispatchOrder.objects.get(whistle__case=whistle.case, whistle__level=AreaLevel.DISTRICT)
    clock.advance(minutes=30)
    sweep()
    district_order.refresh_from_db()
    assert district_order.accept_breached_at
    assert district_order.status == OrderStatus.PENDING
    assert Escalation.objects.filter(whistle__case=whistle.case).count() == 2


def test_a_district_whistle_breach_does_not_escalate(city, clock):
    _case, whistle = whistled(city, by="district")
    order = whistle.orders.get()
    clock.advance(minutes=31)
    sweep()
    order.refresh_from_db()
    assert order.accept_breached_at == order.deadlines.get(kind=DeadlineKind.ACCEPT).due_at
    assert order.status == OrderStatus.PENDING
    assert not Escalation.objects.exists()
    assert DeadlineEffect.objects.filter(deadline__order=order, kind=EffectKind.BREACH).count() == 1


def test_an_escalated_order_that_was_checked_in_keeps_its_check_in(city, clock):
    _case, whistle = whistled(city, by="community")
    order = order_accept(order=whistle.orders.get(), actor=city.users["dept"])
    clock.advance(hours=24)
    sweep()
    new_order = Escalation.objects.get(order=order).whistle.orders.get()
    assert (new_order.status, new_order.accepted_at, new_order.accepted_by) == (
        OrderStatus.ACCEPTED,
        order.accepted_at,
        city.users["dept"],
    )
    assert list(new_order.deadlines.values_list("kind", flat=True)) == [DeadlineKind.RESOLVE]


def test_suspending_pauses_the_clocks_and_resuming_moves_them_by_the_paused_working_time(city, clock):
    case, order = dispatched(city)
    before = {d.kind: d.due_at for d in order.deadlines.all()}
    clock.set(at(2026, 11, 24, 10, 0))
    case_suspend(case=case, actor=city.users["street"], reason="等待权属认定")
    paused = list(Deadline.objects.filter(case=case))
    assert {(d.state, d.next_fire_at) for d in paused} == {(DeadlineState.PAUSED, None)}
    clock.set(at(2026, 12, 1, 10, 0))
    assert sweep() == 0  # far past every due time, but nothing runs while the case is suspended
    clock.set(at(2026, 11, 25, 10, 0))
    case_resume(case=case, actor=city.users["street"])
    after = {d.kind: d for d in Deadline.objects.filter(case=case)}
    # Suspended from Tue 10:00 to Wed 10:00: one working day, 450 minutes, later on both clocks.
    assert after[DeadlineKind.ACCEPT].due_at == at(2026, 11, 25, 11, 0)
    for kind, due in before.items():
        assert after[kind].state == DeadlineState.ACTIVE
        assert minutes_between(start=due, end=after[kind].due_at, clock=Clock.WORKING) == 450
    assert after[DeadlineKind.ACCEPT].next_fire_at == at(2026, 11, 25, 10, 0)  # its 50% warning


def test_an_approved_extension_moves_the_next_warning_too(city, clock):
    _case, order = dispatched(city)
    order_accept(order=order, actor=city.users["dept"])
    resolve = order.deadlines.get(kind=DeadlineKind.RESOLVE)
    request = extension_request(order=order, actor=city.users["dept"], minutes=2250, reason="需要招标")
    extension_decide(request=request, actor=city.users["street"], approve=True)
    extended = order.deadlines.get(kind=DeadlineKind.RESOLVE)
    # Five working days become ten: the 50% warning now falls where the deadline used to be.
    assert extended.next_fire_at == resolve.due_at
    assert minutes_between(start=resolve.due_at, end=extended.due_at, clock=Clock.WORKING) == 2250


def test_the_sweep_stops_at_its_limit_and_the_next_one_takes_the_rest(city, clock):
    for _ in range(3):
        dispatched(city)
    clock.set(at(2026, 11, 24, 11, 0))
    assert sweep(batch=2, limit=2) == 2
    assert sweep(batch=2) == 1
    assert DeadlineEffect.objects.filter(kind=EffectKind.BREACH).count() == 3
    assert sweep() == 0
