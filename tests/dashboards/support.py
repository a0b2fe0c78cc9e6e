"""What the rollup tests share: the rows the rollups hold, and the same figures counted live, straight from
the source tables (cases, orders, whistles, deadlines, escalations, visits, households), without
`apps.dashboards.facts`. Where only the timeline still knows a fact (a resolution sent back, a rating a
reopen cleared, a second round's acceptance), a plain filter on the timeline counts it.
"""

from collections import Counter, defaultdict
from datetime import date, datetime

from django.utils import timezone

from apps.areas.models import Area
from apps.cases.choices import CaseAction, CaseStatus, Channel, Rating
from apps.cases.models import Case, CaseEvent
from apps.dashboards.models import AreaDay, CaseDay, DepartmentDay, VisitDay, WorkerDay
from apps.dispatch.choices import DeadlineKind, EffectKind, OrderStatus
from apps.dispatch.models import Deadline, DeadlineEffect, DispatchOrder, Escalation, Whistle
from apps.residents.models import Household
from apps.visits.models import Visit
from apps.workcalendar.clock import minutes_between

LEVELS = ("district", "street", "community", "grid")
PLACE = tuple(f"{level}_id" for level in LEVELS)
CASE_COLUMNS = tuple(
    f.name for f in CaseDay._meta.concrete_fields if f.get_internal_type() == "PositiveIntegerField"
)
DEPARTMENT_COLUMNS = tuple(
    f.name for f in DepartmentDay._meta.concrete_fields if f.get_internal_type() == "PositiveIntegerField"
)
VISIT_COLUMNS = ("visits", "households_planned", "households_overdue")
WORKER_COLUMNS = ("visits", "cases_reported")
# Each rollup: its model, what makes a row one of a kind besides the area and day, its counters.
ROLLUPS = {
    "case": (CaseDay, "category_id", CASE_COLUMNS),
    # The same case figures, all categories together.
    "area": (AreaDay, None, CASE_COLUMNS),
    "department": (DepartmentDay, "department_id", DEPARTMENT_COLUMNS),
    "visit": (VisitDay, None, VISIT_COLUMNS),
    "worker": (WorkerDay, "worker_id", WORKER_COLUMNS),
}


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def rollup_rows(days=None) -> dict[str, dict[tuple, dict]]:
    """What the rollups hold, by rollup: (day, area, kind) → the counters that are not zero."""
    found = {}
    for name, (model, kind, columns) in ROLLUPS.items():
        rows = model.objects.all()
        if days is not None:
            rows = rows.filter(day__in=list(days))
        table = {}
        for row in rows.values("day", "area_id", *([kind] if kind else []), *columns):
            counts = {column: row[column] for column in columns if row[column]}
            if counts:
                table[row["day"], row["area_id"], row[kind] if kind else None] = counts
        found[name] = table
    return found


def full_rows(days=None) -> dict[str, set[tuple]]:
    """Every column of every rollup row but the id: two refreshes must leave exactly these."""
    found = {}
    for name, (model, _kind, _columns) in ROLLUPS.items():
        rows = model.objects.all() if days is None else model.objects.filter(day__in=list(days))
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        found[name] = set(rows.values_list(*fields))
    return found


def check_placement() -> None:
    """Every row carries its area's level, parent and ancestors, and sits at a level its rollup keeps."""
    areas = {pk: rest for pk, *rest in Area.objects.values_list("pk", "level", "parent_id", *PLACE)}
    allowed = {
        "case": {1, 2, 3, 4},
        "area": {1, 2, 3, 4},
        "department": {1, 2, 3},
        "visit": {1, 2, 3, 4},
        "worker": {4},
    }
    for name, (model, _kind, _columns) in ROLLUPS.items():
        for area, level, parent, *ancestors in model.objects.values_list(
            "area_id", "level", "parent_id", *PLACE
        ):
            assert [level, parent, *ancestors] == areas[area], (name, area)
            assert level in allowed[name], (name, area, level)


class Live:
    """The figures counted live, by rollup: (day, area, kind) → counters. `add` spreads one fact over
    every area in `places`."""

    def __init__(self):
        self.tables: dict[str, dict[tuple, Counter]] = {name: defaultdict(Counter) for name in ROLLUPS}

    def add(self, table: str, key: tuple, places, column: str, amount: int = 1) -> None:
        """`key` is (day, kind)."""
        if not amount:
            return
        day, kind = key
        for area in places:
            if area:
                self.tables[table][day, area, kind][column] += amount
                if table == "case":
                    self.tables["area"][day, area, None][column] += amount

    def result(self, days=None) -> dict[str, dict[tuple, dict]]:
        return {
            name: {
                key: {column: value for column, value in counts.items() if value}
                for key, counts in table.items()
                if (days is None or key[0] in days) and any(counts.values())
            }
            for name, table in self.tables.items()
        }


def _over(deadline: Deadline | None, moment: datetime) -> int:
    """Minutes past the deadline's limit at `moment`, on the deadline's own clock."""
    if deadline is None or moment <= deadline.due_at:
        return 0
    return minutes_between(start=deadline.due_at, end=moment, clock=deadline.clock)


def _late(deadline: Deadline | None, moment: datetime) -> bool:
    """Met after the due time, whatever the clock counted since."""
    return deadline is not None and moment > deadline.due_at


class Counting:
    """One live count of everything, from the tables as they stand now."""

    def __init__(self, live: Live):
        self.live = live
        self.cases = {
            pk: {"place": place, "category": category, "channel": channel, "by": by, "at": at}
            for pk, *place, category, channel, by, at in Case.objects.values_list(
                "pk", *PLACE, "category_id", "channel", "created_by_id", "created_at"
            )
        }
        self.orders = {
            order.pk: order
            for order in DispatchOrder.objects.select_related("whistle").order_by("created_at", "pk")
        }
        self.deadlines = {(d.order_id, d.kind): d for d in Deadline.objects.all()}
        self.reopens: list[tuple[int, datetime]] = []

    def case(self, case_id: int, moment: datetime, column: str, amount: int = 1) -> None:
        case = self.cases[case_id]
        self.live.add("case", (local_day(moment), case["category"]), case["place"], column, amount)

    def department(self, order, moment: datetime, column: str, amount: int = 1, department=None) -> None:
        places = self.cases[order.case_id]["place"][:3]
        key = (local_day(moment), department or order.department_id)
        self.live.add("department", key, places, column, amount)

    def both(self, order, moment: datetime, column: str) -> None:
        self.case(order.case_id, moment, column)
        self.department(order, moment, column)

    def reports(self) -> None:
        for pk, case in self.cases.items():
            self.case(pk, case["at"], "created")
            grid = case["place"][3]
            if case["by"] and grid and case["channel"] in (Channel.GRID_WORKER, Channel.VISIT):
                self.live.add("worker", (local_day(case["at"]), case["by"]), [grid], "cases_reported")

    def timeline(self) -> list[tuple[int, datetime]]:
        """What a later round overwrote on the case and its orders; returns the order resolutions."""
        events = CaseEvent.objects.filter(
            action__in=[CaseAction.ACCEPT, CaseAction.CLOSE, CaseAction.RESOLVE, CaseAction.REOPEN]
        ).values_list("case_id", "action", "to_status", "data", "created_at")
        resolutions = []
        simple = {CaseAction.ACCEPT: "accepted", CaseAction.CLOSE: "closed"}
        for case_id, action, to_status, data, at in events:
            if action in simple:
                self.case(case_id, at, simple[action])
            elif action == CaseAction.REOPEN:
                self.reopens.append((case_id, at))
            else:
                if to_status == CaseStatus.RESOLVED:
                    self.case(case_id, at, "resolved")
                    if "order" not in data:
                        self.case(case_id, at, "resolved_in_grid")
                if "order" in data:
                    resolutions.append((data["order"], at))
        return resolutions

    def orders_and_limits(self, resolutions) -> None:
        """Orders received (a successor an escalation opened is the same call), signed for (a successor
        of an order signed for inherits the moment), resolved, returned; limits missed, escalations."""
        for order in self.orders.values():
            if order.whistle is None or order.whistle.escalated_from_id is None:
                self.both(order, order.created_at, "orders_received")
            if order.accepted_at and order.accepted_at >= order.created_at:
                deadline = self.deadlines.get((order.pk, DeadlineKind.ACCEPT))
                over = _over(deadline, order.accepted_at)
                self.both(order, order.accepted_at, "checked_in")
                if not _late(deadline, order.accepted_at):
                    self.both(order, order.accepted_at, "checked_in_on_time")
                self.department(order, order.accepted_at, "minutes_over", over)
            if order.returned_at:
                self.both(order, order.returned_at, "returned")
        for order_id, at in resolutions:
            order = self.orders[order_id]
            deadline = self.deadlines.get((order_id, DeadlineKind.RESOLVE))
            over = _over(deadline, at)
            self.both(order, at, "orders_resolved")
            if not _late(deadline, at):
                self.both(order, at, "orders_resolved_on_time")
            self.department(order, at, "minutes_over", over)
        for whistle in Whistle.objects.filter(escalated_from__isnull=True):
            self.case(whistle.case_id, whistle.created_at, f"whistled_{whistle.kind}")
        for effect in DeadlineEffect.objects.filter(kind=EffectKind.BREACH).select_related("deadline__order"):
            self.both(effect.deadline.order, effect.created_at, "overdue")
        for escalation in Escalation.objects.select_related("order"):
            self.both(escalation.order, escalation.created_at, "escalated")
        rated = CaseEvent.objects.filter(action=CaseAction.RATE_RESPONSE)
        for order_id, at in rated.values_list("data__order", "created_at"):
            order = self.orders[order_id]
            self.department(order, at, "response_rated")
            self.department(order, at, "response_points", order.response_rating)

    def judged(self, case_id: int, moment: datetime) -> list:
        """The orders that resolved the round judged at `moment`: those opened since the case was last
        reopened, resolved still."""
        began = max((at for pk, at in self.reopens if pk == case_id and at < moment), default=None)
        return [
            order
            for order in self.orders.values()
            if order.case_id == case_id
            and order.status == OrderStatus.RESOLVED
            and order.created_at < moment
            and (began is None or order.created_at >= began)
        ]

    def verdicts(self) -> None:
        """Every dissatisfied verdict reopens the case, which clears it from the case: the reopen says it."""
        for case_id, at in self.reopens:
            self.case(case_id, at, "reopened")
            self.case(case_id, at, "rated_dissatisfied")
            for order in self.judged(case_id, at):
                self.department(order, at, "reopened")
                self.department(order, at, "rated_dissatisfied")
        columns = {
            Rating.SATISFIED: "rated_satisfied",
            Rating.BASICALLY_SATISFIED: "rated_basically_satisfied",
        }
        for case_id, rating, at in Case.objects.filter(rated_at__isnull=False).values_list(
            "pk", "rating", "rated_at"
        ):
            self.case(case_id, at, columns[rating])
            for order in self.judged(case_id, at):
                self.department(order, at, columns[rating])

    def visits(self, snapshots: dict) -> None:
        for *place, worker, at in Visit.objects.values_list(*PLACE, "worker_id", "visited_at"):
            self.live.add("visit", (local_day(at), None), place, "visits")
            self.live.add("worker", (local_day(at), worker), place[3:], "visits")
        for day, areas in snapshots.items():
            for area, (planned, overdue) in areas.items():
                self.live.add("visit", (day, None), [area], "households_planned", planned)
                self.live.add("visit", (day, None), [area], "households_overdue", overdue)


def live_counts(snapshots: dict[date, dict[int, tuple]] | None = None) -> Live:
    """Every rollup figure of every day, counted from the source tables as they stand now. `snapshots`
    are the households (planned, overdue) by area as the test counted them at the last refresh of each
    day: a stock cannot be recounted afterwards."""
    live = Live()
    counting = Counting(live)
    counting.reports()
    counting.orders_and_limits(counting.timeline())
    counting.verdicts()
    counting.visits(snapshots or {})
    return live


def households_now(day: date) -> dict[int, tuple[int, int]]:
    """The households planned for visits and overdue on `day`, by area, counted from the households."""
    counted: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for *place, due in Household.objects.filter(is_active=True, visit_due_on__isnull=False).values_list(
        *PLACE, "visit_due_on"
    ):
        for area in place:
            if area:
                counted[area][0] += 1
                counted[area][1] += due < day
    return {area: tuple(counts) for area, counts in counted.items()}


def differences(expected: dict, found: dict, limit: int = 20) -> list:
    """The rows where the two disagree, for the assertion message."""
    wrong = []
    for name, rows in expected.items():
        for key in sorted(set(rows) | set(found[name]), key=str):
            if rows.get(key) != found[name].get(key):
                wrong.append((name, key, "live", rows.get(key), "rollup", found[name].get(key)))
    return wrong[:limit]
