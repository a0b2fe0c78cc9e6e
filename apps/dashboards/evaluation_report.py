"""What the evaluation pages, the workbook and the API show: which areas a user may evaluate, the months
that may be asked for with their defaults, and each score's lines with the figures named, so that every
reader sees how a score was made.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.areas.choices import AreaLevel
from apps.areas.models import Area

from .choices import Subject
from .evaluation import SUBJECTS_AT, Indicator, Line, Score, month_bounds
from .models import AreaDay, DepartmentDay, WorkerDay

PERMISSION = "evaluation.view"
MONTHS = 12
MONTH_FORMAT = "%Y-%m"

# Where the figures of each subject come from, for their names.
FIGURE_MODELS = {
    Subject.DEPARTMENT: (DepartmentDay,),
    Subject.STREET: (AreaDay,),
    Subject.COMMUNITY: (AreaDay,),
    Subject.GRID_WORKER: (WorkerDay, AreaDay),
}
# Figures that are not rollup columns: the visit plan as it stood at the end of the month.
STOCK_FIGURES = {
    "planned": _("households with a visit plan"),
    "covered": _("households visited in time"),
}


# The areas and months a user may ask for.


def evaluation_areas(user) -> QuerySet[Area]:
    """The areas whose evaluation the user may see: where they hold evaluation.view, districts to
    communities (a district command evaluates any street under it too)."""
    return Area.objects.holding(user, PERMISSION).filter(is_active=True, level__lte=AreaLevel.COMMUNITY)


def evaluation_home(user) -> Area | None:
    """The area a user's evaluation opens on: the highest one they may evaluate."""
    return evaluation_areas(user).order_by("level", "code").first()


def area_choices(user, area: Area) -> list[Area]:
    """The areas offered in the form around `area`: the user's highest ones, the way down to `area`
    and the areas right below it (a whole megacity would not fit in one list)."""
    scope_top = evaluation_areas(user).order_by("level", "code").values("level")[:1]
    nearby = Q(pk=area.pk) | Q(pk__in=area.ancestor_ids) | Q(parent=area) | Q(level__in=scope_top)
    return list(evaluation_areas(user).filter(nearby).order_by("code").only("pk", "name", "level", "code"))


def months(today: date | None = None) -> list[date]:
    """The months that may be evaluated, newest first: this one (so far) and the twelve before it."""
    month = (today or timezone.localdate()).replace(day=1)
    result = [month]
    for _step in range(MONTHS):
        month = (month - timedelta(days=1)).replace(day=1)
        result.append(month)
    return result


def last_complete_month(today: date | None = None) -> date:
    return months(today)[1]


def default_month(area: Area, today: date | None = None) -> date:
    """The last complete month; the current one (so far) when no case fact at all was counted in the area
    last month, as in a new installation."""
    current, last = months(today)[:2]
    counted = AreaDay.objects.filter(area=area, day__range=month_bounds(last)).exists()
    return last if counted else current


def parse_month(text: str, today: date | None = None) -> date | None:
    """The first day of a month written YYYY-MM, when it is one that may be evaluated."""
    allowed = {month.strftime(MONTH_FORMAT): month for month in months(today)}
    return allowed.get(text)


def default_subject(area: Area) -> str:
    return SUBJECTS_AT[area.level][0]


# A score in words.


@dataclass
class Row:
    """One line of a breakdown: the indicator, the figures it was computed from, and what it gave."""

    line: Line
    numerator_label: str
    denominator_label: str
    reason: str

    @property
    def indicator(self) -> Indicator:
        return self.line.indicator

    @property
    def counted(self) -> bool:
        return self.line.value is not None and bool(self.line.weight)


def figure_label(subject: str, columns: tuple[str, ...]) -> str:
    """The names of the figures summed for one side of an indicator ("rated satisfied + …")."""
    names = []
    for column in columns:
        if column in STOCK_FIGURES:
            names.append(str(STOCK_FIGURES[column]))
            continue
        for model in FIGURE_MODELS[subject]:
            try:
                names.append(str(model._meta.get_field(column).verbose_name))
                break
            except FieldDoesNotExist:
                continue
        else:
            names.append(column)
    return " + ".join(names)


def denominator_label(subject: str, indicator: Indicator) -> str:
    if indicator.kind == "relative":
        return str(_("the most among those compared"))
    if indicator.kind == "points":
        return str(_("%(figure)s, 4 points each") % {"figure": figure_label(subject, indicator.denominator)})
    return figure_label(subject, indicator.denominator)


def _reason(line: Line) -> str:
    """Why a line does not count, or "" when it does."""
    if line.value is None:
        if line.indicator.kind == "relative":
            return str(_("Left out: none of those compared has any."))
        return str(_("Left out: nothing to measure this month."))
    if not line.weight:
        return str(_("Not counted: its weight is 0."))
    return ""


def breakdown(score: Score) -> list[Row]:
    return [
        Row(
            line=line,
            numerator_label=figure_label(score.subject, line.indicator.numerator),
            denominator_label=denominator_label(score.subject, line.indicator),
            reason=_reason(line),
        )
        for line in score.lines
    ]


def kind_label(indicator: Indicator) -> str:
    """How the value of an indicator is computed, in words."""
    return str(
        {
            "rate": _("numerator ÷ denominator"),
            "inverse": _("the rest: 1 - numerator ÷ denominator"),
            "relative": _("against the best of those compared"),
            "points": _("rating points ÷ the most points possible"),
        }[indicator.kind]
    )


def points_total(score: Score) -> float:
    return round(sum(line.points for line in score.lines if line.value is not None and line.weight), 1)
