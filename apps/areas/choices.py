from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevel(models.IntegerChoices):
    """The five levels of the grid, top down; a child is always exactly one level below its parent."""

    DISTRICT = 1, _("district")
    STREET = 2, _("street")
    COMMUNITY = 3, _("community")
    GRID = 4, _("grid")
    BUILDING = 5, _("building")


# The column that copies the ancestor at each level, on Area itself and on every row placed in an area.
LEVEL_FIELDS: dict[int, str] = {
    AreaLevel.DISTRICT: "district",
    AreaLevel.STREET: "street",
    AreaLevel.COMMUNITY: "community",
    AreaLevel.GRID: "grid",
    AreaLevel.BUILDING: "building",
}


class AreaKind(models.TextChoices):
    """What an area is called locally; each kind belongs to one level."""

    DISTRICT = "district", _("district (区)")
    COUNTY = "county", _("county (县)")
    STREET = "street", _("street (街道)")
    TOWN = "town", _("town (镇)")
    TOWNSHIP = "township", _("township (乡)")
    COMMUNITY = "community", _("community (社区)")
    VILLAGE = "village", _("village (村)")
    GRID = "grid", _("grid (网格)")
    MICRO_GRID = "micro_grid", _("micro-grid (微网格)")
    BUILDING = "building", _("building (楼栋)")
    BUILDING_GROUP = "building_group", _("building group (楼组)")


KIND_LEVEL: dict[str, int] = {
    AreaKind.DISTRICT: AreaLevel.DISTRICT,
    AreaKind.COUNTY: AreaLevel.DISTRICT,
    AreaKind.STREET: AreaLevel.STREET,
    AreaKind.TOWN: AreaLevel.STREET,
    AreaKind.TOWNSHIP: AreaLevel.STREET,
    AreaKind.COMMUNITY: AreaLevel.COMMUNITY,
    AreaKind.VILLAGE: AreaLevel.COMMUNITY,
    AreaKind.GRID: AreaLevel.GRID,
    AreaKind.MICRO_GRID: AreaLevel.GRID,
    AreaKind.BUILDING: AreaLevel.BUILDING,
    AreaKind.BUILDING_GROUP: AreaLevel.BUILDING,
}

DEFAULT_KIND: dict[int, str] = {
    AreaLevel.DISTRICT: AreaKind.DISTRICT,
    AreaLevel.STREET: AreaKind.STREET,
    AreaLevel.COMMUNITY: AreaKind.COMMUNITY,
    AreaLevel.GRID: AreaKind.MICRO_GRID,
    AreaLevel.BUILDING: AreaKind.BUILDING,
}


class AreaChangeKind(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("details changed")
    RENAME = "rename", _("renamed")
    MOVE = "move", _("moved")
    SPLIT = "split", _("split")
    MERGE = "merge", _("merged")
    RETIRE = "retire", _("retired")


class ComplianceRule(models.TextChoices):
    GRID_HOUSEHOLDS_LOW = "grid_households_low", _("grid has fewer households than the standard")
    GRID_HOUSEHOLDS_HIGH = "grid_households_high", _("grid has more households than the standard")
    COMMUNITY_SPLIT = "community_split", _("community is large enough to call for a split")
    COMMUNITY_MERGE = "community_merge", _("community is small enough to call for a merge")
    STAFFING_RATIO = "staffing_ratio", _("too few community workers for the population")
    NO_GRID_HEAD = "no_grid_head", _("grid has no grid head")
    NO_FULL_TIME_WORKER = "no_full_time_worker", _("grid has no full-time grid worker")
