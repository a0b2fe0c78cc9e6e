"""Reliability of cases and the deadline engine on real PostgreSQL and Redis (DESIGN.md decision 5):
two staff acting at once, two sweepers at once, people acting on a case as the sweep fires on it, a
broker that goes away, a worker killed mid-sweep.

Every test commits (other connections and processes must see the rows). A transactional test empties
the database when it ends, so the rows the data migrations wrote (the calendar, the SLA policies) are
written again before each one.
"""

import copy
import importlib
import threading
import time
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.db import connection, transaction
from django.utils import timezone

from apps.areas.choices import AreaLevel
from apps.cases.choices import CaseAction, CaseStatus
from apps.cases.models import Case, CaseEvent, new_token
from apps.cases.services import case_accept, case_suspend
from apps.cases.states import ConflictError
from apps.dispatch.choices import DeadlineKind, DeadlineState, EffectKind
from apps.dispatch.deadlines import schedule, sweep
from apps.dispatch.models import Deadline, DeadlineEffect, DispatchOrder, Escalation
from apps.dispatch.services import case_dispatch, order_accept
from apps.notifications.choices import NotificationKind
from apps.notifications.models import Notification
from apps.workcalendar.services import calendar_seed
from config.celery import app
from tests.dispatch.support import RedisServer, Worker, accepted, at, report, wait_until, whistled

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
SWEEP = "apps.dispatch.tasks.sweep_deadlines"


@pytest.fixture(autouse=True)
def _migrated_rows(transactional_db):
    # Much faster than serialized_rollback, which restores every row one insert at a time.
    calendar_seed()
    importlib.import_module("apps.dispatch.migrations.0002_default_policies").add_defaults(django_apps, None)


def race(*actions) -> list:
    """Run the actions in threads released at the same moment, each on its own database connection;
    returns what each returned or raised."""
    barrier = threading.Barrier(len(actions))
    outcomes: list = [None] * len(actions)

    def run(index, action):
        barrier.wait()
        try:
            outcomes[index] = action()
        except Exception as error:  # noqa: BLE001 - the test looks at what each thread got
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=[index, action]) for index, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def assert_escalated_once(orders) -> None:
    """Each order missed its check-in once, escalated once, told the street once and has one successor."""
    for order in orders:
        escalation = Escalation.objects.get(order=order)
        assert escalation.to_level == AreaLevel.STREET
        breaches = DeadlineEffect.objects.filter(deadline__order=order, kind=EffectKind.BREACH)
        assert list(breaches.values_list("deadline__kind", flat=True)) == [DeadlineKind.ACCEPT]
        assert Notification.objects.filter(key=f"escalation:{escalation.pk}").count() == 1
        assert DispatchOrder.objects.filter(case=order.case_id, whistle__level=AreaLevel.STREET).count() == 1
        assert CaseEvent.objects.filter(case=order.case_id, action=CaseAction.ESCALATE).count() == 1


def test_two_staff_accepting_one_case_at_once_one_wins_the_other_is_told(city):
    case = report(city)
    outcomes = race(
        lambda: case_accept(case=case, actor=city.users["street"]),
        lambda: case_accept(case=case, actor=city.users["community"]),
    )
    winners = [outcome for outcome in outcomes if isinstance(outcome, Case)]
    losers = [outcome for outcome in outcomes if isinstance(outcome, ConflictError)]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    assert losers[0].code == "conflict"
    assert "“已受理" in losers[0].messages[0]  # the status it found, in the default language
    accepts = CaseEvent.objects.filter(case=case, action=CaseAction.ACCEPT)
    assert accepts.count() == 1
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACCEPTED


def test_two_sweepers_at_once_fire_each_escalation_exactly_once(city):
    orders = [whistled(city, by="community")[1].orders.get() for _ in range(10)]
    later = timezone.now() + timedelta(minutes=31)
    # Small batches, so that the two sweepers take turns claiming rows.
    handled = race(lambda: sweep(now=later, batch=2), lambda: sweep(now=later, batch=2))
    assert all(isinstance(count, int) for count in handled), handled
    assert sum(handled) == len(orders)
    assert_escalated_once(orders)
    assert Escalation.objects.count() == len(orders)


def test_two_sweepers_long_after_both_limits_fire_each_effect_once(city):
    """Both limits of every order are past (the sweepers were down for a day). Whichever of its deadlines
    a sweeper takes first escalates the order, once, and cancels the other; a deadline is breached once
    or cancelled, never both, and neither sweeper deadlocks with the other."""
    orders = [whistled(city, by="community")[1].orders.get() for _ in range(6)]
    later = timezone.now() + timedelta(hours=25)
    handled = race(lambda: sweep(now=later, batch=1), lambda: sweep(now=later, batch=1))
    assert all(isinstance(count, int) for count in handled), handled
    for order in orders:
        assert Escalation.objects.filter(order=order).count() == 1
        assert DispatchOrder.objects.filter(case=order.case_id, whistle__level=AreaLevel.STREET).count() == 1
        for deadline in order.deadlines.all():
            breaches = DeadlineEffect.objects.filter(deadline=deadline, kind=EffectKind.BREACH).count()
            assert (deadline.state, breaches) in {(DeadlineState.BREACHED, 1), (DeadlineState.CANCELLED, 0)}


def test_departments_checking_in_as_the_sweep_fires_either_make_it_or_are_escalated(city):
    """A check-in and the sweep meet on the same orders at the due moment: neither deadlocks, and each
    order is either checked in (its limit met) or escalated (and the late check-in refused), never both."""
    orders = [whistled(city, by="community")[1].orders.get() for _ in range(8)]
    later = timezone.now() + timedelta(minutes=30)

    def check_in_all():
        outcomes = {}
        for order in orders:
            try:
                outcomes[order.pk] = order_accept(order=order, actor=city.users["dept"]).status
            except ConflictError:
                outcomes[order.pk] = "refused"
        return outcomes

    checked_in, handled = race(check_in_all, lambda: sweep(now=later, batch=1))
    assert isinstance(checked_in, dict), checked_in
    assert isinstance(handled, int), handled
    for order in orders:
        escalated = Escalation.objects.filter(order=order).exists()
        sign = order.deadlines.get(kind=DeadlineKind.ACCEPT)
        if checked_in[order.pk] == "refused":
            assert escalated
            assert sign.state == DeadlineState.BREACHED
        else:
            assert not escalated
            assert sign.state == DeadlineState.MET
    assert sweep(now=later) == 0


def test_a_case_suspended_as_the_sweep_escalates_it_keeps_no_clock_running(city):
    """The sweep escalates a whistle (opening the next level's deadlines) while staff suspend the case:
    whichever goes first, once both are done every deadline of the suspended case is paused."""
    cases = [whistled(city, by="community")[0] for _ in range(6)]
    later = timezone.now() + timedelta(minutes=30)

    def suspend_all():
        for case in cases:
            case_suspend(case=case, actor=city.users["street"], reason="等待鉴定结果")
        return len(cases)

    outcomes = race(lambda: sweep(now=later, batch=1), suspend_all)
    assert all(isinstance(outcome, int) for outcome in outcomes), outcomes
    running = Deadline.objects.filter(case__in=cases, state=DeadlineState.ACTIVE)
    assert not running.exists(), list(running.values_list("case", "order__whistle__level"))


def _fall_due(orders, *, at_moment) -> None:
    """Move the check-in clocks of these orders so that they run out at `at_moment`."""
    with transaction.atomic():
        for deadline in Deadline.objects.select_for_update().filter(
            order__in=orders, kind=DeadlineKind.ACCEPT
        ):
            deadline.started_at = deadline.counted_from = at_moment - timedelta(minutes=deadline.minutes)
            schedule(deadline)
            deadline.save()


@pytest.mark.redis
@pytest.mark.timeout(180)
def test_redis_stopped_while_deadlines_pass_every_escalation_fires_once_on_restart(city, tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    worker = Worker(tmp_path, server.url, queues="deadlines,notifications", beat=True)
    try:
        worker.start()
        # Connected, and beat's sweeps come and go.
        assert wait_until(lambda: worker.ran(SWEEP), timeout=60), worker.log.read_text()
        orders = [whistled(city, by="community")[1].orders.get() for _ in range(5)]
        due = timezone.now() + timedelta(seconds=3)
        _fall_due(orders, at_moment=due)
        server.stop()
        time.sleep(max(0.0, (due - timezone.now()).total_seconds()) + 4)
        # Two sweep periods past due, and nothing could be swept: the broker is gone.
        assert not Escalation.objects.exists()
        server.start()
        assert wait_until(lambda: Escalation.objects.count() >= len(orders), timeout=90), (
            worker.log.read_text()
        )
        time.sleep(3)  # more sweeps, which must find nothing left to do
    finally:
        worker.stop()
        server.stop()
    assert_escalated_once(orders)
    assert Escalation.objects.count() == len(orders)


def _due_dispatches(city, count: int) -> list[int]:
    """`count` dispatched cases whose signing limit ran out last Friday: one through the services, the
    rest copied from it row by row with bulk inserts (cases, orders, both deadlines), as the services
    would have written them. Returns the ids of the due deadlines."""
    case = accepted(city)
    order = case_dispatch(case=case, department=city.departments[1], actor=city.users["street"])
    sign = order.deadlines.get(kind=DeadlineKind.ACCEPT)
    resolve = order.deadlines.get(kind=DeadlineKind.RESOLVE)
    sign.started_at = sign.counted_from = at(2026, 11, 20, 9, 0)
    schedule(sign)
    sign.save()
    assert sign.due_at < timezone.now()
    cases = []
    for number in range(count - 1):
        row = copy.copy(case)
        row.pk, row.serial = None, f"{case.serial[:8]}9{number:06d}"
        row.follow_token, row.rating_token = new_token(), new_token()
        cases.append(row)
    cases = Case.objects.bulk_create(cases, batch_size=1000)
    orders = []
    for row in cases:
        copied = copy.copy(order)
        copied.pk, copied.case_id = None, row.pk
        orders.append(copied)
    orders = DispatchOrder.objects.bulk_create(orders, batch_size=1000)
    deadlines = []
    for copied in orders:
        for template in (sign, resolve):
            deadline = copy.copy(template)
            deadline.pk, deadline.order_id, deadline.case_id = None, copied.pk, copied.case_id
            deadlines.append(deadline)
    Deadline.objects.bulk_create(deadlines, batch_size=2000)
    return list(
        Deadline.objects.filter(kind=DeadlineKind.ACCEPT, due_at__lte=timezone.now()).values_list(
            "pk", flat=True
        )
    )


def _send_sweep(broker: str) -> None:
    """Queue one sweep, as beat does every 30 seconds."""
    with app.connection_for_write(broker) as broker_connection:
        app.send_task(SWEEP, queue="deadlines", connection=broker_connection)


@pytest.mark.redis
@pytest.mark.timeout(240)
def test_a_worker_killed_in_the_middle_of_a_sweep_loses_nothing_and_doubles_nothing(city, tmp_path):
    due = _due_dispatches(city, 2000)
    assert len(due) == 2000
    server = RedisServer(tmp_path)
    server.start()
    first = Worker(tmp_path, server.url, queues="deadlines")
    # The next worker comes with beat: its sweeps take up whatever the killed one left.
    second = Worker(tmp_path, server.url, queues="deadlines", beat=True)
    try:
        first.start()
        _send_sweep(server.url)
        # Killed as soon as its first batch has committed, while it works on the next.
        assert wait_until(DeadlineEffect.objects.exists, timeout=90, interval=0.02), first.log.read_text()
        first.kill()
        breached_then = DeadlineEffect.objects.count()
        assert 0 < breached_then < len(due)
        # What the killed worker did, it did whole: each breach with its state, its timeline entry.
        assert Deadline.objects.filter(state=DeadlineState.BREACHED).count() == breached_then
        assert CaseEvent.objects.filter(action=CaseAction.OVERDUE).count() == breached_then
        second.start()
        assert wait_until(
            lambda: (
                not Deadline.objects.filter(
                    state=DeadlineState.ACTIVE, next_fire_at__lte=timezone.now()
                ).exists()
            ),
            timeout=120,
        ), second.log.read_text()
    finally:
        first.kill()
        second.stop()
        server.stop()
    effects = DeadlineEffect.objects.filter(kind=EffectKind.BREACH)
    assert sorted(effects.values_list("deadline_id", flat=True)) == sorted(due)
    assert CaseEvent.objects.filter(action=CaseAction.OVERDUE).count() == len(due)
    assert set(Deadline.objects.filter(pk__in=due).values_list("state", flat=True)) == {
        DeadlineState.BREACHED
    }
    assert not DispatchOrder.objects.filter(accept_breached_at__isnull=True).exists()
    # Told too, one notice each or a digest per batch: the department's handler and the street's staff.
    told = Notification.objects.filter(kind=NotificationKind.OVERDUE).values_list(
        "recipient__username", flat=True
    )
    assert set(told) == {"dept", "street"}
