"""The grid through the API: scoped lists, subtree filters, writes through the services, re-gridding."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.services import user_create
from apps.areas.choices import AreaChangeKind, AreaLevel, ComplianceRule
from apps.areas.models import Area, AreaChange, GridStandard
from apps.areas.services import area_create, area_update, current_standard
from tests.api_helpers import api_as, assert_list_cost, fields_of, ids
from tests.builders import PASSWORD

pytestmark = pytest.mark.django_db
AREAS = reverse("api:area-list")


def detail(area, action=""):
    return reverse(f"api:area-{action or 'detail'}", args=[area.pk])


def subtree(area):
    return set(Area.objects.filter(**{f"{area.level_field}_id": area.pk}).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("username", "level"),
    [
        ("district", AreaLevel.DISTRICT),
        ("sysadmin", AreaLevel.DISTRICT),
        ("street", AreaLevel.STREET),
        ("auditor", AreaLevel.STREET),
        ("community", AreaLevel.COMMUNITY),
        ("party", AreaLevel.COMMUNITY),
        ("gridworker", AreaLevel.GRID),
        ("building", AreaLevel.BUILDING),
    ],
)
def test_each_role_lists_exactly_its_subtree(city, username, level):
    listed = ids(api_as(city.users[username]).get(AREAS, {"page_size": 100}))
    assert listed == subtree(city.by_level(level)[0])


def test_a_department_handler_sees_the_areas_its_department_serves(city):
    assert ids(api_as(city.users["dept"]).get(AREAS, {"page_size": 100})) == subtree(city.streets[0])


def test_a_user_without_roles_sees_nothing(city):
    nobody = user_create(username="nobody", password=PASSWORD)
    assert ids(api_as(nobody).get(AREAS)) == set()


def test_the_list_has_the_fields_and_the_detail_the_boundary(city):
    api = api_as(city.users["street"])
    grid = city.grids[0]
    row = next(r for r in api.get(AREAS, {"code": grid.code}).json()["results"])
    assert list(row)[:3] == ["id", "url", "display"]
    assert row["parent"] == grid.parent_id
    assert (row["district"], row["street"], row["community"], row["grid"]) == (
        city.district.pk,
        city.streets[0].pk,
        city.communities[0].pk,
        grid.pk,
    )
    assert "boundary" not in row
    assert "boundary" in api.get(detail(grid)).json()


def test_an_area_out_of_scope_is_not_found(city):
    api = api_as(city.users["street"])
    other_street = city.streets[1]
    for url in (detail(other_street), detail(other_street, "history")):
        response = api.get(url)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert api.patch(detail(other_street), {"name": "x"}, format="json").status_code == 404


def test_the_ancestor_filter_gives_the_subtree(city):
    api = api_as(city.users["district"])
    community = city.communities[2]
    assert ids(api.get(AREAS, {"ancestor": community.pk, "page_size": 100})) == subtree(community)
    assert ids(api.get(AREAS, {"ancestor": community.pk, "level": AreaLevel.BUILDING})) == {
        b.pk for b in city.buildings if b.community_id == community.pk
    }


def test_an_ancestor_out_of_scope_is_an_invalid_choice_like_a_missing_one(city):
    api = api_as(city.users["street"])
    out_of_scope = api.get(AREAS, {"ancestor": city.streets[1].pk})
    missing = api.get(AREAS, {"ancestor": 999999})
    assert out_of_scope.status_code == missing.status_code == 400
    assert set(out_of_scope.json()["error"]["fields"]) == {"ancestor"}


def test_search_parent_and_active_filters(city):
    api = api_as(city.users["district"])
    assert ids(api.get(AREAS, {"q": city.communities[0].code})) == subtree(city.communities[0])
    assert ids(api.get(AREAS, {"q": "2号楼", "ancestor": city.grids[0].pk})) == {city.buildings[1].pk}
    assert ids(api.get(AREAS, {"parent": city.streets[1].pk})) == {c.pk for c in city.communities[2:]}
    assert ids(api.get(AREAS, {"is_active": "false"})) == set()


def test_a_community_worker_creates_a_building_under_a_grid(city):
    api = api_as(city.users["community"])
    grid = city.grids[0]
    response = api.post(
        AREAS, {"parent": grid.pk, "name": "新楼", "code": f"{grid.code}009", "households": 20}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    area = Area.objects.get(pk=body["id"])
    assert (area.level, area.kind, area.grid_id, area.households) == (
        AreaLevel.BUILDING,
        "building",
        grid.pk,
        20,
    )
    assert body["boundary"] is None
    assert AreaChange.objects.filter(
        area=area, kind=AreaChangeKind.CREATE, actor=city.users["community"]
    ).exists()


def test_bad_creates_are_400_with_field_errors_and_change_nothing(city):
    api = api_as(city.users["street"])
    before = Area.objects.count()
    street, community = city.streets[0], city.communities[0]

    building_under_street = api.post(
        AREAS, {"parent": street.pk, "name": "楼", "code": "X1", "kind": "building"}, format="json"
    )
    assert "kind" in fields_of(building_under_street)

    duplicate = api.post(AREAS, {"parent": street.pk, "name": "重复", "code": community.code}, format="json")
    assert fields_of(duplicate)["code"] == [f"An area with the code {community.code} already exists."]

    outside = api.post(AREAS, {"parent": city.streets[1].pk, "name": "外", "code": "X2"}, format="json")
    assert fields_of(outside)["parent"] == [f'Invalid pk "{city.streets[1].pk}" - object does not exist.']

    missing = api.post(AREAS, {"parent": 999999, "name": "无", "code": "X3"}, format="json")
    assert fields_of(missing)["parent"] == ['Invalid pk "999999" - object does not exist.']

    assert set(fields_of(api.post(AREAS, {}, format="json"))) == {"name", "code"}
    assert Area.objects.count() == before


def test_only_holders_of_area_change_may_write(city):
    grid = city.grids[0]
    api = api_as(city.users["gridhead"])
    response = api.post(AREAS, {"parent": grid.pk, "name": "楼", "code": "X9"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert api.patch(detail(city.buildings[0]), {"name": "改"}, format="json").status_code == 403


def test_an_area_visible_but_not_changeable_is_403(city):
    """A community worker sees their community, but its own name is decided a level up."""
    api = api_as(city.users["community"])
    response = api.patch(detail(city.communities[0]), {"name": "改名"}, format="json")
    assert response.status_code == 403
    assert Area.objects.get(pk=city.communities[0].pk).name == city.communities[0].name


def test_partial_update_goes_through_the_service_and_keeps_history(city):
    api = api_as(city.users["street"])
    grid = city.grids[0]
    boundary = {
        "type": "Polygon",
        "coordinates": [[[121.4, 31.2], [121.5, 31.2], [121.5, 31.3], [121.4, 31.2]]],
    }
    response = api.patch(
        detail(grid),
        {"name": "新名", "households": 450, "boundary": boundary, "code": "IGNORED"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    grid.refresh_from_db()
    assert (grid.name, grid.households, grid.boundary, grid.code) == ("新名", 450, boundary, "31010100100101")
    change = AreaChange.objects.filter(area=grid).first()
    assert change.kind == AreaChangeKind.UPDATE
    assert change.data["households"] == {"from": 400, "to": 450}

    history = api.get(detail(grid, "history")).json()
    assert history["count"] == 2
    assert history["results"][0]["kind"] == AreaChangeKind.UPDATE
    assert history["results"][0]["actor"] == {"id": city.users["street"].pk, "display": "street"}


def test_a_kind_of_another_level_is_refused_on_update(city):
    api = api_as(city.users["street"])
    response = api.patch(detail(city.grids[0]), {"kind": "village"}, format="json")
    assert "kind" in fields_of(response)
    assert Area.objects.get(pk=city.grids[0].pk).kind == city.grids[0].kind


def test_move_a_grid_to_another_community(city):
    api = api_as(city.users["street"])
    grid, target = city.grids[0], city.communities[1]
    response = api.post(detail(grid, "move"), {"parent": target.pk, "reason": "调整"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["parent"] == target.pk
    assert set(Area.objects.filter(grid=grid).values_list("community_id", flat=True)) == {target.pk}


def test_moving_under_a_descendant_or_out_of_scope_is_refused(city):
    api = api_as(city.users["district"])
    community = city.communities[0]
    under_itself = api.post(detail(community, "move"), {"parent": city.grids[0].pk}, format="json")
    assert "parent" in fields_of(under_itself)

    street_api = api_as(city.users["street"])
    elsewhere = street_api.post(
        detail(city.grids[0], "move"), {"parent": city.communities[2].pk}, format="json"
    )
    assert "does not exist" in fields_of(elsewhere)["parent"][0]
    assert Area.objects.get(pk=city.grids[0].pk).parent_id == community.pk


def test_split_a_community(city):
    api = api_as(city.users["street"])
    community = city.communities[0]
    moving = city.grids[1]
    response = api.post(
        detail(community, "split"),
        {
            "name": "新社区",
            "code": "310101001009",
            "children": [moving.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    new_area = Area.objects.get(pk=response.json()["id"])
    assert new_area.parent_id == community.parent_id
    assert Area.objects.get(pk=moving.pk).parent_id == new_area.pk
    # The grid takes its households along: 800 - 400.
    assert Area.objects.get(pk=community.pk).households == 400
    assert new_area.households == 400


def test_a_split_taking_a_child_of_another_area_is_refused(city):
    api = api_as(city.users["street"])
    response = api.post(
        detail(city.communities[0], "split"),
        {"name": "新社区", "code": "310101001009", "children": [city.grids[2].pk]},
        format="json",
    )
    assert "children" in fields_of(response)
    assert not Area.objects.filter(code="310101001009").exists()


def test_merge_grids_into_this_one(city):
    api = api_as(city.users["community"])
    target, source = city.grids[0], city.grids[1]
    response = api.post(detail(target, "merge"), {"sources": [source.pk], "reason": "合并"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["households"] == 800
    source.refresh_from_db()
    assert (source.is_active, source.merged_into_id) == (False, target.pk)


def test_merging_areas_of_different_levels_is_refused_and_changes_nothing(city):
    api = api_as(city.users["street"])
    target, building = city.grids[0], city.buildings[2]
    response = api.post(detail(target, "merge"), {"sources": [building.pk]}, format="json")
    assert fields_of(response)["sources"] == ["Only areas of the same level can be merged."]
    building.refresh_from_db()
    assert building.is_active
    assert not AreaChange.objects.filter(kind=AreaChangeKind.MERGE).exists()


def test_compliance_lists_violations_in_scope(city):
    api = api_as(city.users["street"])
    response = api.get(reverse("api:area-compliance"), {"page_size": 100})
    assert response.status_code == 200, response.json()
    rows = response.json()["results"]
    in_scope = subtree(city.streets[0])
    assert rows
    assert {row["area"]["id"] for row in rows} <= in_scope
    grid_rows = [row for row in rows if row["rule"] == ComplianceRule.NO_GRID_HEAD]
    assert {row["area"]["id"] for row in grid_rows} == {g.pk for g in city.grids[:4]} - {city.grids[0].pk}
    assert set(rows[0]) == {"area", "rule", "rule_label", "figure", "limit"}
    assert set(rows[0]["area"]) == {"id", "code", "name", "level"}

    community = city.communities[1]
    only = api.get(
        reverse("api:area-compliance"), {"area": community.pk, "rule": ComplianceRule.NO_GRID_HEAD}
    )
    assert {row["area"]["id"] for row in only.json()["results"]} == {g.pk for g in city.grids[2:4]}

    outside = api.get(reverse("api:area-compliance"), {"area": city.streets[1].pk})
    assert "does not exist" in fields_of(outside)["area"][0]


def test_the_standard_is_read_by_all_and_changed_by_superusers(city, superuser):
    url = reverse("api:area-standard")
    street = api_as(city.users["street"])
    assert street.get(url).json()["households_per_grid_min"] == 300
    assert street.patch(url, {"households_per_grid_min": 200}, format="json").status_code == 403
    # One standard serves every district: a district's system administrator does not change it.
    sysadmin = api_as(city.users["sysadmin"])
    assert sysadmin.patch(url, {"households_per_grid_min": 200}, format="json").status_code == 403

    admin = api_as(superuser)
    response = admin.patch(url, {"households_per_grid_min": 200}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["updated_by"]["id"] == superuser.pk
    assert GridStandard.objects.get().households_per_grid_min == 200

    inverted = admin.patch(url, {"households_per_grid_min": 900}, format="json")
    assert inverted.status_code == 400
    assert GridStandard.objects.get().households_per_grid_min == 200


def test_the_api_needs_authentication(city):
    assert APIClient().get(AREAS).status_code == 401


# token with user, role scope, COUNT, page; compliance: token, standard, role scope, grids, communities
@pytest.mark.parametrize(("name", "queries"), [("api:area-list", 4), ("api:area-compliance", 5)])
def test_lists_cost_the_same_queries_whatever_the_page_size(city, django_assert_num_queries, name, queries):
    for n in range(20):  # empty grids: more than 50 areas, and three violations each
        area_create(actor=None, parent=city.communities[0], name=f"新网格{n}", code=f"G{n:03d}")
    current_standard()  # the standard's row exists (the first read of a new installation creates it)
    assert_list_cost(django_assert_num_queries, api_as(city.users["district"]), reverse(name), queries)


def test_the_history_costs_the_same_queries_whatever_the_page_size(city, django_assert_num_queries):
    grid = city.grids[0]
    for households in range(1, 51):
        area_update(actor=city.users["street"], area=grid, households=households)
    api = api_as(city.users["street"])
    # token with user, role scope, the area, COUNT, page with actors
    assert_list_cost(django_assert_num_queries, api, detail(grid, "history"), 5)


def test_the_fast_list_rows_equal_the_serializers_own(city, rf):
    from apps.areas.api.serializers import AreaListSerializer, AreaSerializer

    request = rf.get("/api/v1/areas/")
    request.user = city.users["district"]
    areas = list(Area.objects.all()[:10])
    areas[0].merged_into_id = areas[1].pk
    context = {"request": request}
    assert (
        AreaListSerializer(areas, many=True, context=context).data
        == AreaSerializer(areas, many=True, context=context).data
    )
