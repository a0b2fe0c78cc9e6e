"""One month of facts for the evaluation tests, made through the real services and rolled up.

In the last complete month, in the first street of the test city (tests/builders.py):
- the street's department A handles three dispatched cases: A1 signed and resolved on time, rated
  satisfied, its response rated 4; A2 signed late, resolved on time, basically satisfied, response rated
  2; A3 signed on time, resolved late, dissatisfied (which reopens it);
- the district's department B handles one: on time twice, dissatisfied, response not rated;
- one more case is resolved within the grid;
- the city's grid worker (first grid) reported all five and patrolled once; a second grid worker, in the
  second grid of the same community, patrolled twice.

The figures that follow are computed by hand in test_evaluation.py.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.services import role_grant, user_create
from apps.cases.services import case_close, case_handle_in_grid, case_rate, case_resolve_in_grid, case_verify
from apps.dashboards.evaluation_report import last_complete_month
from apps.dashboards.rollup import rollup_refresh
from apps.dispatch.services import (
    case_dispatch,
    order_accept,
    order_rate_response,
    order_resolve,
    sla_policies_seed_defaults,
)
from apps.residents.defaults import seed_reference
from apps.residents.models import CareTag, RiskRule
from apps.visits.defaults import seed_plans
from apps.visits.models import VisitPlan
from apps.visits.services import visit_log
from apps.workcalendar.models import WorkDay
from apps.workcalendar.services import calendar_seed
from tests.builders import PASSWORD, build_city
from tests.dispatch.support import accepted

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class Scenario:
    city: object
    month: date
    department_a: object
    department_b: object
    worker_one: object
    worker_two: object


def _first_workday(month: date) -> date:
    day = month.replace(day=2)
    while not WorkDay.objects.filter(day=day, is_workday=True).exists() and day.day < 10:
        day += timedelta(days=1)
    return day


class _Clock:
    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def _dispatched(city, clock, *, department, handler, sign_late=False, resolve_late=False, rating="satisfied"):
    case = accepted(city)
    order = case_dispatch(case=case, department=department, actor=city.users["street"])
    # Signing is due within 2 working hours, resolving within 5 working days.
    clock.advance(hours=5 if sign_late else 0, minutes=10)
    order_accept(order=order, actor=handler)
    clock.advance(days=15 if resolve_late else 0, hours=1)
    order_resolve(order=order, actor=handler, account="已清理")
    case_verify(case=case, actor=city.users["community"], passed=True)
    case_close(case=case, actor=city.users["street"])
    case_rate(case=case, rating=rating)
    clock.advance(minutes=30)
    return order


def build_scenario(monkeypatch) -> Scenario:
    city = build_city()
    month = last_complete_month()
    start = _first_workday(month)
    clock = _Clock(datetime(start.year, start.month, start.day, 9, tzinfo=SHANGHAI))
    monkeypatch.setattr(timezone, "now", clock)
    street = city.users["street"]
    department_a, department_b = city.departments[1], city.departments[0]
    handler_a = city.users["dept"]
    handler_b = user_create(username="dept0", password=PASSWORD, full_name="区城管")
    role_grant(actor=None, user=handler_b, role=Role.DEPARTMENT_HANDLER, department=department_b)
    worker_two = user_create(username="gridworker2", password=PASSWORD, full_name="李网格")
    role_grant(actor=None, user=worker_two, role=Role.GRID_WORKER, area=city.grids[1])

    a1 = _dispatched(city, clock, department=department_a, handler=handler_a)
    a2 = _dispatched(
        city, clock, department=department_a, handler=handler_a, sign_late=True, rating="basically_satisfied"
    )
    _dispatched(city, clock, department=department_b, handler=handler_b, rating="dissatisfied")
    order_rate_response(order=a1, actor=street, rating=4)
    order_rate_response(order=a2, actor=street, rating=2)
    case = accepted(city)
    case_handle_in_grid(case=case, actor=street)
    case_resolve_in_grid(case=case, actor=city.users["gridworker"], account="现场处理")
    case_verify(case=case, actor=city.users["community"], passed=True)
    case_close(case=case, actor=street)
    for worker, grid, times in ((city.users["gridworker"], city.grids[0], 1), (worker_two, city.grids[1], 2)):
        for _n in range(times):
            visit_log(actor=worker, kind="patrol", visited_at=clock.now, area=grid)
            clock.advance(minutes=5)
    # Last: this one moves the clock on by more than two weeks.
    _dispatched(
        city, clock, department=department_a, handler=handler_a, resolve_late=True, rating="dissatisfied"
    )
    assert timezone.localdate(clock.now).month == month.month
    monkeypatch.undo()
    rollup_refresh()
    return Scenario(city, month, department_a, department_b, city.users["gridworker"], worker_two)


def _seed_reference() -> None:
    """What the suite's `_reference_data` fixture writes for each test, written here before the module's
    scenario needs it (a transactional test elsewhere may have flushed it)."""
    sla_policies_seed_defaults()
    if not WorkDay.objects.exists():
        calendar_seed()
    seed_reference(CareTag, RiskRule)
    seed_plans(VisitPlan, CareTag)


def scenario_per_module():
    """The scenario built once per test module, in a transaction rolled back at its end."""

    @pytest.fixture(scope="module")
    def scenario(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock(), transaction.atomic(), pytest.MonkeyPatch.context() as monkeypatch:
            _seed_reference()
            yield build_scenario(monkeypatch)
            transaction.set_rollback(True)

    return scenario
