"""Property tests of the case lifecycle: random sequences of actions, by the people entitled to take them,
never reach an illegal state and never lose a timeline entry.

Each example reports a fresh case (and a second one to merge into) and takes up to fifteen steps. A step
is an action the case allows now, most of the time, or any action at all, which must then be refused
without changing anything. Time moves a minute per step and further when the sweep is run.
"""

from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from apps.cases.choices import CaseAction, CaseStatus, Rating
from apps.cases.models import Case, CaseEvent
from apps.cases.services import (
    case_accept,
    case_close,
    case_handle_in_grid,
    case_leader_claim,
    case_merge,
    case_rate,
    case_reject,
    case_resolve_in_grid,
    case_resume,
    case_suspend,
    case_verify,
)
from apps.cases.states import allowed_now
from apps.dispatch import deadlines
from apps.dispatch.choices import ACTIVE_ORDER_STATUSES, DeadlineState, OrderKind, OrderStatus
from apps.dispatch.models import Deadline, DispatchOrder
from apps.dispatch.services import case_dispatch, order_accept, order_resolve, order_return, whistle_blow
from tests.dispatch.support import at, city_per_module, district_handler, install_clock, report

pytestmark = pytest.mark.django_db
city = city_per_module()

CLOSED_FOR_GOOD = {CaseStatus.REJECTED, CaseStatus.CLOSED, CaseStatus.MERGED}
# The case action each step needs the lifecycle table to allow; None: it depends on the orders.
STEPS = {
    "accept": CaseAction.ACCEPT,
    "reject": CaseAction.REJECT,
    "handle_in_grid": CaseAction.HANDLE_IN_GRID,
    "dispatch": CaseAction.DISPATCH,
    "whistle": CaseAction.WHISTLE,
    "sign": None,
    "resolve_order": None,
    "return_order": None,
    "resolve_in_grid": CaseAction.RESOLVE,
    "verify_pass": CaseAction.VERIFY,
    "verify_fail": CaseAction.SEND_BACK,
    "close": CaseAction.CLOSE,
    "rate": CaseAction.RATE,
    "suspend": CaseAction.SUSPEND,
    "resume": CaseAction.RESUME,
    "merge": CaseAction.MERGE,
    "leader_claim": CaseAction.LEADER_CLAIM,
    "sweep": None,
}


@dataclass(frozen=True)
class Snapshot:
    """Everything an action may change, read in a handful of queries."""

    status: str
    suspended_at: object
    events: tuple  # (id, created_at, to_status) in id order
    orders: tuple  # (id, status, department id)
    deadlines: tuple  # (id, order id, state, due_at, next_fire_at)
    other_events: tuple


def snapshot(case: Case, other: Case) -> Snapshot:
    status, suspended_at = Case.objects.filter(pk=case.pk).values_list("status", "suspended_at").get()
    return Snapshot(
        status=status,
        suspended_at=suspended_at,
        events=tuple(
            CaseEvent.objects.filter(case=case).order_by("id").values_list("id", "created_at", "to_status")
        ),
        orders=tuple(
            DispatchOrder.objects.filter(case=case).order_by("id").values_list("id", "status", "department")
        ),
        deadlines=tuple(
            Deadline.objects.filter(case=case)
            .order_by("id")
            .values_list("id", "order", "state", "due_at", "next_fire_at")
        ),
        other_events=tuple(CaseEvent.objects.filter(case=other).order_by("id").values_list("id", flat=True)),
    )


def check_invariants(state: Snapshot) -> None:
    assert state.status in CaseStatus.values
    # The timeline, in the order people read it, is the order it was written in, and it ends where the
    # case stands.
    ids = [event[0] for event in sorted(state.events, key=lambda event: (event[1], event[0]))]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert max(state.events, key=lambda event: (event[1], event[0]))[2] == state.status
    active_orders = {order for order, status, _department in state.orders if status in ACTIVE_ORDER_STATUSES}
    if state.status in CLOSED_FOR_GOOD:
        assert not active_orders
    # Departments are at work exactly while the case is dispatched.
    assert bool(active_orders) == (state.status == CaseStatus.DISPATCHED)
    for _id, order, deadline_state, _due, next_fire_at in state.deadlines:
        if deadline_state == DeadlineState.ACTIVE:
            assert order in active_orders
            assert next_fire_at is not None
            assert not state.suspended_at
        if deadline_state == DeadlineState.PAUSED:
            assert state.suspended_at
            assert order in active_orders


def plausible(step: str, state: Snapshot) -> bool:
    """Whether the case as it stands allows the step (who may take it is settled by the actors)."""
    case = SimpleNamespace(status=state.status, suspended_at=state.suspended_at)
    statuses = {status for _id, status, _department in state.orders}
    if step == "sign":
        return OrderStatus.PENDING in statuses and not state.suspended_at
    if step == "resolve_order":
        return OrderStatus.ACCEPTED in statuses and not state.suspended_at
    if step == "return_order":
        return bool(statuses & set(ACTIVE_ORDER_STATUSES))
    if step == "resolve_in_grid":
        return state.status == CaseStatus.HANDLING and not state.suspended_at
    if step == "sweep":
        return True
    return STEPS[step] in allowed_now(case)


# Steps that end a case: taken now and then, so that most examples walk on through the lifecycle.
ENDINGS = {"reject", "merge"}


def choices(state: Snapshot, dice: int) -> list[str]:
    """What to draw the next step from: usually a step that moves the case on, sometimes an ending or
    the sweep, and now and then anything at all (mostly to be refused)."""
    allowed = [step for step in STEPS if plausible(step, state)]
    onward = [step for step in allowed if step not in ENDINGS and step != "sweep"]
    endings = [step for step in allowed if step in ENDINGS]
    if dice <= 5 and onward:
        return onward
    if dice == 6 and endings:
        return endings
    if dice == 7:
        return ["sweep"]
    return list(STEPS)


class Run:
    """Takes the steps of one example on `case`, each as the person entitled to it. A step returns how
    many timeline entries it must add to the case (None: any number, for the sweep; 0 when there was
    nothing to act on), or raises when it is refused."""

    def __init__(self, *, city, handlers, clock, data, case, other):
        self.handlers, self.clock, self.data = handlers, clock, data
        self.case, self.other = case, other
        self.users, self.departments = city.users, city.departments[:2]

    def take(self, step: str, state: Snapshot) -> int | None:
        return getattr(self, step)(state)

    def draw(self, strategy, label):
        return self.data.draw(strategy, label=label)

    def order(self, state: Snapshot, wanted) -> DispatchOrder | None:
        """One of the case's orders, preferably in a wanted status; None when it has none."""
        fitting = [order for order, status, _d in state.orders if status in wanted]
        fitting = fitting or [order for order, _status, _d in state.orders]
        if not fitting:
            return None
        return DispatchOrder.objects.get(pk=self.draw(st.sampled_from(fitting), "order"))

    def accept(self, _state):
        case_accept(case=self.case, actor=self.users["street"])
        return 1

    def reject(self, _state):
        case_reject(case=self.case, actor=self.users["community"], reason="不属于受理范围")
        return 1

    def handle_in_grid(self, _state):
        case_handle_in_grid(case=self.case, actor=self.users["community"])
        return 1

    def dispatch(self, _state):
        department = self.draw(st.sampled_from(self.departments), "department")
        case_dispatch(case=self.case, department=department, actor=self.users["street"])
        return 1

    def whistle(self, _state):
        kind = self.draw(st.sampled_from([OrderKind.EMERGENCY, OrderKind.QUICK, OrderKind.JOINT]), "kind")
        if kind == OrderKind.JOINT:
            called = self.departments
        else:
            called = [self.draw(st.sampled_from(self.departments), "department")]
        by = self.draw(st.sampled_from(["community", "street", "district"]), "level")
        whistle_blow(
            case=self.case, kind=kind, departments=called, actor=self.users[by], reason="需要部门到场"
        )
        return 1

    def sign(self, state):
        order = self.order(state, {OrderStatus.PENDING})
        if order is None:
            return 0
        order_accept(order=order, actor=self.handlers[order.department_id])
        return 1

    def resolve_order(self, state):
        order = self.order(state, {OrderStatus.ACCEPTED})
        if order is None:
            return 0
        order_resolve(order=order, actor=self.handlers[order.department_id], account="已处理完毕")
        return 1

    def return_order(self, state):
        order = self.order(state, ACTIVE_ORDER_STATUSES)
        if order is None:
            return 0
        handler = self.handlers[order.department_id]
        order_return(order=order, actor=handler, grounds="不属于本部门职责", suggested_owner="物业公司")
        return 1

    def resolve_in_grid(self, _state):
        case_resolve_in_grid(case=self.case, actor=self.users["gridworker"], account="网格员已处理")
        return 1

    def verify_pass(self, _state):
        case_verify(case=self.case, actor=self.users["gridworker"], passed=True)
        return 1

    def verify_fail(self, _state):
        case_verify(case=self.case, actor=self.users["gridworker"], passed=False, note="仍未解决")
        return 1

    def close(self, _state):
        case_close(case=self.case, actor=self.users["street"])
        return 1

    def rate(self, _state):
        rating = self.draw(st.sampled_from(Rating.values), "rating")
        case_rate(case=self.case, rating=rating, comment="回访")
        return 2 if rating == Rating.DISSATISFIED else 1  # dissatisfied reopens too

    def suspend(self, _state):
        case_suspend(case=self.case, actor=self.users["street"], reason="等待第三方")
        return 1

    def resume(self, _state):
        case_resume(case=self.case, actor=self.users["street"])
        return 1

    def merge(self, _state):
        case_merge(case=self.case, into=self.other, actor=self.users["street"])
        return 1

    def leader_claim(self, _state):
        case_leader_claim(case=self.case, actor=self.users["district"])
        return 1

    def sweep(self, _state):
        self.clock.advance(hours=self.draw(st.sampled_from([1, 4, 30, 80, 300]), "hours"))
        deadlines.sweep()


@pytest.fixture
def clock(monkeypatch):
    return install_clock(monkeypatch, at(2026, 3, 2, 9, 0))


@pytest.fixture
def handlers(city):
    return {city.departments[1].pk: city.users["dept"], city.departments[0].pk: district_handler(city)}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_no_sequence_of_actions_reaches_an_illegal_state_or_loses_a_timeline_entry(
    city, handlers, clock, data
):
    case, other = report(city), report(city, title="同一处堆物")
    run = Run(city=city, handlers=handlers, clock=clock, data=data, case=case, other=other)
    state = snapshot(case, other)
    check_invariants(state)
    for _ in range(data.draw(st.integers(min_value=1, max_value=15), label="steps")):
        clock.advance(minutes=1)
        step = data.draw(
            st.sampled_from(choices(state, data.draw(st.integers(0, 9), label="kind"))), label="step"
        )
        try:
            added = run.take(step, state)
        except ValidationError:  # ConflictError included: refused, and nothing changed
            assert snapshot(case, other) == state, step
            event(f"refused: {step}")
            continue
        after = snapshot(case, other)
        # Nothing lost: the earlier entries are all still there, in the same order, and the new ones
        # come after them.
        assert after.events[: len(state.events)] == state.events, step
        if added is not None:
            assert len(after.events) - len(state.events) == added, step
        merged_in = 1 if step == "merge" else 0
        assert after.other_events[: len(state.other_events)] == state.other_events
        assert len(after.other_events) - len(state.other_events) == merged_in, step
        check_invariants(after)
        event(f"taken: {step}")
        event(f"reached: {after.status}{' (suspended)' if after.suspended_at else ''}")
        state = after
