"""The grid services: create, update, move, split and merge, their history, and ancestor copies that
follow the tree in the same transaction."""

import pytest
from django.core.exceptions import ValidationError

from apps.accounts.models import RoleAssignment
from apps.accounts.roles import Role
from apps.accounts.services import role_grant, user_create
from apps.areas.choices import AreaChangeKind, AreaKind, AreaLevel
from apps.areas.models import Area, AreaChange
from apps.areas.services import area_create, area_merge, area_move, area_split, area_update
from apps.departments.models import Department
from apps.party.models import PartyMember, PartyOrganisation

pytestmark = pytest.mark.django_db


def _snapshot():
    """Every area's place and every placed row's ancestor copies: what a refused change must not touch."""
    rows = [
        tuple(Area.objects.order_by("pk").values_list("pk", "parent_id", "path", "street_id", "community_id"))
    ]
    for model in (RoleAssignment, PartyOrganisation, PartyMember, Department):
        rows.append(
            tuple(model.objects.order_by("pk").values_list("pk", "street_id", "community_id", "grid_id"))
        )
    rows.append(AreaChange.objects.count())
    return rows


def _consistent():
    """Each area's path and ancestor columns agree with its parent chain; so do the placed rows'."""
    areas = {area.pk: area for area in Area.objects.all()}
    for area in areas.values():
        chain, node = [], area
        while node is not None:
            chain.append(node)
            node = areas.get(node.parent_id)
        chain.reverse()
        assert area.path == "/" + "".join(f"{node.pk}/" for node in chain), area
        for node in chain:
            assert getattr(area, f"{node.level_field}_id") == node.pk, (area, node)
    for area in areas.values():
        children = [child for child in areas.values() if child.parent_id == area.pk]
        if children and area.is_active:
            assert area.households == sum(child.households for child in children), area
            assert area.population == sum(child.population for child in children), area
    for model in (RoleAssignment, PartyOrganisation, PartyMember):
        for row in model.objects.exclude(area=None):
            own = areas[row.area_id]
            for field in ("district", "street", "community", "grid", "building"):
                assert getattr(row, f"{field}_id") == getattr(own, f"{field}_id"), (row, field)


def test_create_places_the_area_and_records_history(city):
    grid = city.grids[0]
    building = area_create(actor=city.users["community"], parent=grid, name="新楼", code=grid.code + "900")
    assert building.level == AreaLevel.BUILDING
    assert building.kind == AreaKind.BUILDING
    assert building.path == f"{grid.path}{building.pk}/"
    assert (building.street_id, building.grid_id, building.building_id) == (
        grid.street_id,
        grid.pk,
        building.pk,
    )
    assert AreaChange.objects.filter(
        area=building, kind=AreaChangeKind.CREATE, actor=city.users["community"]
    ).exists()


@pytest.mark.parametrize(
    ("parent_level", "kind", "code", "field"),
    [
        (AreaLevel.STREET, AreaKind.BUILDING, "310101001900", "kind"),  # a building under a street
        (AreaLevel.GRID, AreaKind.BUILDING, "310101001001", "code"),  # a duplicate code
        (AreaLevel.BUILDING, AreaKind.BUILDING, "99", "parent"),  # below a building
    ],
)
def test_bad_creates_change_nothing(city, parent_level, kind, code, field):
    before = _snapshot()
    with pytest.raises(ValidationError) as raised:
        area_create(actor=None, parent=city.by_level(parent_level)[0], name="错", code=code, kind=kind)
    assert field in raised.value.message_dict
    assert _snapshot() == before


def test_create_outside_scope_is_refused(city):
    before = _snapshot()
    with pytest.raises(ValidationError):
        area_create(actor=city.users["street"], parent=city.streets[1], name="越界社区", code="310101002099")
    assert _snapshot() == before


def test_figures_are_totals_up_the_tree(city):
    _consistent()
    area_update(actor=None, area=city.buildings[0], households=260, population=600)
    _consistent()
    assert Area.objects.get(pk=city.district.pk).households == 3260


def test_update_renames_with_history(city):
    community = city.communities[0]
    area_update(actor=city.users["street"], area=community, name="新名社区", reason="更名")
    change = AreaChange.objects.get(area=community, kind=AreaChangeKind.RENAME)
    assert change.data == {"name": {"from": "第1街道1社区", "to": "新名社区"}}
    assert change.reason == "更名"


def test_a_street_cannot_rename_itself(city):
    with pytest.raises(ValidationError):
        area_update(actor=city.users["street"], area=city.streets[0], name="自改")


def test_move_carries_the_subtree_and_placed_rows(city):
    grid, target = city.grids[0], city.communities[1]
    gridworker = city.users["gridworker"]
    area_move(actor=city.users["street"], area=grid, new_parent=target, reason="调整")
    _consistent()
    building = Area.objects.get(pk=city.buildings[0].pk)
    assert building.community_id == target.pk
    assert RoleAssignment.objects.get(user=gridworker).community_id == target.pk
    assert PartyMember.objects.filter(grid_id=grid.pk).get().community_id == target.pk
    assert AreaChange.objects.get(area=grid, kind=AreaChangeKind.MOVE).data["to"]["id"] == target.pk


@pytest.mark.parametrize(
    "case",
    ["under_own_child", "wrong_level", "outside_scope", "same_parent"],
)
def test_bad_moves_change_nothing(city, case):
    community = city.communities[0]
    actor, area, parent = {
        "under_own_child": (None, community, city.grids[0]),
        "wrong_level": (None, city.buildings[0], city.streets[1]),
        "outside_scope": (city.users["street"], city.grids[0], city.communities[2]),
        "same_parent": (None, city.grids[0], community),
    }[case]
    before = _snapshot()
    with pytest.raises(ValidationError):
        area_move(actor=actor, area=area, new_parent=parent)
    assert _snapshot() == before


def test_split_takes_children_and_figures(city):
    community = city.communities[0]
    moved = city.grids[1]
    new = area_split(
        actor=city.users["street"],
        area=community,
        name="新分社区",
        code="310101001009",
        children=[moved],
        reason="规模过大",
    )
    _consistent()
    community.refresh_from_db()
    assert (community.households, community.population) == (400, 1000)
    assert (new.households, new.parent_id) == (400, community.parent_id)
    assert Area.objects.get(pk=moved.pk).parent_id == new.pk
    assert AreaChange.objects.filter(kind=AreaChangeKind.SPLIT).count() == 2


def test_merge_moves_children_rows_and_retires_the_source(city):
    source, target = city.communities[0], city.communities[1]
    source_org = PartyOrganisation.objects.get(area=source)
    worker_role = RoleAssignment.objects.get(user=city.users["community"])
    merged = area_merge(actor=city.users["street"], sources=[source], target=target, reason="合并")
    _consistent()
    source.refresh_from_db()
    assert (source.is_active, source.merged_into_id) == (False, target.pk)
    assert merged.households == 1600
    assert Area.objects.filter(parent=target).count() == 4
    source_org.refresh_from_db()
    worker_role.refresh_from_db()
    assert source_org.area_id == target.pk
    assert worker_role.area_id == target.pk
    assert worker_role.community_id == target.pk
    assert AreaChange.objects.filter(kind=AreaChangeKind.MERGE).count() == 2


def test_merge_across_streets_moves_rows_to_the_new_street(city):
    source, target = city.communities[0], city.communities[2]
    area_merge(actor=city.users["district"], sources=[source], target=target)
    _consistent()
    assert Area.objects.get(pk=city.buildings[0].pk).street_id == target.street_id


@pytest.mark.parametrize("case", ["different_levels", "into_itself", "already_merged", "outside_scope"])
def test_bad_merges_change_nothing(city, case):
    if case == "already_merged":
        area_merge(actor=None, sources=[city.grids[0]], target=city.grids[1])
    actor, sources, target = {
        "different_levels": (None, [city.grids[0]], city.communities[1]),
        "into_itself": (None, [city.communities[0]], city.communities[0]),
        "already_merged": (None, [city.grids[0]], city.grids[1]),
        "outside_scope": (city.users["street"], [city.communities[0]], city.communities[2]),
    }[case]
    before = _snapshot()
    with pytest.raises(ValidationError):
        area_merge(actor=actor, sources=sources, target=target)
    assert _snapshot() == before


def test_role_for_an_area_outside_the_granters_scope_is_refused(city):
    colleague = user_create(username="colleague", password="Grid-Test-Passw0rd")
    with pytest.raises(ValidationError) as raised:
        role_grant(actor=city.users["street"], user=colleague, role=Role.GRID_WORKER, area=city.grids[5])
    assert "area" in raised.value.message_dict
    assert not RoleAssignment.objects.filter(user=colleague).exists()
    role_grant(actor=city.users["street"], user=colleague, role=Role.GRID_WORKER, area=city.grids[0])
    assert RoleAssignment.objects.filter(user=colleague, area=city.grids[0]).exists()


def test_role_level_is_enforced(city):
    colleague = user_create(username="colleague", password="Grid-Test-Passw0rd")
    with pytest.raises(ValidationError):
        role_grant(actor=None, user=colleague, role=Role.GRID_WORKER, area=city.communities[0])
    with pytest.raises(ValidationError):
        role_grant(actor=None, user=colleague, role=Role.DEPARTMENT_HANDLER, area=city.grids[0])


@pytest.mark.parametrize(
    "boundary",
    [
        {"type": "Point", "coordinates": [121.4, 31.2]},
        {"type": "Polygon", "coordinates": [[[121.4, 31.2], [121.5, 31.2], [121.5, 31.3]]]},
        {"type": "Polygon", "coordinates": [[[521.4, 31.2], [121.5, 31.2], [121.5, 31.3], [521.4, 31.2]]]},
        {"type": "Polygon", "coordinates": "not a list"},
        [1, 2, 3],
    ],
)
def test_a_malformed_boundary_is_refused(city, boundary):
    before = _snapshot()
    with pytest.raises(ValidationError) as raised:
        area_update(actor=None, area=city.grids[0], boundary=boundary)
    assert "boundary" in raised.value.message_dict
    assert _snapshot() == before


def test_a_polygon_boundary_is_kept(city):
    square = {
        "type": "Polygon",
        "coordinates": [[[121.4, 31.2], [121.5, 31.2], [121.5, 31.3], [121.4, 31.2]]],
    }
    area_update(actor=None, area=city.grids[0], boundary=square)
    assert Area.objects.get(pk=city.grids[0].pk).boundary == square


def test_a_merge_naming_a_source_twice_is_refused(city):
    before = _snapshot()
    with pytest.raises(ValidationError):
        area_merge(actor=None, sources=[city.grids[1], city.grids[1]], target=city.grids[0])
    assert _snapshot() == before


def test_one_grid_head_for_two_grids_keeps_one_role_after_their_merge(city):
    head = city.users["gridhead"]
    role_grant(actor=None, user=head, role=Role.GRID_HEAD, area=city.grids[1])
    area_merge(actor=city.users["street"], sources=[city.grids[1]], target=city.grids[0])
    _consistent()
    assert (
        RoleAssignment.objects.active().filter(user=head, role=Role.GRID_HEAD).get().area_id
        == city.grids[0].pk
    )
    assert (
        RoleAssignment.objects.filter(user=head, role=Role.GRID_HEAD, revoked_at__isnull=False).count() == 1
    )


def test_a_move_keeps_departments_and_the_party_tree_consistent(city):
    street_department = city.departments[1]  # of the first street
    community = city.communities[0]
    street_department.served_areas.set([community])
    area_move(actor=city.users["district"], area=community, new_parent=city.streets[1])
    assert list(street_department.served_areas.all()) == [city.streets[0]]
    community_org = PartyOrganisation.objects.get(area=community)
    assert community_org.parent.area_id == city.streets[1].pk


def test_a_figure_too_large_is_refused(city):
    before = _snapshot()
    with pytest.raises(ValidationError):
        area_update(actor=None, area=city.buildings[0], households=2_147_483_647)
    with pytest.raises(ValidationError):
        area_update(actor=None, area=city.buildings[0], centre_lng=999)
    assert _snapshot() == before
