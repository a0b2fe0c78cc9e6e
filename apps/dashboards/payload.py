"""One dashboard as JSON-ready data: what the page embeds and what the API answers, so that both show the
same figures. Everything comes from `apps.dashboards.figures`; this module only chooses, names and
serialises (dates as ISO strings, rates as {value, numerator, denominator}).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.areas.choices import AreaLevel
from apps.areas.models import Area

from . import figures
from .models import RollupState
from .rollup import STATE, STOCK_STATE

DEFAULT_DAYS = 30


@dataclass(frozen=True)
class MapFigure:
    """A figure the map of the child areas can be coloured by. `better` says which end is good, so that
    the map paints the good end green whatever the figure."""

    label: str
    kind: str  # "rate" (a percentage) or "count"
    better: str  # "high" or "low"


MAP_FIGURES = {
    "on_time_rate": MapFigure(_("on-time rate"), "rate", "high"),
    "satisfaction_rate": MapFigure(_("satisfaction rate"), "rate", "high"),
    "in_grid_rate": MapFigure(_("resolved within the grid"), "rate", "high"),
    "visit_coverage": MapFigure(_("visit coverage"), "rate", "high"),
    "whistle_rate": MapFigure(_("whistle rate"), "rate", "low"),
    "created": MapFigure(_("cases reported"), "count", "low"),
    "overdue": MapFigure(_("limits missed"), "count", "low"),
    "escalated": MapFigure(_("escalations"), "count", "low"),
}
DEFAULT_FIGURE = "on_time_rate"

# The figures of a day on the trend chart and of a category on the breakdown.
TREND_MEASURES = ("created", "resolved", "closed", "overdue", "escalated")
CATEGORY_MEASURES = ("created", "resolved", "closed", "overdue", "escalated")
TILE_RATES = ("on_time_rate", "satisfaction_rate", "in_grid_rate", "whistle_rate")


def check_query(days, figure) -> tuple[int, str]:
    """The period and the map figure asked for, as given in a query string or in code, checked."""
    errors = {}
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = None
    if days not in figures.PERIODS:
        errors["days"] = _("Choose a period of 30, 90 or 365 days.")
    if figure not in MAP_FIGURES:
        errors["figure"] = _("Choose one of the figures the map can show.")
    if errors:
        raise ValidationError(errors)
    return days, figure


def query_of(params) -> tuple[int, str]:
    """The period and the map figure of a request's query string, the defaults where not given."""
    return check_query(params.get("days") or DEFAULT_DAYS, params.get("figure") or DEFAULT_FIGURE)


def dashboard_url(area_id: int) -> str:
    return reverse("dashboards:area", args=[area_id])


def _iso(moment: date | datetime | None) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        moment = timezone.localtime(moment)
    return moment.isoformat()


def _rates(rates: dict) -> dict:
    return {name: rate.as_dict() for name, rate in rates.items()}


def _figure_value(entry: dict, figure: str) -> float | int | None:
    if MAP_FIGURES[figure].kind == "rate":
        return entry["rates"][figure]["value"]
    return entry["figures"][figure]


def _breadcrumb(user, area: Area) -> list[dict]:
    """The ancestors whose dashboards the user may open, top down (a street's staff see none)."""
    ancestors = Area.objects.holding(user, "dashboard.view").filter(
        pk__in=area.ancestor_ids, is_active=True, level__lte=AreaLevel.GRID
    )
    return [
        {"id": pk, "name": name, "level": level, "url": dashboard_url(pk)}
        for pk, name, level in ancestors.order_by("level").values_list("pk", "name", "level")
    ]


def _child(entry: dict, figure: str) -> dict:
    kid = entry["area"]
    child = {
        "id": kid["pk"],
        "name": kid["name"],
        "code": kid["code"],
        "level": kid["level"],
        "url": dashboard_url(kid["pk"]) if kid["level"] <= AreaLevel.GRID else None,
        "figures": entry["figures"],
        "visits": entry["visits"],
        "rates": _rates(entry["rates"]),
    }
    child["value"] = _figure_value(child, figure)
    return child


def _department(entry: dict) -> dict:
    return {
        "id": entry["department"]["pk"],
        "name": entry["department"]["name"],
        "figures": entry["figures"],
        "rates": _rates(entry["rates"]),
    }


def _ranked(departments: list[dict]) -> list[dict]:
    """Best on-time rate first; departments with nothing resolved yet last, by name."""

    def key(entry):
        value = entry["rates"]["on_time_rate"]["value"]
        return (value is None, -(value or 0), -entry["figures"]["orders_received"], entry["name"])

    return sorted(departments, key=key)


def _feed_item(item: dict) -> dict:
    case = item["case"]
    return {
        "kind": item["kind"],
        "at": _iso(item["at"]),
        "text": str(item["text"]),
        "case": {**case, "url": reverse("cases:detail", args=[case["id"]])},
    }


def dashboard_payload(user, area: Area, *, days: int, figure: str) -> dict:
    """The dashboard of `area` (one the user may see: `figures.dashboard_area`) over the last `days`
    days, its map coloured by `figure`."""
    days, figure = check_query(days, figure)
    first, last = figures.period(days)
    trend = figures.trend(user, area, first, last)
    totals = figures.summed(trend)
    rates = figures.rates(totals)
    coverage = figures.coverage(user, [area.pk], today=last).get(area.pk)
    now = figures.now(user, area)
    moments = dict(
        RollupState.objects.filter(name__in=[STATE, STOCK_STATE]).values_list("name", "refreshed_at")
    )
    return {
        "area": {
            "id": area.pk,
            "name": area.name,
            "level": area.level,
            "level_label": str(area.get_level_display()),
            "url": dashboard_url(area.pk),
            "breadcrumb": _breadcrumb(user, area),
        },
        "period": {"days": days, "first": _iso(first), "last": _iso(last)},
        "figure": {"name": figure, **_map_figure(figure)},
        "map_figures": [{"name": name, **_map_figure(name)} for name in MAP_FIGURES],
        "refreshed_at": _iso(moments.get(STATE)),
        "counted_at": _iso(moments.get(STOCK_STATE)),
        "tiles": {
            **now,
            **{name: rates[name].as_dict() for name in TILE_RATES},
            "visit_coverage": {
                **(coverage["rate"] if coverage else figures.Rate(0, 0)).as_dict(),
                "planned": coverage["planned"] if coverage else 0,
                "overdue": coverage["overdue"] if coverage else 0,
            },
        },
        "totals": totals,
        "trend": [
            {
                "day": _iso(row["day"]),
                "visits": row["visits"],
                **{name: row[name] for name in TREND_MEASURES},
            }
            for row in trend
        ],
        "categories": [
            {"id": row["category"], "name": row["name"], **{name: row[name] for name in CATEGORY_MEASURES}}
            for row in figures.by_category(user, area, first, last)
        ],
        "children": [_child(entry, figure) for entry in figures.children(user, area, first, last)],
        "departments": _ranked(
            [_department(entry) for entry in figures.departments(user, area, first, last)]
        ),
        "feed": [_feed_item(item) for item in figures.feed(user, area)],
    }


def _map_figure(name: str) -> dict:
    figure = MAP_FIGURES[name]
    return {"label": str(figure.label), "kind": figure.kind, "better": figure.better}


def child_boundaries(user, area: Area) -> dict:
    """The GeoJSON boundaries of the area's children as one FeatureCollection for the map, each feature
    named by the child's id (children without a boundary are left out: the page lists them)."""
    features = [
        {"type": "Feature", "properties": {"name": str(pk), "title": name}, "geometry": boundary}
        for pk, name, boundary in Area.objects.holding(user, "dashboard.view")
        .filter(parent=area, is_active=True)
        .exclude(boundary=None)
        .order_by("code")
        .values_list("pk", "name", "boundary")
    ]
    return {"type": "FeatureCollection", "features": features}
