"""Filling the rollups: each day is computed whole from the timeline and the visits, and replaces what
was there, so a day can be recomputed any number of times with the same result.

`rollup_refresh` keeps them fresh. A watermark (`RollupState.complete_through`) says up to which day the
figures were computed after the day ended; a refresh computes every day after it, and always the last
`window_days` days, because facts arrive late: a visit is logged up to 30 days after it was made, and a
case moved to another category or place counts there on every day of its history still in the window.
"""

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone

from apps.areas.models import Area
from apps.cases.choices import CaseAction, Channel
from apps.cases.filters import overdue_condition
from apps.cases.models import Case, CaseEvent
from apps.core.db import insert_rows
from apps.residents.models import Household
from apps.visits.models import Visit

from .facts import COUNTED_ACTIONS, case_measures, department_measures
from .models import (
    STOCK_MEASURES,
    AreaDay,
    CaseDay,
    CaseStock,
    DepartmentDay,
    RollupState,
    VisitDay,
    WorkerDay,
)

STATE = "dashboards"
STOCK_STATE = "case_stock"
LEVELS = ("district", "street", "community", "grid")
# Departments are ranked on the dashboards of districts, streets and communities.
DEPARTMENT_LEVELS = ("district", "street", "community")
REPORTING_CHANNELS = (Channel.GRID_WORKER, Channel.VISIT)
BATCH = 5000


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The start and end of `day` in the installation's time zone."""
    zone = timezone.get_default_timezone()
    start = datetime.combine(day, clock.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), clock.min, tzinfo=zone)


@dataclass
class DayResult:
    day: date
    events: int
    visits: int
    rows: int


def _ancestors(row: tuple, levels=LEVELS) -> list[int]:
    return [area_id for area_id in row[: len(levels)] if area_id]


def _note_places(places: dict[int, dict], chain: tuple) -> None:
    """Where the rows of each area of a copied ancestor chain (district, street, community, grid) go:
    the chain itself says each area's level, parent and ancestors, so no area needs reading."""
    for index, area_id in enumerate(chain):
        if area_id and area_id not in places:
            places[area_id] = {
                "area_id": area_id,
                "level": index + 1,
                "parent_id": chain[index - 1] if index else None,
                **{f"{name}_id": chain[i] if i <= index else None for i, name in enumerate(LEVELS)},
            }


def _lock(key: int) -> None:
    """Two refreshes of the same rows wait for each other instead of interleaving their writes."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [0x6764, key])


def _lock_day(day: date) -> None:
    _lock(day.toordinal())


@dataclass
class Tally:
    """One day's figures being counted, by the key of the row they will go to."""

    cases: dict = field(default_factory=lambda: defaultdict(Counter))  # (area, category)
    areas: dict = field(default_factory=lambda: defaultdict(Counter))  # area, all categories
    departments: dict = field(default_factory=lambda: defaultdict(Counter))  # (area, department)
    visits: dict = field(default_factory=lambda: defaultdict(Counter))  # area
    workers: dict = field(default_factory=lambda: defaultdict(Counter))  # (grid, worker)
    places: dict = field(default_factory=dict)  # area: where its rows go
    events: int = 0
    visits_made: int = 0


def _count_events(tally: Tally, start: datetime, end: datetime) -> None:
    events = CaseEvent.objects.filter(
        created_at__gte=start, created_at__lt=end, action__in=COUNTED_ACTIONS
    ).values_list(
        "case__district_id",
        "case__street_id",
        "case__community_id",
        "case__grid_id",
        "action",
        "from_status",
        "to_status",
        "data",
        "actor_id",
        "case__category_id",
        "case__lead_department_id",
        "case__channel",
    )
    for row in events.iterator(chunk_size=BATCH):
        tally.events += 1
        action, from_status, to_status, data, actor, category, lead, channel = row[4:]
        data = data or {}
        _note_places(tally.places, row[:4])
        places = _ancestors(row)
        for measure, amount in case_measures(action, from_status, to_status, data):
            for area_id in places:
                tally.cases[area_id, category][measure] += amount
                tally.areas[area_id][measure] += amount
        for department, measure, amount in department_measures(action, data, lead):
            for area_id in _ancestors(row, DEPARTMENT_LEVELS):
                tally.departments[area_id, department][measure] += amount
        if action == CaseAction.REPORT and actor and row[3] and channel in REPORTING_CHANNELS:
            tally.workers[row[3], actor]["cases_reported"] += 1


def _count_visits(tally: Tally, start: datetime, end: datetime) -> None:
    visits = Visit.objects.filter(visited_at__gte=start, visited_at__lt=end).values_list(
        "district_id", "street_id", "community_id", "grid_id", "worker_id"
    )
    for row in visits.iterator(chunk_size=BATCH):
        tally.visits_made += 1
        _note_places(tally.places, row[:4])
        for area_id in _ancestors(row):
            tally.visits[area_id]["visits"] += 1
        if row[3]:
            tally.workers[row[3], row[4]]["visits"] += 1


def rollup_day(day: date, *, now: datetime | None = None) -> DayResult:
    """Compute one day's rows from the facts and put them in place of the day's old rows."""
    now = now or timezone.now()
    start, end = day_bounds(day)
    tally = Tally()
    _count_events(tally, start, end)
    _count_visits(tally, start, end)
    snapshots = _snapshots(day, now=now)
    for area_id in snapshots:
        tally.visits.setdefault(area_id, Counter())
    places = tally.places
    # Only the areas counted in the households' snapshot alone are read.
    places.update(_places(set(tally.visits) - set(places)))
    rows = {
        CaseDay: [
            {**places[area], "day": day, "category_id": category, **counts}
            for (area, category), counts in tally.cases.items()
        ],
        AreaDay: [{**places[area], "day": day, **counts} for area, counts in tally.areas.items()],
        DepartmentDay: [
            {**places[area], "day": day, "department_id": department, **counts}
            for (area, department), counts in tally.departments.items()
        ],
        VisitDay: [
            {**places[area], "day": day, **counts, **snapshots.get(area, {})}
            for area, counts in tally.visits.items()
        ],
        WorkerDay: [
            {**places[grid], "day": day, "worker_id": worker, **counts}
            for (grid, worker), counts in tally.workers.items()
        ],
    }
    with transaction.atomic():
        _lock_day(day)
        for model, new in rows.items():
            model.objects.filter(day=day).delete()
            # Written in the order they are read: an area's rows (and a parent's children's) sit
            # together in a few table pages instead of one page each across the day's writes.
            new.sort(key=_reading_order)
            insert_rows(model, new)
    return DayResult(
        day=day, events=tally.events, visits=tally.visits_made, rows=sum(len(new) for new in rows.values())
    )


def _reading_order(row: dict) -> tuple:
    return (row["level"], row["parent_id"] or 0, row["area_id"])


def _places(area_ids: set[int]) -> dict[int, dict]:
    """Where each area's rows go: the area, its level, its parent and its ancestors."""
    places = {}
    ids = sorted(area_ids)
    for offset in range(0, len(ids), BATCH):
        for pk, level, parent, *ancestors in Area.objects.filter(
            pk__in=ids[offset : offset + BATCH]
        ).values_list("pk", "level", "parent_id", "district_id", "street_id", "community_id", "grid_id"):
            places[pk] = {
                "area_id": pk,
                "level": level,
                "parent_id": parent,
                **{f"{name}_id": ancestor for name, ancestor in zip(LEVELS, ancestors, strict=True)},
            }
    return places


def _snapshots(day: date, *, now: datetime) -> dict[int, dict]:
    """The households planned for visits and overdue, by area: counted now when `day` is today, kept as
    they were counted for a past day (a stock cannot be recounted afterwards)."""
    if day != timezone.localdate(now):
        return {
            area_id: {"households_planned": planned, "households_overdue": overdue, "snapshot_at": at}
            for area_id, planned, overdue, at in VisitDay.objects.filter(
                day=day, snapshot_at__isnull=False
            ).values_list("area_id", "households_planned", "households_overdue", "snapshot_at")
        }
    counted: dict[int, Counter] = defaultdict(Counter)
    households = (
        Household.objects.filter(is_active=True, visit_due_on__isnull=False)
        .values_list(*(f"{level}_id" for level in LEVELS))
        .annotate(planned=Count("pk"), overdue=Count("pk", filter=Q(visit_due_on__lt=day)))
        .order_by()
    )
    for *ancestors, planned, overdue in households:
        for area_id in ancestors:
            if area_id:
                counted[area_id]["households_planned"] += planned
                counted[area_id]["households_overdue"] += overdue
    return {area_id: {**counts, "snapshot_at": now} for area_id, counts in counted.items()}


def first_fact_day() -> date | None:
    """The day of the oldest fact, where a first refresh starts."""
    first = [
        CaseEvent.objects.aggregate(first=Min("created_at"))["first"],
        Visit.objects.aggregate(first=Min("visited_at"))["first"],
    ]
    first = [moment for moment in first if moment]
    return timezone.localdate(min(first)) if first else None


def rollup_refresh(*, window_days: int | None = None, now: datetime | None = None) -> RollupState:
    """Compute every day after the watermark and the last `window_days` days up to today, moving the
    watermark past each completed day as it goes (an interrupted first fill resumes where it stopped),
    then count the stock (`count_stock`). Safe to run twice at once: each day is replaced whole under
    its own lock."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if window_days is None:
        window_days = settings.GRIDGOV_ROLLUP_WINDOW_DAYS
    state, _created = RollupState.objects.get_or_create(name=STATE)
    first = today - timedelta(days=window_days)
    if state.complete_through is None:
        first = min(first, first_fact_day() or today)
    else:
        first = min(first, state.complete_through + timedelta(days=1))
    started = time.perf_counter()
    day = first
    while day <= today:
        rollup_day(day, now=now)
        if day < today:
            # Never backwards: a slower refresh running beside this one may have gone further.
            RollupState.objects.filter(pk=state.pk).filter(
                Q(complete_through__isnull=True) | Q(complete_through__lt=day)
            ).update(complete_through=day)
        day += timedelta(days=1)
    RollupState.objects.filter(pk=state.pk).update(
        refreshed_at=now, refreshed_days=(today - first).days + 1, seconds=time.perf_counter() - started
    )
    # The tiles' stock is counted every minute on its own; a refresh leaves it current as well.
    count_stock()
    state.refresh_from_db()
    return state


@dataclass
class StockResult:
    counted_at: datetime
    areas: int
    written: int
    deleted: int
    seconds: float


def escalated_now() -> Q:
    """Cases escalated to a higher level whose orders there are still being worked on."""
    from apps.dispatch.choices import ACTIVE_ORDER_STATUSES  # noqa: PLC0415 - dispatch builds on cases
    from apps.dispatch.models import Whistle  # noqa: PLC0415

    escalated = Whistle.objects.filter(escalated_from__isnull=False, orders__status__in=ACTIVE_ORDER_STATUSES)
    return Q(pk__in=escalated.values("case_id"))


def _stock_counts() -> tuple[dict[int, Counter], dict[int, dict]]:
    """Each measure of the stock grouped by the cases' places (one pass over a partial index each: the
    open cases, the late orders' cases, the escalated cases), added up to every level."""
    chains = tuple(f"{level}_id" for level in LEVELS)
    grouped = {
        "open": Case.objects.open(),
        "overdue": Case.objects.filter(overdue_condition()),
        "escalated": Case.objects.filter(escalated_now()),
    }
    counted: dict[int, Counter] = defaultdict(Counter)
    where: dict[int, dict] = {}
    for measure, cases in grouped.items():
        for *chain, number in cases.values_list(*chains).annotate(number=Count("pk")).order_by():
            _note_places(where, tuple(chain))
            for area_id in _ancestors(chain):
                counted[area_id][measure] += number
    return counted, where


def count_stock(*, now: datetime | None = None) -> StockResult:
    """Count what stands now in every area and bring `CaseStock` in line: rows are added, changed and
    removed only where the count moved, so a count that finds a quiet city writes nothing but the time.
    Safe to run twice at once: they take turns, each counting after the other has written."""
    started = time.perf_counter()
    with transaction.atomic():
        _lock(0)
        now = now or timezone.now()
        counted, where = _stock_counts()
        standing = {
            area_id: (pk, counts)
            for area_id, pk, *counts in CaseStock.objects.values_list("area_id", "pk", *STOCK_MEASURES)
        }
        added, changed = [], []
        for area_id, counts in counted.items():
            figures = {measure: counts[measure] for measure in STOCK_MEASURES}
            if area_id not in standing:
                added.append(CaseStock(**where[area_id], **figures))
            elif standing[area_id][1] != list(figures.values()):
                changed.append(CaseStock(pk=standing[area_id][0], **figures))
        gone = [pk for area_id, (pk, _counts) in standing.items() if area_id not in counted]
        CaseStock.objects.filter(pk__in=gone).delete()
        CaseStock.objects.bulk_update(changed, STOCK_MEASURES, batch_size=BATCH)
        CaseStock.objects.bulk_create(added, batch_size=BATCH)
        seconds = time.perf_counter() - started
        RollupState.objects.update_or_create(
            name=STOCK_STATE, defaults={"refreshed_at": now, "seconds": seconds, "refreshed_days": 0}
        )
    return StockResult(
        counted_at=now,
        areas=len(counted),
        written=len(added) + len(changed),
        deleted=len(gone),
        seconds=seconds,
    )
