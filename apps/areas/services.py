"""Writes to the grid: create, update, rename, move, split and merge areas, each keeping history.

Rows placed in areas (every `PlacedInArea` model) copy their ancestors' ids. When the tree changes, those
copies follow in the same transaction: one UPDATE per model, filtered on the indexed ancestor column of
the area that moved. A re-gridding is rare and touches one subtree, so doing it at once keeps every scope
filter exact at every moment, with no window in which a row answers to its old street.
"""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum, Value
from django.db.models.functions import Coalesce, Concat, Greatest, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import RoleAssignment
from apps.accounts.scope import require, user_scope
from apps.core.db import save_or_refuse
from apps.departments.models import Department
from apps.party.models import PartyOrganisation

from .choices import DEFAULT_KIND, KIND_LEVEL, LEVEL_FIELDS, AreaChangeKind, AreaLevel
from .models import Area, AreaChange, GridStandard, PlacedInArea


def placed_models() -> list[type[PlacedInArea]]:
    """Every model, other than Area, whose rows copy their area's ancestors."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, PlacedInArea) and model is not Area and not model._meta.abstract
    ]


def _record(*, area: Area, kind: str, actor, data: dict | None = None, reason: str = "") -> AreaChange:
    return AreaChange.objects.create(area=area, kind=kind, actor=actor, data=data or {}, reason=reason)


def check_may_change_below(*, actor, parent: Area | None) -> None:
    """The actor may create or change areas below `parent` (a new district needs a superuser)."""
    require(actor, "area.change", parent, _("You may not change areas there."))


def _check_kind(*, level: int, kind: str) -> str:
    kind = kind or DEFAULT_KIND[level]
    if KIND_LEVEL.get(kind) != level:
        raise ValidationError(
            {
                "kind": _("This kind of area does not belong at the level of a %(level)s.")
                % {"level": AreaLevel(level).label}
            }
        )
    return kind


def _check_code_free(code: str, *, exclude: int | None = None) -> None:
    if Area.objects.filter(code=code).exclude(pk=exclude).exists():
        raise ValidationError({"code": _("An area with the code %(code)s already exists.") % {"code": code}})


@transaction.atomic
def area_create(
    *,
    actor,
    parent: Area | None,
    name: str,
    code: str,
    kind: str = "",
    households: int = 0,
    population: int = 0,
    boundary: dict | None = None,
    centre_lng: float | None = None,
    centre_lat: float | None = None,
) -> Area:
    if parent is not None:
        (parent,) = lock_tree(parent)
    if parent is not None and parent.level >= AreaLevel.BUILDING:
        raise ValidationError({"parent": _("A building cannot have areas below it.")})
    if parent is not None and not parent.is_active:
        raise ValidationError({"parent": _("This area has been merged away and takes no new areas.")})
    check_may_change_below(actor=actor, parent=parent)
    level = parent.level + 1 if parent else AreaLevel.DISTRICT
    kind = _check_kind(level=level, kind=kind)
    _check_code_free(code)
    area = Area(
        parent=parent,
        level=level,
        kind=kind,
        code=code,
        name=name,
        path="",
        households=households,
        population=population,
        boundary=boundary,
        centre_lng=centre_lng,
        centre_lat=centre_lat,
    )
    area.copy_ancestors(parent)
    area.full_clean(exclude=["path", "code"])
    # Another request may take the code between the check and the insert.
    save_or_refuse(area, {"code": _("An area with the code %(code)s already exists.") % {"code": code}})
    if parent is not None:
        _add_figures([*parent.ancestor_ids, parent.pk], households=households, population=population)
    area.path = f"{parent.path if parent else '/'}{area.pk}/"
    setattr(area, f"{LEVEL_FIELDS[level]}_id", area.pk)
    area.save(update_fields=["path", LEVEL_FIELDS[level]])
    _record(area=area, kind=AreaChangeKind.CREATE, actor=actor, data={"code": code, "name": name})
    return area


UPDATABLE = ("name", "kind", "households", "population", "boundary", "centre_lng", "centre_lat")


@transaction.atomic
def area_update(*, actor, area: Area, reason: str = "", **changes) -> Area:
    """Change an area's name, kind, figures, boundary or centre. The code and the place stay; a change
    of households or population is added to every ancestor's totals."""
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(unknown)}
        )
    check_may_change_below(actor=actor, parent=area.parent)
    (area,) = lock_tree(area)
    if "kind" in changes:
        changes["kind"] = _check_kind(level=area.level, kind=changes["kind"])
    before = {field: getattr(area, field) for field in changes}
    changed = {field: value for field, value in changes.items() if before[field] != value}
    if not changed:
        return area
    for field, value in changed.items():
        setattr(area, field, value)
    area.full_clean()
    area.save(update_fields=[*changed, "updated_at"])
    _add_figures(
        area.ancestor_ids,
        households=changed.get("households", before.get("households", 0)) - before.get("households", 0),
        population=changed.get("population", before.get("population", 0)) - before.get("population", 0),
    )
    kind = AreaChangeKind.RENAME if set(changed) == {"name"} else AreaChangeKind.UPDATE
    data = {
        field: {"from": before[field], "to": value} for field, value in changed.items() if field != "boundary"
    }
    if "boundary" in changed:
        data["boundary"] = {"changed": True}
    _record(area=area, kind=kind, actor=actor, data=data, reason=reason)
    return area


def _add_figures(area_ids: list[int], *, households: int, population: int) -> None:
    if area_ids and (households or population):
        Area.objects.filter(pk__in=area_ids).update(
            households=Greatest(F("households") + households, 0),
            population=Greatest(F("population") + population, 0),
        )


def _shift_figures(*, households: int, population: int, leaving: list[int], joining: list[int]) -> None:
    """Households and population are totals up the tree: areas that lose a subtree lose its figures, the
    ones that gain it gain them; ancestors shared by both keep theirs."""
    _add_figures(sorted(set(leaving) - set(joining)), households=-households, population=-population)
    _add_figures(sorted(set(joining) - set(leaving)), households=households, population=population)


def _reparent_subtree(*, area: Area, new_parent: Area) -> None:
    """Rewrite the paths and ancestor copies of `area`'s subtree, and of every row placed in it, and move
    its figures from the old ancestors to the new ones."""
    _shift_figures(
        households=area.households,
        population=area.population,
        leaving=area.ancestor_ids,
        joining=[*new_parent.ancestor_ids, new_parent.pk],
    )
    level_field = LEVEL_FIELDS[area.level]
    old_path, new_path = area.path, f"{new_parent.path}{area.pk}/"
    upper = {
        f"{LEVEL_FIELDS[level]}_id": getattr(new_parent, f"{LEVEL_FIELDS[level]}_id")
        for level in range(AreaLevel.DISTRICT, area.level)
    }
    Area.objects.filter(pk=area.pk).update(parent=new_parent)
    Area.objects.filter(**{f"{level_field}_id": area.pk}).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), **upper
    )
    for model in placed_models():
        model.objects.filter(**{f"{level_field}_id": area.pk}).update(**upper)


def _drop_stale_service(*, level_field: str, root_id: int) -> int:
    """After a subtree moved, a department keeps serving only the areas that still lie within its own
    district or street; one left serving nothing serves its own area again."""
    through = Department.served_areas.through
    links = through.objects.filter(**{f"area__{level_field}_id": root_id}).select_related(
        "department", "area"
    )
    stale = [
        link
        for link in links
        if getattr(link.area, f"{LEVEL_FIELDS[link.department.level]}_id") != link.department.area_id
    ]
    through.objects.filter(pk__in=[link.pk for link in stale]).delete()
    for department in {link.department for link in stale}:
        if not department.served_areas.exists():
            department.served_areas.add(department.area_id)
    return len(stale)


def _reattach_organisations(*, area: Area, old_parent_id: int, new_parent: Area) -> None:
    """The party organisations bound to `area` that hung under the old parent area's organisation now
    hang under the new parent area's (the first one, where there is one)."""
    new_parent_org = PartyOrganisation.objects.filter(area=new_parent).order_by("is_joint", "pk").first()
    if new_parent_org is not None:
        PartyOrganisation.objects.filter(area=area, parent__area_id=old_parent_id).update(
            parent=new_parent_org
        )


def place_row(row: PlacedInArea, area: Area) -> Area:
    """Copy `area`'s ancestors onto `row`, read under a shared lock of the tree (see `lock_tree`), so that
    the copy cannot be stale; returns the area as the database holds it now."""
    (area,) = lock_tree(area, shared=True)
    row.copy_ancestors(area)
    return area


def lock_tree(*areas: Area, shared: bool = False) -> list[Area]:
    """Serialise the writes to the trees holding these areas, and return the areas fresh from the database.

    Every service that changes the tree calls this first; every service that copies an area's ancestors
    onto a row calls it with `shared`. It locks the areas' districts in id order and only then the areas,
    so two writers never deadlock. A writer's lock (FOR UPDATE) waits for every shared one and excludes
    them; shared locks (FOR SHARE, PostgreSQL) do not exclude one another, so rows (cases, households,
    orders) are placed in one district concurrently, while no row copies the ancestors of an area that
    another transaction is moving. On SQLite, writes are serialised by the database already.
    """
    for _attempt in range(3):
        districts = sorted({area.district_id or area.pk for area in areas if area.pk})
        wanted = sorted({area.pk for area in areas})
        if shared:
            _lock_shared(districts)
            fresh = {area.pk: area for area in _lock_shared(wanted)}
        else:
            list(Area.objects.select_for_update().filter(pk__in=districts).order_by("pk").values_list("pk"))
            fresh = {
                area.pk: area
                for area in Area.objects.select_for_update().filter(pk__in=wanted).order_by("pk")
            }
        if len(fresh) < len(wanted):
            raise ValidationError(_("One of these areas no longer exists."))
        if {area.district_id for area in fresh.values()} <= set(districts):
            return [fresh[area.pk] for area in areas]
    raise ValidationError(_("The area is being moved to another district; try again."))


def _lock_shared(ids: list[int]) -> list[Area]:
    """The areas, read under FOR SHARE on PostgreSQL (Django's select_for_update has no shared mode)."""
    if connection.vendor != "postgresql":
        return list(Area.objects.filter(pk__in=ids).order_by("pk"))
    sql = f"SELECT * FROM {Area._meta.db_table} WHERE id = ANY(%s) ORDER BY id FOR SHARE"  # noqa: S608 - the model's table
    return list(Area.objects.raw(sql, [ids]))


@transaction.atomic
def area_move(*, actor, area: Area, new_parent: Area, reason: str = "") -> Area:
    """Place an area (with everything below it) under another parent one level above it."""
    area, new_parent = lock_tree(area, new_parent)
    if new_parent.pk == area.pk or getattr(new_parent, f"{area.level_field}_id") == area.pk:
        raise ValidationError({"parent": _("An area cannot be moved under itself or an area below it.")})
    if new_parent.level != area.level - 1:
        raise ValidationError(
            {
                "parent": _("A %(level)s must be placed directly under a %(parent)s.")
                % {
                    "level": AreaLevel(area.level).label,
                    "parent": AreaLevel(area.level - 1).label if area.level > 1 else "-",
                }
            }
        )
    if not area.is_active or not new_parent.is_active:
        raise ValidationError(_("Areas that have been merged away cannot be moved."))
    if new_parent.pk == area.parent_id:
        raise ValidationError({"parent": _("The area is already there.")})
    check_may_change_below(actor=actor, parent=area.parent)
    check_may_change_below(actor=actor, parent=new_parent)
    old_parent = area.parent
    _reparent_subtree(area=area, new_parent=new_parent)
    dropped = _drop_stale_service(level_field=area.level_field, root_id=area.pk)
    _reattach_organisations(area=area, old_parent_id=old_parent.pk, new_parent=new_parent)
    area.refresh_from_db()
    _record(
        area=area,
        kind=AreaChangeKind.MOVE,
        actor=actor,
        reason=reason,
        data={
            "from": {"id": old_parent.pk, "name": old_parent.name},
            "to": {"id": new_parent.pk, "name": new_parent.name},
            "services_dropped": dropped,
        },
    )
    return area


@transaction.atomic
def area_split(
    *,
    actor,
    area: Area,
    name: str,
    code: str,
    children: list[Area],
    households: int = 0,
    population: int = 0,
    reason: str = "",
) -> Area:
    """Split off a new sibling of `area`, taking the given children with their figures, plus the
    households and population given (figures of the area that no child carries)."""
    (area,) = lock_tree(area)
    if not area.is_active:
        raise ValidationError(_("Areas that have been merged away cannot be split."))
    if area.parent is None:
        raise ValidationError(_("A district is split by creating a new district."))
    if not children:
        raise ValidationError({"children": _("Choose the areas that go to the new area.")})
    # Read under the district's lock: nothing below can move meanwhile.
    chosen = {child.pk for child in children}
    children = list(Area.objects.filter(pk__in=chosen).order_by("pk"))
    if len(children) != len(chosen) or any(child.parent_id != area.pk for child in children):
        raise ValidationError({"children": _("Only areas directly below the area being split can go.")})
    carried = Area.objects.filter(parent=area, is_active=True).aggregate(
        households=Coalesce(Sum("households"), 0), population=Coalesce(Sum("population"), 0)
    )
    own_households = area.households - carried["households"]
    own_population = area.population - carried["population"]
    if households > own_households or population > own_population:
        raise ValidationError(_("The new area cannot take more households or residents than the area has."))
    new_area = area_create(actor=actor, parent=area.parent, name=name, code=code, kind=area.kind)
    for child in children:
        _reparent_subtree(area=child, new_parent=new_area)
    # Figures that no child carries (a grid whose buildings are not entered yet) are shared out by hand.
    _add_figures([area.pk], households=-households, population=-population)
    _add_figures([new_area.pk], households=households, population=population)
    new_area.refresh_from_db()
    data = {
        "from": {"id": area.pk, "name": area.name},
        "to": {"id": new_area.pk, "name": new_area.name},
        "children": [{"id": child.pk, "name": child.name} for child in children],
        "households": households,
        "population": population,
    }
    _record(area=area, kind=AreaChangeKind.SPLIT, actor=actor, reason=reason, data=data)
    _record(area=new_area, kind=AreaChangeKind.SPLIT, actor=actor, reason=reason, data=data)
    area.refresh_from_db()
    return new_area


def _repoint_rows(*, source: Area, target: Area) -> None:
    """Rows placed at or below `source` now answer to `target`."""
    level_field = LEVEL_FIELDS[source.level]
    copies = {
        f"{LEVEL_FIELDS[level]}_id": getattr(target, f"{LEVEL_FIELDS[level]}_id")
        for level in range(AreaLevel.DISTRICT, source.level + 1)
    }
    Area.objects.filter(parent=source).update(parent=target)
    Area.objects.filter(**{f"{level_field}_id": source.pk}).exclude(pk=source.pk).update(
        path=Concat(Value(target.path), Substr("path", len(source.path) + 1)), **copies
    )
    for model in placed_models():
        rows = model.objects.filter(**{f"{level_field}_id": source.pk})
        if any(field.name == "area" for field in model._meta.fields):
            model.objects.filter(area=source).update(area=target)
        rows.update(**copies)
    for model in apps.get_models():
        for field in model._meta.many_to_many:
            if field.related_model is not Area:
                continue
            through = field.remote_field.through
            owner = field.m2m_field_name()
            target_column = field.m2m_reverse_field_name()
            holders = through.objects.filter(**{target_column: target}).values(owner)
            through.objects.filter(**{target_column: source}).filter(**{f"{owner}__in": holders}).delete()
            through.objects.filter(**{target_column: source}).update(**{target_column: target})


def _revoke_duplicate_roles(*, sources: list[Area], target: Area, actor) -> None:
    """Someone holding the same role in a source and in the target (one grid head for two micro-grids)
    keeps one: the source's role is revoked, so that the merge does not give them the role twice."""
    held = set(RoleAssignment.objects.active().filter(area=target).values_list("user_id", "role"))
    for source in sources:
        for assignment in RoleAssignment.objects.active().filter(area=source).order_by("pk"):
            key = (assignment.user_id, assignment.role)
            if key in held:
                RoleAssignment.objects.filter(pk=assignment.pk).update(
                    revoked_at=timezone.now(), revoked_by=actor
                )
            held.add(key)


@transaction.atomic
def area_merge(*, actor, sources: list[Area], target: Area, reason: str = "") -> Area:
    """Merge areas into `target` (same level): their children, figures and placed rows move over and
    the sources are retired, pointing at the target."""
    if not sources:
        raise ValidationError({"sources": _("Choose the areas to merge.")})
    if len({source.pk for source in sources}) != len(sources):
        raise ValidationError({"sources": _("Each area can be merged only once.")})
    locked = lock_tree(*sources, target)
    *sources, target = locked
    if any(source.pk == target.pk for source in sources):
        raise ValidationError({"sources": _("An area cannot be merged into itself.")})
    if any(source.level != target.level for source in sources):
        raise ValidationError({"sources": _("Only areas of the same level can be merged.")})
    if not all(area.is_active for area in locked):
        raise ValidationError({"sources": _("One of these areas has already been merged away.")})
    if target.level == AreaLevel.DISTRICT:
        raise ValidationError(
            {"sources": _("Districts are merged by the system administrator in the database.")}
        )
    for area in [*sources, target]:
        check_may_change_below(actor=actor, parent=area.parent)
    _revoke_duplicate_roles(sources=sources, target=target, actor=actor)
    try:
        with transaction.atomic():
            for source in sources:
                _repoint_rows(source=source, target=target)
                _reattach_organisations(area=target, old_parent_id=source.parent_id, new_parent=target.parent)
            _drop_stale_service(level_field=target.level_field, root_id=target.pk)
    except IntegrityError as error:
        raise ValidationError(
            _("The merge would give two rows of the same name in one area; rename one first.")
        ) from error
    for source in sources:
        _shift_figures(
            households=source.households,
            population=source.population,
            leaving=source.ancestor_ids,
            joining=target.ancestor_ids,
        )
    Area.objects.filter(pk=target.pk).update(
        households=F("households") + sum(source.households for source in sources),
        population=F("population") + sum(source.population for source in sources),
    )
    Area.objects.filter(pk__in=[source.pk for source in sources]).update(
        is_active=False, merged_into=target, households=0, population=0
    )
    data = {
        "sources": [{"id": source.pk, "name": source.name} for source in sources],
        "target": {"id": target.pk, "name": target.name},
    }
    for area in [*sources, target]:
        _record(area=area, kind=AreaChangeKind.MERGE, actor=actor, reason=reason, data=data)
    target.refresh_from_db()
    return target


@transaction.atomic
def grid_standard_update(*, actor, **figures) -> GridStandard:
    if not (actor.is_superuser or user_scope(actor).allows("standard.change")):
        raise ValidationError(_("Only administrators may change the grid standards."))
    standard = current_standard()
    for field, value in figures.items():
        setattr(standard, field, value)
    standard.updated_by = actor
    standard.full_clean()
    standard.save()
    return standard


def current_standard() -> GridStandard:
    standard, _created = GridStandard.objects.get_or_create(pk=1)
    return standard
