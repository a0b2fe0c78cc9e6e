"""The five-level grid as one tree table, the history of its changes and the grid standards."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.scope import CHANGE, RestrictedQuerySet, Scope, subtree_filter

from .choices import LEVEL_FIELDS, AreaChangeKind, AreaKind, AreaLevel
from .validators import validate_boundary

# The largest household or population figure one area can be given (a megacity has about 25 million).
FIGURE_MAX = 100_000_000


class PlacedInArea(models.Model):
    """A row placed in an area, carrying copies of that area's ancestors (backbone decision 2).

    A scope filter is then one equality on an indexed column, and a per-level GROUP BY needs no join.
    The copies are written by services at creation and follow the tree when areas are moved or merged
    (`apps.areas.services` updates every subclass in the same transaction).
    """

    district = models.ForeignKey(
        "areas.Area", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("district")
    )
    street = models.ForeignKey(
        "areas.Area", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("street")
    )
    community = models.ForeignKey(
        "areas.Area", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("community")
    )
    grid = models.ForeignKey(
        "areas.Area", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("grid")
    )
    building = models.ForeignKey(
        "areas.Area", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("building")
    )

    # The column naming the row's own area; Area itself is its own area.
    area_field = "area"
    # The resource of the permissions that `restrict` checks ("area" asks for "area.view" …).
    scope_resource = ""

    class Meta:
        abstract = True

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> models.Q | None:
        """The rows in the subtrees where the user holds the permission; None when there are none."""
        return subtree_filter(scope.areas(f"{cls.scope_resource}.{action}"))

    def copy_ancestors(self, area: "Area | None") -> None:
        """Set the ancestor columns from `area` (the area itself included at its own level)."""
        for field in LEVEL_FIELDS.values():
            setattr(self, f"{field}_id", getattr(area, f"{field}_id", None) if area else None)


class Area(PlacedInArea):
    """One node of the grid: a district, street, community, grid or building.

    `path` lists the ids from the root down to this area ("/1/7/42/"); the ancestor columns hold the same
    ids by level, this area's own id included, so "the subtree of street 7" is `street_id = 7`.
    Areas are never deleted: a merged area is retired and points at the area that absorbed it.
    """

    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent area")
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=AreaLevel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=AreaKind.choices)
    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        help_text=_("Stable code: county 6 + street 3 + community 3 + grid 2 digits (buildings add 3)."),
    )
    name = models.CharField(_("name"), max_length=100)
    path = models.CharField(_("path"), max_length=255, editable=False)
    # Totals up the tree: 64-bit, so that a district's sum can never overflow; entries are capped.
    households = models.PositiveBigIntegerField(
        _("households"), default=0, validators=[MaxValueValidator(FIGURE_MAX)]
    )
    population = models.PositiveBigIntegerField(
        _("population"), default=0, validators=[MaxValueValidator(FIGURE_MAX)]
    )
    boundary = models.JSONField(
        _("boundary (GeoJSON)"), null=True, blank=True, validators=[validate_boundary]
    )
    centre_lng = models.FloatField(
        _("centre longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    centre_lat = models.FloatField(
        _("centre latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    is_active = models.BooleanField(_("active"), default=True)
    merged_into = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("merged into")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    scope_resource = "area"
    area_field = "self"

    class Meta:
        ordering = ["code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        indexes = [
            models.Index(fields=["path"], name="area_path_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["parent", "name"], name="area_parent_name_idx"),
            models.Index(fields=["level", "is_active"], name="area_level_active_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="area_level_range"),
            models.CheckConstraint(
                condition=models.Q(level=1, parent__isnull=True)
                | models.Q(level__gt=1, parent__isnull=False),
                name="area_parent_matches_level",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def scope_filter(cls, scope: Scope, action: str) -> models.Q | None:
        areas = scope.areas(f"area.{action}")
        condition = subtree_filter(areas)
        if condition is not None and action == CHANGE:
            # An area's own name, code and place are decided one level up (unless the user also holds
            # the permission higher up).
            condition &= ~models.Q(id__in=scope.top_areas(f"area.{action}"))
        return condition

    @property
    def ancestor_ids(self) -> list[int]:
        """The ids from the root down to the parent."""
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]

    @property
    def level_field(self) -> str:
        return LEVEL_FIELDS[self.level]


class AreaChange(models.Model):
    """The append-only history of the tree: who created, renamed, moved, split or merged which area."""

    area = models.ForeignKey(Area, models.PROTECT, related_name="changes", verbose_name=_("area"))
    kind = models.CharField(_("change"), max_length=10, choices=AreaChangeKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    data = models.JSONField(_("details"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("area change")
        verbose_name_plural = _("area changes")

    def __str__(self) -> str:
        return f"{self.area} · {self.get_kind_display()}"


class GridStandard(models.Model):
    """The grid standards that the compliance report checks. One row (pk 1) holds the figures in force."""

    households_per_grid_min = models.PositiveIntegerField(_("minimum households per grid"), default=300)
    households_per_grid_max = models.PositiveIntegerField(_("maximum households per grid"), default=500)
    community_split_above = models.PositiveIntegerField(
        _("community households calling for a split"),
        default=3000,
        help_text=_("A community with more households than this should be split."),
    )
    community_merge_below = models.PositiveIntegerField(
        _("community households calling for a merge"),
        default=1000,
        help_text=_("A community with fewer households than this should be merged."),
    )
    workers_per_10k_residents = models.DecimalField(
        _("community workers per 10,000 residents"), max_digits=5, decimal_places=1, default=18
    )
    grid_head_required = models.BooleanField(_("each grid has a grid head"), default=True)
    full_time_workers_per_grid = models.PositiveSmallIntegerField(
        _("full-time grid workers required per grid"), default=1
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        verbose_name = _("grid standard")
        verbose_name_plural = _("grid standards")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(households_per_grid_min__lte=models.F("households_per_grid_max")),
                name="gridstandard_household_range",
                violation_error_message=_("The minimum households per grid cannot exceed the maximum."),
            ),
            models.CheckConstraint(
                condition=models.Q(community_merge_below__lt=models.F("community_split_above")),
                name="gridstandard_merge_below_split",
                violation_error_message=_("The merge threshold must be below the split threshold."),
            ),
        ]

    def __str__(self) -> str:
        return str(_("grid standard"))
