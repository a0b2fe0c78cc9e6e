"""Reading the rollups: sums over days, areas, categories and departments, and the rates computed from
them when read (backbone decision 8). Every read starts from `restrict()`.

A rate is a `Rate`: its numerator, its denominator and the value (None when there is nothing to rate),
so that a page can always show what a percentage was made of.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.areas.models import Area
from apps.cases.models import Category
from apps.departments.models import Department

from .models import STOCK_MEASURES, AreaDay, CaseDay, CaseStock, DepartmentDay, VisitDay

CASE_MEASURES = tuple(
    field.name
    for field in AreaDay._meta.get_fields()
    if getattr(field, "default", None) == 0 and field.get_internal_type() == "PositiveIntegerField"
)
DEPARTMENT_MEASURES = tuple(
    field.name
    for field in DepartmentDay._meta.get_fields()
    if getattr(field, "default", None) == 0 and field.get_internal_type() == "PositiveIntegerField"
)
PERIODS = (30, 90, 365)


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int
    inverse: bool = False

    @property
    def value(self) -> float | None:
        """The share in percent (for an inverse rate, the share of the rest), None with no denominator."""
        if not self.denominator:
            return None
        share = min(self.numerator / self.denominator, 1.0)
        return round(100 * (1 - share if self.inverse else share), 1)

    def as_dict(self) -> dict:
        return {"value": self.value, "numerator": self.numerator, "denominator": self.denominator}


# The rates shown on the dashboards: name, label, numerator columns, denominator columns.
RATES = {
    "on_time_rate": (
        _("on-time rate"),
        ("orders_resolved_on_time",),
        ("orders_resolved",),
    ),
    "check_in_rate": (
        _("on-time check-in rate"),
        ("checked_in_on_time",),
        ("checked_in",),
    ),
    "satisfaction_rate": (
        _("satisfaction rate"),
        ("rated_satisfied", "rated_basically_satisfied"),
        ("rated_satisfied", "rated_basically_satisfied", "rated_dissatisfied"),
    ),
    "in_grid_rate": (
        _("resolved within the grid"),
        ("resolved_in_grid",),
        ("resolved",),
    ),
    "whistle_rate": (
        _("whistle rate"),
        ("whistled_emergency", "whistled_joint", "whistled_quick"),
        ("created",),
    ),
}


def rates(totals: dict) -> dict[str, Rate]:
    return {
        name: Rate(sum(totals.get(c, 0) for c in numerator), sum(totals.get(c, 0) for c in denominator))
        for name, (_label, numerator, denominator) in RATES.items()
    }


def period(days: int, *, today: date | None = None) -> tuple[date, date]:
    """The last `days` days, today included."""
    today = today or timezone.localdate()
    return today - timedelta(days=days - 1), today


def dashboard_areas(user):
    """The areas whose dashboards the user may open: districts, streets, communities and grids where they
    hold dashboard.view."""
    return Area.objects.holding(user, "dashboard.view").filter(is_active=True, level__lte=4)


def dashboard_area(user, area_id: int) -> Area:
    """An area whose dashboard the user may see; out of scope answers exactly like missing (404)."""
    return get_object_or_404(dashboard_areas(user), pk=area_id)


def home_area(user) -> Area | None:
    """The area a user lands on: the highest one they hold dashboard.view for."""
    return dashboard_areas(user).order_by("level", "code").first()


def sums_of(columns) -> dict:
    """The aggregate of each column: the sums every rollup read is made of."""
    return {column: Sum(column) for column in columns}


def filled(row: dict, columns) -> dict:
    """The columns of an aggregated row, zero where no row was summed."""
    return {column: row.get(column) or 0 for column in columns}


def summed(days: list[dict]) -> dict:
    """The case figures of the days of a `trend` added up: the area's totals over the period (read with
    the trend, so the dashboard does not read the same rows twice)."""
    return {column: sum(day[column] for day in days) for column in CASE_MEASURES}


def trend(user, area: Area, first: date, last: date) -> list[dict]:
    """One entry per day from `first` to `last` (days without facts as zeros): the case figures and
    visits of the day."""
    by_day = {
        row["day"]: row
        # One row per area and day: nothing to group.
        for row in AreaDay.objects.restrict(user)
        .filter(area=area, day__range=(first, last))
        .values("day", *CASE_MEASURES)
    }
    visits = dict(
        VisitDay.objects.restrict(user)
        .filter(area=area, day__range=(first, last))
        .values_list("day", "visits")
    )
    days = []
    day = first
    while day <= last:
        figures = filled(by_day.get(day, {}), CASE_MEASURES)
        figures["visits"] = visits.get(day, 0)
        days.append({"day": day, **figures})
        day += timedelta(days=1)
    return days


def by_category(user, area: Area, first: date, last: date) -> list[dict]:
    """The case figures by top-level category, largest first."""
    tree = Category.objects.values_list("pk", "parent_id", "name")
    categories = {pk: (parent or pk) for pk, parent, _name in tree}
    names = {pk: name for pk, parent, name in tree if parent is None}
    grouped: dict[int, dict] = {}
    rows = (
        CaseDay.objects.restrict(user)
        .filter(area=area, day__range=(first, last))
        .values("category_id")
        .annotate(**sums_of(CASE_MEASURES))
        .order_by()
    )
    for row in rows:
        # Categories nest two levels deep; a deeper one would be folded into its parent's parent here.
        top = categories.get(row["category_id"], row["category_id"])
        while categories.get(top, top) != top:
            top = categories[top]
        entry = grouped.setdefault(
            top, {"category": top, "name": names.get(top, ""), **dict.fromkeys(CASE_MEASURES, 0)}
        )
        for column in CASE_MEASURES:
            entry[column] += row[column] or 0
    return sorted(grouped.values(), key=lambda entry: (-entry["created"], entry["name"]))


def coverage(user, area_ids: list[int], *, today: date | None = None) -> dict[int, dict]:
    """The latest count of households planned and overdue for each area (of the last 35 days)."""
    today = today or timezone.localdate()
    latest = (
        VisitDay.objects.restrict(user)
        .filter(
            area_id__in=area_ids, snapshot_at__isnull=False, day__range=(today - timedelta(days=35), today)
        )
        .values("area_id")
        .annotate(day=Max("day"))
        .order_by()
    )
    wanted = Q()
    for row in latest:
        wanted |= Q(area_id=row["area_id"], day=row["day"])
    if not latest:
        return {}
    return {
        area_id: {
            "planned": planned,
            "overdue": overdue,
            "rate": Rate(planned - overdue, planned),
        }
        for area_id, planned, overdue in VisitDay.objects.filter(wanted).values_list(
            "area_id", "households_planned", "households_overdue"
        )
    }


def children(user, area: Area, first: date, last: date) -> list[dict]:
    """Each child area (streets of a district …) with its figures, rates and visit coverage."""
    kids = list(
        Area.objects.holding(user, "dashboard.view")
        .filter(parent=area, is_active=True)
        .order_by("code")
        .values("pk", "name", "code", "level")
    )
    sums = {
        row["area_id"]: row
        for row in AreaDay.objects.restrict(user)
        .filter(parent=area, day__range=(first, last))
        .values("area_id")
        .annotate(**sums_of(CASE_MEASURES))
        .order_by()
    }
    visits = dict(
        VisitDay.objects.restrict(user)
        .filter(parent=area, day__range=(first, last))
        .values("area_id")
        .annotate(visits=Sum("visits"))
        .order_by()
        .values_list("area_id", "visits")
    )
    covered = coverage(user, [kid["pk"] for kid in kids], today=last)
    result = []
    for kid in kids:
        figures = filled(sums.get(kid["pk"], {}), CASE_MEASURES)
        entry = {"area": kid, "figures": figures, "visits": visits.get(kid["pk"], 0) or 0}
        entry["rates"] = rates(figures)
        entry["rates"]["visit_coverage"] = covered.get(kid["pk"], {}).get("rate", Rate(0, 0))
        result.append(entry)
    return result


def departments(user, area: Area, first: date, last: date) -> list[dict]:
    """Each department that had orders for the area's cases, with its figures and rates."""
    rows = list(
        DepartmentDay.objects.restrict(user)
        .filter(area=area, day__range=(first, last))
        .values("department_id")
        .annotate(**sums_of(DEPARTMENT_MEASURES))
        .order_by()
    )
    # Named after summing: grouping by the name as well sorted every row of the period by it.
    names = dict(
        Department.objects.filter(pk__in=[row["department_id"] for row in rows]).values_list("pk", "name")
    )
    result = []
    for row in rows:
        figures = filled(row, DEPARTMENT_MEASURES)
        result.append(
            {
                "department": {"pk": row["department_id"], "name": names.get(row["department_id"], "")},
                "figures": figures,
                "rates": {
                    **rates(figures),
                    "response_rate": Rate(figures["checked_in_on_time"], figures["orders_received"]),
                },
            }
        )
    return result


def now(user, area: Area) -> dict[str, int]:
    """What stands in the area at the last count (`CaseStock`, counted every minute): open cases, cases
    with a missed limit on an open order, and cases escalated to a higher level still being worked on."""
    row = CaseStock.objects.restrict(user).filter(area=area).values(*STOCK_MEASURES).first()
    return row or dict.fromkeys(STOCK_MEASURES, 0)


def feed(user, area: Area, *, limit: int = 20) -> list[dict]:
    """The latest escalations and red-card supervisions in the area, newest first. Only the columns
    shown are read: the feed is on every dashboard and refreshes every minute."""
    from apps.dispatch.choices import SupervisionLevel  # noqa: PLC0415
    from apps.dispatch.models import WHISTLE_LEVELS, Escalation, Supervision  # noqa: PLC0415

    column = f"{area.level_field}_id"
    levels = dict(WHISTLE_LEVELS)
    escalations = (
        Escalation.objects.filter(**{f"order__case__{column}": area.pk})
        .filter(order__in=_visible_orders(user))
        .order_by("-created_at", "-id")
        .values(
            "created_at",
            "from_level",
            "to_level",
            "order__department__name",
            "order__case_id",
            "order__case__serial",
            "order__case__title",
        )[:limit]
    )
    cards = (
        Supervision.objects.restrict(user)
        .filter(**{f"case__{column}": area.pk}, level=SupervisionLevel.RED)
        .order_by("-created_at", "-id")
        .values("created_at", "note", "issuing_area__name", "case_id", "case__serial", "case__title")[:limit]
    )
    items = [
        {
            "kind": "escalation",
            "at": row["created_at"],
            "case": {
                "id": row["order__case_id"],
                "serial": row["order__case__serial"],
                "title": row["order__case__title"],
            },
            "text": _("%(department)s missed the limit: escalated from level %(from)s to %(to)s")
            % {
                "department": row["order__department__name"],
                "from": levels.get(row["from_level"], row["from_level"]),
                "to": levels.get(row["to_level"], row["to_level"]),
            },
        }
        for row in escalations
    ] + [
        {
            "kind": "red_card",
            "at": row["created_at"],
            "case": {"id": row["case_id"], "serial": row["case__serial"], "title": row["case__title"]},
            "text": _("Red card from %(area)s: %(note)s")
            % {"area": row["issuing_area__name"], "note": row["note"][:80]},
        }
        for row in cards
    ]
    items.sort(key=lambda item: item["at"], reverse=True)
    return items[:limit]


def _visible_orders(user):
    from apps.dispatch.models import DispatchOrder  # noqa: PLC0415

    return DispatchOrder.objects.restrict(user).values("pk")
