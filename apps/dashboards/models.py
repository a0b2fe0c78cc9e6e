"""Rollups (backbone decision 8): additive counts per day, area and category, kept fresh from the
immutable facts of the case timeline and the visits, and the weights of the monthly evaluation (考核).

Every rollup row is placed in one area of levels 1 to 4 with that area's ancestors copied, so the figures
of an area are its own rows (`area_id = X`), the figures of its children are the rows whose `parent_id`
is X, and `restrict()` scopes them like any other row placed in an area. Rates are never stored: they
are computed when read (`apps.dashboards.figures`).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.scope import RestrictedQuerySet, Scope, subtree_filter

from .choices import Subject


def counter(verbose_name) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(verbose_name, default=0)


# Rollup rows are derived from facts whose own keys are checked, and are replaced whole at each refresh;
# checking each of their keys again for tens of thousands of rows at commit made up most of a day's
# refresh, so their foreign keys have no database constraint (Django still cascades deletions).
DERIVED = {"related_name": "+", "db_index": False, "db_constraint": False}


def _ancestor(verbose_name) -> models.ForeignKey:
    # No index of its own: the rows are read by area or parent and day, and written by the ten thousand.
    # No constraint either: see DERIVED.
    return models.ForeignKey(
        "areas.Area",
        models.CASCADE,
        null=True,
        blank=True,
        verbose_name=verbose_name,
        **DERIVED,
    )


def day_index(model_name: str) -> models.Index:
    """Each refresh replaces a day's rows: without this, deleting them scans the whole table, so every
    day of a year's first fill took longer than the one before."""
    return models.Index(fields=["day"], name=f"dashboards_{model_name}_day")


def one_row_per_area_and_day(model_name: str) -> tuple[list, list]:
    """The constraints and indexes of a rollup with one row per area and day: unique by both, its
    children's rows read by parent and day, and its days replaced whole."""
    return (
        [models.UniqueConstraint(fields=["area", "day"], name=f"dashboards_{model_name}_unique")],
        [
            models.Index(fields=["parent", "day"], name=f"dashboards_{model_name}_children"),
            day_index(model_name),
        ],
    )


class Placed(models.Model):
    """Where a dashboard row belongs: its area, the area's level and parent, and the area's ancestors by
    level (the area itself included at its own level), so that `restrict()` scopes it like any row placed
    in an area and an area's children's rows are those whose `parent_id` is the area."""

    area = models.ForeignKey("areas.Area", models.CASCADE, verbose_name=_("area"), **DERIVED)
    level = models.PositiveSmallIntegerField(_("level"))
    parent = _ancestor(_("parent area"))
    district = _ancestor(_("district"))
    street = _ancestor(_("street"))
    community = _ancestor(_("community"))
    grid = _ancestor(_("grid"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> models.Q | None:
        """The rows of the areas where the user holds dashboard.view (or dashboard.<action>)."""
        return subtree_filter(scope.areas(f"dashboard.{action}"))


class Rollup(Placed):
    """What every rollup row has: its day (in the installation's time zone) and its place.

    Rollups are derived rows: they are not `PlacedInArea` (re-gridding does not move them); the days
    after a change are recomputed by the refresh, older days keep the grid they were counted in.
    """

    day = models.DateField(_("day"))

    class Meta:
        abstract = True


class OrderFigures(models.Model):
    """The figures of the departments' work, counted for an area (CaseDay) and for each department."""

    orders_received = counter(_("orders to departments"))
    checked_in = counter(_("signed for or checked in"))
    checked_in_on_time = counter(_("signed for or checked in on time"))
    orders_resolved = counter(_("orders resolved"))
    orders_resolved_on_time = counter(_("orders resolved on time"))
    overdue = counter(_("limits missed"))
    escalated = counter(_("escalations"))
    returned = counter(_("orders returned"))
    reopened = counter(_("reopened"))
    rated_satisfied = counter(_("rated satisfied"))
    rated_basically_satisfied = counter(_("rated basically satisfied"))
    rated_dissatisfied = counter(_("rated dissatisfied"))

    class Meta:
        abstract = True


class CaseFigures(OrderFigures):
    """The figures of the cases themselves, besides the departments' work on them."""

    created = counter(_("reported"))
    accepted = counter(_("accepted"))
    resolved = counter(_("resolved"))
    resolved_in_grid = counter(_("resolved within the grid"))
    closed = counter(_("closed"))
    whistled_emergency = counter(_("emergency whistles"))
    whistled_joint = counter(_("joint whistles"))
    whistled_quick = counter(_("quick whistles"))

    class Meta:
        abstract = True


class CaseDay(CaseFigures, Rollup):
    """The case facts of one day in one area and one category."""

    category = models.ForeignKey("cases.Category", models.CASCADE, verbose_name=_("category"), **DERIVED)

    class Meta:
        verbose_name = _("daily case figures by category")
        verbose_name_plural = _("daily case figures by category")
        constraints = [
            models.UniqueConstraint(fields=["area", "day", "category"], name="dashboards_caseday_unique"),
        ]
        indexes = [day_index("caseday")]

    def __str__(self) -> str:
        return f"{self.day} {self.area_id} {self.category_id}"


class AreaDay(CaseFigures, Rollup):
    """The case facts of one day in one area, all categories together: the same sums as the area's
    CaseDay rows, kept as one row so that tiles, trends and rankings over a year read a row per day
    instead of one per category and day."""

    class Meta:
        verbose_name = _("daily case figures")
        verbose_name_plural = _("daily case figures")
        constraints, indexes = one_row_per_area_and_day("areaday")

    def __str__(self) -> str:
        return f"{self.day} {self.area_id}"


class DepartmentDay(OrderFigures, Rollup):
    """What one department did on one day for the cases of one area (levels 1 to 3)."""

    department = models.ForeignKey(
        "departments.Department",
        models.CASCADE,
        verbose_name=_("department"),
        **DERIVED,
    )
    minutes_over = counter(_("minutes over the limits"))
    response_rated = counter(_("responses rated"))
    response_points = counter(_("response rating points"))

    class Meta:
        verbose_name = _("daily department figures")
        verbose_name_plural = _("daily department figures")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "day", "department"], name="dashboards_departmentday_unique"
            ),
        ]
        indexes = [day_index("departmentday")]

    def __str__(self) -> str:
        return f"{self.day} {self.area_id} {self.department_id}"


class VisitDay(Rollup):
    """Visits made on one day in one area, and the area's households planned for visits and overdue as
    they stood at the last refresh of that day (a stock, which cannot be recomputed for a past day)."""

    visits = counter(_("visits"))
    households_planned = counter(_("households with a visit plan"))
    households_overdue = counter(_("households overdue for a visit"))
    snapshot_at = models.DateTimeField(_("households counted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("daily visit figures")
        verbose_name_plural = _("daily visit figures")
        constraints, indexes = one_row_per_area_and_day("visitday")

    def __str__(self) -> str:
        return f"{self.day} {self.area_id}"


class WorkerDay(Rollup):
    """One grid worker's visits and reported problems on one day, in one grid."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        verbose_name=_("grid worker"),
        **DERIVED,
    )
    visits = counter(_("visits"))
    cases_reported = counter(_("problems reported"))

    class Meta:
        verbose_name = _("daily grid worker figures")
        verbose_name_plural = _("daily grid worker figures")
        constraints = [
            models.UniqueConstraint(fields=["area", "day", "worker"], name="dashboards_workerday_unique"),
        ]
        # The grid workers of a community, a street or a district over a month.
        indexes = [
            models.Index(fields=[level, "day"], name=f"dashboards_workerday_{level}")
            for level in ("community", "street", "district")
        ] + [day_index("workerday")]

    def __str__(self) -> str:
        return f"{self.day} {self.area_id} {self.worker_id}"


class CaseStock(Placed):
    """What stands in one area (levels 1 to 4) at the last count: open cases, cases with a missed limit on
    an open order, and cases escalated to a higher level still being worked on. A stock, not a flow: it is
    counted whole from the case tables (`apps.dashboards.rollup.count_stock`, every minute) and read by
    the dashboards' tiles, so that a district's tiles read one row instead of counting its open cases.
    Areas with nothing standing have no row."""

    open = counter(_("open cases"))
    overdue = counter(_("cases with a missed limit"))
    escalated = counter(_("cases escalated"))

    class Meta:
        verbose_name = _("cases standing now")
        verbose_name_plural = _("cases standing now")
        constraints = [models.UniqueConstraint(fields=["area"], name="dashboards_casestock_unique")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.open}/{self.overdue}/{self.escalated}"


STOCK_MEASURES = ("open", "overdue", "escalated")


class RollupState(models.Model):
    """The watermark: every day up to `complete_through` has been computed after it ended."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    complete_through = models.DateField(_("complete through"), null=True, blank=True)
    refreshed_at = models.DateTimeField(_("last refreshed at"), null=True, blank=True)
    refreshed_days = models.PositiveIntegerField(_("days computed at the last refresh"), default=0)
    seconds = models.FloatField(_("seconds taken by the last refresh"), default=0)

    class Meta:
        verbose_name = _("rollup state")
        verbose_name_plural = _("rollup state")

    def __str__(self) -> str:
        return f"{self.name} {self.complete_through}"


class EvaluationWeight(models.Model):
    """How much one indicator counts in the monthly score of one kind of subject."""

    subject = models.CharField(_("evaluated"), max_length=20, choices=Subject.choices)
    indicator = models.CharField(_("indicator"), max_length=40)
    weight = models.PositiveSmallIntegerField(
        _("weight"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["subject", "id"]
        verbose_name = _("evaluation weight")
        verbose_name_plural = _("evaluation weights")
        constraints = [
            models.UniqueConstraint(fields=["subject", "indicator"], name="dashboards_weight_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} · {self.indicator} · {self.weight}"
