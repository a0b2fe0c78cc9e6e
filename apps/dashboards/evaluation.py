"""The monthly evaluation (考核): scores of departments, streets, communities and grid workers, each
computed from the rollups of the month with the weights in force, and each with its breakdown.

A score is the weighted mean of its indicators, each 0 to 100. An indicator with nothing to measure (no
order received, no case rated) is left out of that subject's score and its weight with it, and the
breakdown says so. Counts (visits, problems found) score against the best of the subjects compared:
the one who did most gets 100.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import RoleAssignment
from apps.accounts.roles import Role
from apps.accounts.scope import require
from apps.areas.choices import AreaLevel
from apps.areas.models import Area

from .choices import Subject
from .figures import CASE_MEASURES, Rate, coverage, departments, filled, sums_of
from .models import AreaDay, EvaluationWeight, WorkerDay


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()
    # "rate": numerator / denominator; "inverse": 1 - that; "relative": the count against the best one;
    # "points": rating points against the most points the ratings could have given.
    kind: str = "rate"
    default_weight: int = 0


SATISFIED = ("rated_satisfied", "rated_basically_satisfied")
RATED = (*SATISFIED, "rated_dissatisfied")
KEPT = ("checked_in_on_time", "orders_resolved_on_time")

INDICATORS: dict[str, tuple[Indicator, ...]] = {
    Subject.DEPARTMENT: (
        Indicator(
            "response_rate", _("response rate"), ("checked_in_on_time",), ("orders_received",), "rate", 20
        ),
        Indicator(
            "on_time_rate", _("on-time rate"), ("orders_resolved_on_time",), ("orders_resolved",), "rate", 25
        ),
        Indicator("satisfaction_rate", _("satisfaction rate"), SATISFIED, RATED, "rate", 25),
        Indicator(
            "return_rate", _("orders not returned"), ("returned",), ("orders_received",), "inverse", 10
        ),
        Indicator(
            "reopen_rate", _("resolutions not reopened"), ("reopened",), ("orders_resolved",), "inverse", 10
        ),
        Indicator(
            "response_rating",
            _("rating by the whistling levels"),
            ("response_points",),
            ("response_rated",),
            "points",
            10,
        ),
    ),
    Subject.STREET: (),
    Subject.COMMUNITY: (),
    Subject.GRID_WORKER: (
        Indicator("visits", _("visits made"), ("visits",), (), "relative", 30),
        Indicator("coverage", _("visit coverage of the grid"), ("covered",), ("planned",), "rate", 30),
        Indicator("problems_found", _("problems found"), ("cases_reported",), (), "relative", 20),
        Indicator(
            "in_grid_rate", _("resolved within the grid"), ("resolved_in_grid",), ("resolved",), "rate", 20
        ),
    ),
}
AREA_INDICATORS = (
    Indicator(
        "on_time_rate", _("on-time rate"), ("orders_resolved_on_time",), ("orders_resolved",), "rate", 20
    ),
    Indicator("satisfaction_rate", _("satisfaction rate"), SATISFIED, RATED, "rate", 25),
    Indicator(
        "in_grid_rate", _("resolved within the grid"), ("resolved_in_grid",), ("resolved",), "rate", 20
    ),
    # Every limit is either kept (met on time) or missed once; limits still running count for neither.
    Indicator("limits_kept", _("time limits kept"), KEPT, (*KEPT, "overdue"), "rate", 10),
    Indicator("reopen_rate", _("resolutions not reopened"), ("reopened",), ("resolved",), "inverse", 10),
    Indicator("coverage", _("visit coverage"), ("covered",), ("planned",), "rate", 15),
)
INDICATORS[Subject.STREET] = AREA_INDICATORS
INDICATORS[Subject.COMMUNITY] = AREA_INDICATORS
# The subjects each level of area evaluates: a district its streets and departments, a street its
# communities, departments and grid workers, a community its grid workers.
SUBJECTS_AT = {
    AreaLevel.DISTRICT: (Subject.DEPARTMENT, Subject.STREET, Subject.GRID_WORKER),
    AreaLevel.STREET: (Subject.DEPARTMENT, Subject.COMMUNITY, Subject.GRID_WORKER),
    AreaLevel.COMMUNITY: (Subject.GRID_WORKER,),
}


def weights(subject: str) -> dict[str, int]:
    """The weight of each indicator of `subject`: as set by an administrator, else the default."""
    stored = dict(EvaluationWeight.objects.filter(subject=subject).values_list("indicator", "weight"))
    return {
        indicator.code: stored.get(indicator.code, indicator.default_weight)
        for indicator in INDICATORS[subject]
    }


@transaction.atomic
def weights_save(*, actor, subject: str, values: dict[str, int]) -> dict[str, int]:
    """Set the weights of one subject's indicators (superusers: one scheme for the installation)."""
    require(actor, "evaluation.change", None, _("Only system administrators set the evaluation weights."))
    if subject not in Subject.values:
        raise ValidationError({"subject": _("Choose what is evaluated.")})
    codes = {indicator.code for indicator in INDICATORS[subject]}
    errors = {}
    for code, weight in values.items():
        if code not in codes:
            errors[code] = _("Unknown indicator.")
        elif isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= 100:
            errors[code] = _("A weight is a whole number from 0 to 100.")
    merged = {**weights(subject), **{k: v for k, v in values.items() if k not in errors}}
    if not errors and not any(merged.values()):
        errors["__all__"] = _("At least one indicator must count.")
    if errors:
        raise ValidationError(errors)
    for code, weight in values.items():
        EvaluationWeight.objects.update_or_create(
            subject=subject, indicator=code, defaults={"weight": weight}
        )
    return weights(subject)


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


@dataclass
class Line:
    indicator: Indicator
    weight: int
    numerator: int
    denominator: int | None
    value: float | None = None

    @property
    def points(self) -> float | None:
        return None if self.value is None else self.value * self.weight


@dataclass
class Score:
    subject: str
    key: int
    name: str
    figures: dict
    lines: list[Line] = field(default_factory=list)
    rank: int = 0

    @property
    def score(self) -> float | None:
        counted = [line for line in self.lines if line.value is not None and line.weight]
        total = sum(line.weight for line in counted)
        if not total:
            return None
        return round(sum(line.points for line in counted) / total, 1)

    @property
    def weight_counted(self) -> int:
        return sum(line.weight for line in self.lines if line.value is not None)


def _score(subjects: list[Score], subject: str) -> list[Score]:
    """Fill each subject's lines from its figures, then rank by score (no score last)."""
    weighting = weights(subject)
    best = {
        indicator.code: max(
            (sum(s.figures.get(c, 0) for c in indicator.numerator) for s in subjects), default=0
        )
        for indicator in INDICATORS[subject]
        if indicator.kind == "relative"
    }
    for item in subjects:
        item.lines = []
        for indicator in INDICATORS[subject]:
            numerator = sum(item.figures.get(column, 0) for column in indicator.numerator)
            if indicator.kind == "relative":
                denominator = best[indicator.code]
                value = Rate(numerator, denominator).value
            elif indicator.kind == "points":
                denominator = 4 * sum(item.figures.get(column, 0) for column in indicator.denominator)
                value = Rate(numerator, denominator).value
            else:
                denominator = sum(item.figures.get(column, 0) for column in indicator.denominator)
                value = Rate(numerator, denominator, inverse=indicator.kind == "inverse").value
            item.lines.append(Line(indicator, weighting[indicator.code], numerator, denominator, value))
    ranked = sorted(subjects, key=lambda s: (s.score is None, -(s.score or 0), s.name))
    # Equal scores share a rank, and the next rank counts them all (1, 1, 3).
    for position, item in enumerate(ranked, start=1):
        previous = ranked[position - 2] if position > 1 else None
        item.rank = previous.rank if previous and previous.score == item.score else position
    return ranked


def evaluate(user, *, area: Area, subject: str, month: date) -> list[Score]:
    """The scores of `subject` under `area` for the month, ranked."""
    if subject not in SUBJECTS_AT.get(area.level, ()):
        raise ValidationError({"subject": _("This level of area does not evaluate that.")})
    first, last = month_bounds(month)
    if subject == Subject.DEPARTMENT:
        # The same sums the dashboard's department ranking reads.
        subjects = [
            Score(subject, entry["department"]["pk"], entry["department"]["name"], entry["figures"])
            for entry in departments(user, area, first, last)
        ]
    elif subject in (Subject.STREET, Subject.COMMUNITY):
        kids = list(
            Area.objects.holding(user, "evaluation.view")
            .filter(parent=area, is_active=True)
            .order_by("code")
            .values_list("pk", "name")
        )
        sums = {
            row["area_id"]: row
            for row in AreaDay.objects.restrict(user)
            .filter(parent=area, day__range=(first, last))
            .values("area_id")
            .annotate(**sums_of(CASE_MEASURES))
            .order_by()
        }
        covered = coverage(user, [pk for pk, _name in kids], today=last)
        subjects = []
        for pk, name in kids:
            figures = filled(sums.get(pk, {}), CASE_MEASURES)
            stock = covered.get(pk, {"planned": 0, "overdue": 0})
            figures.update(planned=stock["planned"], covered=stock["planned"] - stock["overdue"])
            subjects.append(Score(subject, pk, name, figures))
    else:
        subjects = _grid_workers(user, area, first, last)
    return _score(subjects, subject)


def _grid_workers(user, area: Area, first: date, last: date) -> list[Score]:
    """The grid workers holding a grid under `area`, with their own visits and reports and their grid's
    coverage and share resolved within the grid."""
    grids = dict(
        RoleAssignment.objects.active()
        .filter(role=Role.GRID_WORKER, **{f"area__{area.level_field}_id": area.pk})
        .filter(area__in=Area.objects.holding(user, "evaluation.view"))
        .values_list("user_id", "area_id")
    )
    if not grids:
        return []
    users = {
        pk: full_name or username
        for pk, full_name, username in get_user_model()
        .objects.filter(pk__in=grids)
        .values_list("pk", "full_name", "username")
    }
    own = {
        row["worker_id"]: row
        for row in WorkerDay.objects.restrict(user)
        .filter(**{f"{area.level_field}_id": area.pk}, day__range=(first, last), worker_id__in=list(grids))
        .values("worker_id")
        .annotate(visits=Sum("visits"), cases_reported=Sum("cases_reported"))
        .order_by()
    }
    grid_sums = {
        row["area_id"]: row
        for row in AreaDay.objects.restrict(user)
        .filter(area_id__in=set(grids.values()), day__range=(first, last))
        .values("area_id")
        .annotate(resolved=Sum("resolved"), resolved_in_grid=Sum("resolved_in_grid"))
        .order_by()
    }
    covered = coverage(user, list(set(grids.values())), today=last)
    subjects = []
    for worker, grid in grids.items():
        stock = covered.get(grid, {"planned": 0, "overdue": 0})
        figures = {
            "visits": (own.get(worker) or {}).get("visits") or 0,
            "cases_reported": (own.get(worker) or {}).get("cases_reported") or 0,
            "resolved": (grid_sums.get(grid) or {}).get("resolved") or 0,
            "resolved_in_grid": (grid_sums.get(grid) or {}).get("resolved_in_grid") or 0,
            "planned": stock["planned"],
            "covered": stock["planned"] - stock["overdue"],
            "grid": grid,
        }
        subjects.append(Score(Subject.GRID_WORKER, worker, users[worker], figures))
    return subjects
