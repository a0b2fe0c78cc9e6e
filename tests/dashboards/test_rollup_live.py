"""The rollups against live counts over random data (issue 6, part 1).

A few hundred cases go through the real services under a simulated clock spread over ten days: reports,
acceptances, handling and resolving within the grid, dispatches, whistles of each kind at each level,
sign-fors and check-ins (some late), the deadline sweep (limits missed, whistles escalated), returns,
verifications passed and failed, closes, ratings (dissatisfied ones reopen), response ratings, visits
(some logged late) and households. The beat's frequent refresh runs each evening. Then every rollup row
of every day, area and category is compared with the same figure counted straight from the source tables
(tests/dashboards/support.py).

The data is random from a seed, fixed by default and printed at the start; GRIDGOV_TEST_SEED=<seed> replays a
run, GRIDGOV_TEST_SEED=random draws a new one.
"""

import os
import random
from collections import Counter
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.services import role_grant, user_create
from apps.cases.choices import Channel, Rating
from apps.cases.models import Case, CaseEvent
from apps.cases.services import (
    case_accept,
    case_close,
    case_handle_in_grid,
    case_rate,
    case_reject,
    case_report,
    case_resolve_in_grid,
    case_verify,
)
from apps.dashboards.models import CaseDay, DepartmentDay, RollupState, VisitDay, WorkerDay
from apps.dashboards.rollup import STATE, rollup_day, rollup_refresh
from apps.dispatch.choices import ACTIVE_ORDER_STATUSES, WHISTLE_KINDS, OrderKind, OrderStatus
from apps.dispatch.deadlines import sweep
from apps.dispatch.models import DispatchOrder
from apps.dispatch.services import (
    case_dispatch,
    order_accept,
    order_rate_response,
    order_resolve,
    order_return,
    sla_policies_seed_defaults,
    whistle_blow,
)
from apps.residents.defaults import seed_reference
from apps.residents.models import CareTag, RiskRule
from apps.visits.choices import VisitKind
from apps.visits.defaults import seed_plans
from apps.visits.models import Visit, VisitPlan
from apps.visits.services import visit_log
from apps.workcalendar.models import WorkDay
from apps.workcalendar.services import calendar_seed
from tests.builders import PASSWORD, build_city, household_in
from tests.dashboards.support import (
    CASE_COLUMNS,
    DEPARTMENT_COLUMNS,
    check_placement,
    differences,
    full_rows,
    households_now,
    live_counts,
    rollup_rows,
)
from tests.dispatch.support import at, install_clock

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

# A fixed seed by default, so that the suite is repeatable (the guard below needs every figure produced,
# which a rare figure can miss on an unlucky seed); GRIDGOV_TEST_SEED=<n> replays or explores another,
# GRIDGOV_TEST_SEED=random draws one.
_SEED = os.environ.get("GRIDGOV_TEST_SEED") or "2024"
SEED = random.SystemRandom().randrange(1_000_000) if _SEED == "random" else int(_SEED)
START = at(2026, 3, 2, 7, 30)  # a Monday
DAYS = 10


class Simulation:
    """The district's ten days, driven through the services with random choices."""

    def __init__(self, city, clock, rng: random.Random):
        self.city, self.clock, self.rng = city, clock, rng
        self.stats: Counter = Counter()
        self.snapshots: dict = {}
        self.open: list[int] = []
        self.root = user_create(username="root", password=PASSWORD, full_name="root", is_superuser=True)
        self.street_of = {street.pk: index for index, street in enumerate(city.streets)}
        self.grid_workers = self._people(city.grids, Role.GRID_WORKER, city.users["gridworker"])
        self.community_workers = self._people(
            city.communities, Role.COMMUNITY_WORKER, city.users["community"]
        )
        self.street_staff = self._people(city.streets, Role.STREET_STAFF, city.users["street"])
        self.handlers = {}
        for department in city.departments:
            user = user_create(username=f"h{department.pk}", password=PASSWORD, full_name="handler")
            role_grant(actor=None, user=user, role=Role.DEPARTMENT_HANDLER, department=department)
            self.handlers[department.pk] = user
        self.buildings = {
            grid.pk: [b for b in city.buildings if b.parent_id == grid.pk] for grid in city.grids
        }
        # The strictest plan, so that households fall due within the ten days.
        VisitPlan.objects.create(name="每三天走访", interval_days=3)
        self.households = {
            grid.pk: [
                household_in(building, room=f"{room}01")
                for building in self.buildings[grid.pk]
                for room in (1, 2)
            ]
            for grid in city.grids
        }

    def _people(self, areas, role, first) -> dict:
        people = {areas[0].pk: first}
        for area in areas[1:]:
            user = user_create(username=f"{role}-{area.pk}", password=PASSWORD, full_name=role)
            role_grant(actor=None, user=user, role=role, area=area, is_full_time=True)
            people[area.pk] = user
        return people

    def run(self) -> None:
        end = START + timedelta(days=DAYS)
        evening = START.replace(hour=22, minute=30)
        while self.clock.now < end:
            self.clock.advance(minutes=self.rng.randint(15, 85))
            if self.clock.now >= evening:
                # The frequent beat entry, once a day: it keeps the households' stock of the day.
                self.refresh(window_days=1)
                evening += timedelta(days=1)
            if self.rng.random() < 0.75:
                self.act("report", self.report)
            if self.rng.random() < 0.35:
                self.act("visit", self.visit)
            for case_id in self.rng.sample(self.open, min(3, len(self.open))):
                self.act("step", lambda case_id=case_id: self.step(case_id))
            if self.rng.random() < 0.15:
                self.act("rate_response", self.rate_response)
            if self.rng.random() < 0.35:
                self.stats["swept"] += sweep(now=self.clock.now)

    def refresh(self, **options):
        state = rollup_refresh(**options)
        today = timezone.localdate()
        self.snapshots[today] = households_now(today)
        return state

    def act(self, name: str, action) -> None:
        try:
            action()
        except ValidationError:
            self.stats[f"refused {name}"] += 1

    def departments(self, case: Case) -> list:
        return [self.city.departments[0], self.city.departments[1 + self.street_of[case.street_id]]]

    def report(self) -> None:
        grid = self.rng.choice(self.city.grids)
        who = self.rng.random()
        actor, channel = (
            (self.grid_workers[grid.pk], Channel.GRID_WORKER)
            if who < 0.6
            else (self.root, Channel.HOTLINE)
            if who < 0.85
            else (None, Channel.RESIDENT)
        )
        case, _created = case_report(
            actor=actor,
            channel=channel,
            category=self.rng.choice(self.city.categories),
            area=self.rng.choice([grid, *self.buildings[grid.pk]]),
            title="楼道堆物",
            description="楼道里堆满杂物，影响通行",
        )
        self.open.append(case.pk)

    def visit(self) -> None:
        grid = self.rng.choice(self.city.grids)
        late = self.rng.random() < 0.3
        ago = timedelta(hours=self.rng.randint(1, 72)) if late else timedelta(minutes=self.rng.randint(0, 30))
        household = self.rng.choice(self.households[grid.pk]) if self.rng.random() < 0.6 else None
        problem = None
        if self.rng.random() < 0.1:
            problem = {
                "category": self.rng.choice(self.city.categories),
                "title": "走访发现",
                "description": "漏水",
            }
        visit, _created = visit_log(
            actor=self.grid_workers[grid.pk],
            kind=VisitKind.HOUSEHOLD if household else VisitKind.PATROL,
            visited_at=max(self.clock.now - ago, START),
            household=household,
            area=None if household else grid,
            problem=problem,
        )
        if visit.case_id:
            self.open.append(visit.case_id)

    def whistle(self, case: Case) -> None:
        kind = self.rng.choice(WHISTLE_KINDS)
        level = self.rng.random()
        actor = (
            self.community_workers[case.community_id]
            if level < 0.5
            else self.street_staff[case.street_id]
            if level < 0.85
            else self.city.users["district"]
        )
        departments = self.departments(case)
        whistle_blow(
            case=case,
            kind=kind,
            departments=departments if kind == OrderKind.JOINT else [self.rng.choice(departments)],
            actor=actor,
            reason="需要部门到场",
        )

    def step(self, case_id: int) -> None:
        """One move of a case, whatever its status allows."""
        case = Case.objects.get(pk=case_id)
        move = getattr(self, f"on_{case.status}", None)
        if move:
            move(case, self.rng.random())

    def on_reported(self, case: Case, chance: float) -> None:
        if chance < 0.05:
            case_reject(case=case, actor=self.root, reason="重复上报")
            self.open.remove(case.pk)
        elif chance < 0.8:
            case_accept(case=case, actor=self.root)

    def on_accepted(self, case: Case, chance: float) -> None:
        if chance < 0.35:
            case_handle_in_grid(case=case, actor=self.root)
        elif chance < 0.7:
            case_dispatch(case=case, department=self.rng.choice(self.departments(case)), actor=self.root)
        else:
            self.whistle(case)

    def on_handling(self, case: Case, chance: float) -> None:
        if chance < 0.1:
            self.whistle(case)
        elif chance < 0.7:
            case_resolve_in_grid(case=case, actor=self.grid_workers[case.grid_id], account="已清理")

    def on_resolved(self, case: Case, chance: float) -> None:
        worker = self.grid_workers[case.grid_id]
        if chance < 0.2:
            case_verify(case=case, actor=worker, passed=False, note="仍有杂物")
        elif chance < 0.8:
            case_verify(case=case, actor=worker, passed=True)

    def on_verified(self, case: Case, chance: float) -> None:
        if chance < 0.8:
            case_close(case=case, actor=self.root)

    def on_closed(self, case: Case, chance: float) -> None:
        if case.rated_at:
            self.open.remove(case.pk)
        elif chance < 0.7:
            rating = self.rng.choices(Rating.values, weights=[2, 1, 1])[0]
            case_rate(case=case, rating=rating, comment="回访")

    def on_dispatched(self, case: Case, chance: float) -> None:
        orders = list(DispatchOrder.objects.filter(case=case, status__in=ACTIVE_ORDER_STATUSES))
        if not orders:
            return
        order = self.rng.choice(orders)
        handler = self.handlers[order.department_id]
        if order.status == OrderStatus.PENDING:
            if chance < 0.1:
                order_return(order=order, actor=handler, grounds="不属于本部门", suggested_owner="物业公司")
            elif chance < 0.7:
                order_accept(order=order, actor=handler)
        elif chance < 0.5:
            order_resolve(order=order, actor=handler, account="已处置")

    def rate_response(self) -> None:
        finished = DispatchOrder.objects.filter(
            status__in=[OrderStatus.RESOLVED, OrderStatus.RETURNED, OrderStatus.ESCALATED],
            response_rating__isnull=True,
        ).order_by("pk")
        order = finished[self.rng.randrange(finished.count())] if finished.exists() else None
        if order is not None:
            order_rate_response(order=order, actor=self.root, rating=self.rng.randint(1, 4))


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The ten simulated days and a full refresh at the end, built once for the module in a transaction
    rolled back at its end; each test runs in a savepoint inside it."""
    print(f"GRIDGOV_TEST_SEED={SEED}")  # noqa: T201 - the seed to replay a failure with
    with django_db_blocker.unblock(), transaction.atomic(), pytest.MonkeyPatch.context() as patch:
        sla_policies_seed_defaults()
        if not WorkDay.objects.exists():
            calendar_seed()
        seed_reference(CareTag, RiskRule)
        seed_plans(VisitPlan, CareTag)
        clock = install_clock(patch, START)
        simulation = Simulation(build_city(), clock, random.Random(SEED))  # noqa: S311 - test data, replayed from the seed
        simulation.run()
        simulation.refresh()
        simulation.end = clock.now
        yield simulation
        transaction.set_rollback(True)


@pytest.fixture
def clock(world):
    """The world's clock, put back where the simulation left it after each test."""
    moment = world.clock.now
    yield world.clock
    world.clock.set(moment)


def compare(world, days=None, snapshots=None) -> None:
    expected = live_counts(world.snapshots if snapshots is None else snapshots).result(days)
    found = rollup_rows(days)
    assert found == expected, (f"GRIDGOV_TEST_SEED={SEED}", world.stats, differences(expected, found))


def test_the_simulation_exercised_every_figure(world):
    """Without this the comparison below could pass over figures the random days never produced."""
    district = world.city.district.pk
    cases = Counter()
    for row in CaseDay.objects.filter(area_id=district).values(*CASE_COLUMNS):
        cases.update(row)
    departments = Counter()
    for row in DepartmentDay.objects.filter(area_id=district).values(*DEPARTMENT_COLUMNS):
        departments.update(row)
    assert all(cases[column] for column in CASE_COLUMNS), (SEED, cases)
    assert all(departments[column] for column in DEPARTMENT_COLUMNS), (SEED, departments)
    assert cases["checked_in_on_time"] < cases["checked_in"], (SEED, cases)
    assert cases["orders_resolved_on_time"] < cases["orders_resolved"], (SEED, cases)
    assert Case.objects.count() >= 200, (SEED, world.stats)
    assert Visit.objects.filter(visited_at__date__lt=timezone.localtime(world.end).date()).count() > 0
    assert VisitDay.objects.filter(households_overdue__gt=0).exists()
    assert WorkerDay.objects.filter(cases_reported__gt=0).exists()
    assert WorkerDay.objects.filter(visits__gt=0).exists()
    # A few refusals are the random walk bumping into the rules; more would mean it went astray.
    refused = sum(count for name, count in world.stats.items() if name.startswith("refused"))
    assert refused < 50, (SEED, world.stats)


def test_every_rollup_row_equals_the_live_count(world):
    compare(world)
    check_placement()
    days = {timezone.localtime(e).date() for e in CaseEvent.objects.values_list("created_at", flat=True)}
    assert len(days) >= DAYS, days


def test_a_second_refresh_or_one_day_recomputed_changes_nothing(world):
    before = full_rows()
    rollup_refresh()
    assert full_rows() == before
    first = START.date()
    for day in (first, first + timedelta(days=4), timezone.localdate()):
        rollup_day(day)
        assert full_rows() == before, day


def test_late_facts_count_within_the_window_and_older_days_stay(world, clock):
    """Two days later: a visit logged ten days after it was made, and a case moved to another category.
    A refresh with a ten-day window recounts the days within it; the days before it stay as counted."""
    clock.advance(days=2)
    today = timezone.localdate()
    first = today - timedelta(days=10)
    before = rollup_rows()
    moved = next(
        case
        for case in Case.objects.filter(created_at__date__lt=first).order_by("pk")
        if case.events.filter(created_at__date__gte=first).exists()
    )
    other = next(c for c in world.city.categories if c.pk != moved.category_id)
    Case.objects.filter(pk=moved.pk).update(category=other)
    grid = world.city.grids[3]
    visit, _created = visit_log(
        actor=world.grid_workers[grid.pk],
        kind=VisitKind.PATROL,
        visited_at=clock.now - timedelta(days=10),
        area=grid,
    )
    assert timezone.localtime(visit.visited_at).date() == first

    state = rollup_refresh(window_days=10)

    assert state.refreshed_days == 11
    window = {first + timedelta(days=n) for n in range(11)}
    older = {day for table in before.values() for day, _area, _kind in table} - window
    snapshots = {**world.snapshots, today: households_now(today)}
    compare(world, window, snapshots)
    after = rollup_rows(older)
    assert after == {name: {k: v for k, v in rows.items() if k[0] in older} for name, rows in before.items()}
    # The older days were counted in the old category: live they no longer are.
    assert after != live_counts(snapshots).result(older)


def test_the_watermark_moves_to_yesterday_and_a_gap_is_filled(world, clock):
    """After the beat was down for four days, a refresh of the frequent entry (window of one day) computes
    every day since the watermark."""
    state = RollupState.objects.get(name=STATE)
    end_day = timezone.localtime(world.end).date()
    assert state.complete_through == end_day - timedelta(days=1)
    grid = world.city.grids[5]
    for _day in range(4):
        clock.advance(days=1)
        case, _created = case_report(
            actor=world.grid_workers[grid.pk],
            channel=Channel.GRID_WORKER,
            category=world.city.categories[2],
            area=grid,
            title="井盖缺失",
            description="路口井盖缺失",
        )
        case_accept(case=case, actor=world.root)
        visit_log(actor=world.grid_workers[grid.pk], kind=VisitKind.PATROL, visited_at=clock.now, area=grid)
    today = timezone.localdate()

    state = rollup_refresh(window_days=1)

    assert state.complete_through == today - timedelta(days=1)
    assert state.refreshed_days == 5
    missed = {end_day + timedelta(days=n) for n in range(5)}
    compare(world, missed, {**world.snapshots, today: households_now(today)})
    for day in missed - {end_day}:
        assert CaseDay.objects.filter(day=day, area=grid, created=1).exists(), day
