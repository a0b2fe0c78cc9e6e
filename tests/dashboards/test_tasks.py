"""The refresh task run by real Celery workers on the rollups queue, against the test database and a
Redis of the test's own; and two refreshes at once, which must leave exactly the rows one leaves.

Every test commits (the worker and the other threads must see the rows).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.cases.services import case_accept
from apps.dashboards.models import CaseDay, CaseStock, RollupState, VisitDay
from apps.dashboards.rollup import STATE, STOCK_STATE, count_stock, rollup_refresh
from apps.dispatch.services import case_dispatch
from apps.visits.choices import VisitKind
from apps.visits.services import visit_log
from config.celery import app
from tests.dashboards.support import (
    ROLLUPS,
    differences,
    full_rows,
    households_now,
    live_counts,
    rollup_rows,
)
from tests.dispatch.support import RedisServer, Worker, report, wait_until
from tests.dispatch.test_reliability import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
TASK = "apps.dashboards.tasks.refresh_rollups"


def facts(city) -> None:
    """A few cases and visits over today and the two days before."""
    for n in range(3):
        case = report(city, title=f"占道经营{n}")
        case_accept(case=case, actor=city.users["street"])
        if n:
            case_dispatch(case=case, department=city.departments[1], actor=city.users["street"])
    for days in (0, 1, 2):
        visit_log(
            actor=city.users["gridworker"],
            kind=VisitKind.PATROL,
            visited_at=timezone.now() - timedelta(days=days),
            area=city.grids[0],
        )


def succeeded(workers) -> int:
    return sum(
        line.startswith("[") and f"Task {TASK}[" in line and "succeeded" in line
        for worker in workers
        if worker.log.exists()
        for line in worker.log.read_text().splitlines()
    )


@pytest.mark.redis
@pytest.mark.timeout(180)
def test_two_workers_refresh_the_rollups_at_once(city, tmp_path):
    """Two workers on the rollups queue of a broker of the test's own each take a refresh, at the same
    time: the rows are those of the facts, once."""
    facts(city)
    server = RedisServer(tmp_path)
    server.start()
    workers = [Worker(tmp_path, server.url, queues="rollups") for _ in range(2)]
    try:
        for worker in workers:
            # One message in hand at a time (the solo pool reports the CPUs as its concurrency and would
            # reserve both), so that each worker takes one refresh.
            worker.args += ["--concurrency", "1"]
            worker.start()
        with app.connection_for_write(server.url) as broker:
            for _ in workers:
                app.send_task(TASK, kwargs={"window_days": 1}, queue="rollups", connection=broker)
        finished = wait_until(lambda: succeeded(workers) == 2, timeout=120)
    finally:
        for worker in workers:
            worker.stop()
        server.stop()
    assert finished, [worker.log.read_text()[-3000:] for worker in workers]
    today = timezone.localdate()
    state = RollupState.objects.get(name=STATE)
    assert state.complete_through == today - timedelta(days=1)
    # A refresh that found no watermark starts from the oldest fact, the visit two days ago; one that
    # found the other's watermark computes yesterday and today.
    assert state.refreshed_days in {2, 3}
    assert "'days': 3" in "".join(worker.log.read_text() for worker in workers)
    days = {today - timedelta(days=n) for n in range(3)}
    expected = live_counts({today: households_now(today)}).result(days)
    found = rollup_rows(days)
    assert found == expected, differences(expected, found)
    assert CaseDay.objects.filter(day=today, area=city.district, created=3, accepted=3).exists()
    assert VisitDay.objects.filter(area=city.grids[0], visits=1).count() == 3
    for name, (model, _kind, _columns) in ROLLUPS.items():
        assert model.objects.count() == len(full_rows()[name]), name


def test_two_refreshes_at_once_leave_the_rows_of_one(city):
    facts(city)
    outcomes = race(lambda: rollup_refresh(window_days=3), lambda: rollup_refresh(window_days=3))
    assert all(isinstance(outcome, RollupState) for outcome in outcomes), outcomes
    concurrent = full_rows()
    assert list(RollupState.objects.order_by("name").values_list("name", flat=True)) == [STOCK_STATE, STATE]
    now = timezone.now()
    rollup_refresh(window_days=3, now=now)
    sequential = full_rows()
    # The households' stock carries the moment it was counted; the rest must be identical.
    assert {name: rows for name, rows in concurrent.items() if name != "visit"} == {
        name: rows for name, rows in sequential.items() if name != "visit"
    }
    assert len(concurrent["visit"]) == len(sequential["visit"])
    for name, (model, _kind, _columns) in ROLLUPS.items():
        assert concurrent[name], name
        # A set of rows: no row was written twice.
        assert model.objects.count() == len(concurrent[name]), name


def test_two_counts_of_the_stock_at_once_leave_one_row_per_area(city):
    facts(city)
    outcomes = race(count_stock, count_stock)
    assert all(not isinstance(outcome, Exception) for outcome in outcomes), outcomes
    # Three open cases in one building: one row for each of its four areas, counted once.
    rows = set(CaseStock.objects.values_list("area_id", "open"))
    above = (city.district, city.streets[0], city.communities[0], city.grids[0])
    assert rows == {(area.pk, 3) for area in above}


@pytest.mark.redis
@pytest.mark.timeout(120)
def test_a_worker_counts_the_stock(city, tmp_path):
    facts(city)
    server = RedisServer(tmp_path)
    server.start()
    worker = Worker(tmp_path, server.url, queues="rollups")
    try:
        worker.start()
        with app.connection_for_write(server.url) as broker:
            app.send_task("apps.dashboards.tasks.count_case_stock", queue="rollups", connection=broker)
        counted = wait_until(
            lambda: CaseStock.objects.filter(area=city.district, open=3).exists(), timeout=60
        )
    finally:
        worker.stop()
        server.stop()
    assert counted, worker.log.read_text()[-3000:]
    assert RollupState.objects.filter(name=STOCK_STATE, refreshed_at__isnull=False).exists()
