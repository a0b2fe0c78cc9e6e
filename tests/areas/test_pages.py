"""The area pages through the real views: the tree, an area's page, re-gridding and the compliance report."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext, override

from apps.accounts.roles import Role
from apps.accounts.services import role_grant
from apps.areas.choices import AreaChangeKind, AreaLevel, ComplianceRule
from apps.areas.models import Area, AreaChange, GridStandard
from apps.areas.services import area_create, current_standard
from tests.builders import build_city

pytestmark = pytest.mark.django_db


@pytest.fixture
def city():
    city = build_city()
    current_standard()  # created on first read; made here so that every page counts the same queries
    return city


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def page_of(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def add_buildings(grid: Area, count: int, start: int = 10) -> None:
    for number in range(start, start + count):
        area_create(actor=None, parent=grid, name=f"楼{number}", code=f"{grid.code}{number:03d}")


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# The tree


def test_the_tree_shows_the_users_own_areas_with_lazy_children(city, as_user):
    client = as_user(city.users["street"])
    response = client.get(reverse("areas:tree"))
    assert response.status_code == 200
    page = page_of(response)
    street = city.streets[0]
    assert street.name in page
    assert city.streets[1].name not in page
    assert city.district.name not in page
    assert f'hx-get="{reverse("areas:children", args=[street.pk])}"' in page
    assert "第1街道1社区" not in page  # loaded only when expanded

    fragment = client.get(reverse("areas:children", args=[street.pk]))
    assert fragment.status_code == 200
    rows = page_of(fragment)
    assert "<html" not in rows
    assert "第1街道1社区" in rows
    assert "第1街道2社区" in rows
    assert reverse("areas:detail", args=[city.communities[0].pk]) in rows
    assert "800" in rows  # households


def test_a_building_row_has_nothing_to_expand(city, as_user):
    client = as_user(city.users["gridworker"])
    rows = page_of(client.get(reverse("areas:children", args=[city.grids[0].pk])))
    assert city.buildings[0].name in rows
    assert "hx-get" not in rows


def test_children_of_an_area_out_of_scope_are_not_found(city, as_user):
    client = as_user(city.users["street"])
    assert client.get(reverse("areas:children", args=[city.streets[1].pk])).status_code == 404
    assert client.get(reverse("areas:children", args=[city.district.pk])).status_code == 404


def test_a_system_administrator_starts_from_the_districts(city, superuser, as_user):
    page = page_of(as_user(superuser).get(reverse("areas:tree")))
    assert city.district.name in page


def test_the_search_lists_matches_in_scope_with_their_path(city, as_user):
    client = as_user(city.users["street"])
    response = client.get(reverse("areas:tree"), {"q": "1网格"})
    page = page_of(response)
    results = [area.name for area in response.context["page"]]
    # Grids first, then their buildings; nothing from the other street.
    assert results[:2] == ["第1街道1社区1网格", "第1街道2社区1网格"]
    assert len(results) == 6
    # The path shows only the ancestors the user may see: the street, not the district.
    assert reverse("areas:detail", args=[city.communities[0].pk]) in page
    assert reverse("areas:detail", args=[city.district.pk]) not in page
    assert "第2街道" not in page


def test_the_search_finds_codes_and_pages_by_fifty(city, as_user):
    add_buildings(city.grids[0], 60)
    client = as_user(city.users["street"])
    response = client.get(reverse("areas:tree"), {"q": city.grids[0].code})
    assert response.context["page"].paginator.count == 63  # the grid, its 2 buildings and 60 more
    assert len(response.context["page"]) == 50
    assert len(client.get(reverse("areas:tree"), {"q": city.grids[0].code, "page": 2}).context["page"]) == 13


def test_the_tree_pages_use_a_constant_number_of_queries(city, as_user):
    # Each request also reads the session and the user, loads the user's roles and saves the session (3).
    client = as_user(city.users["street"])
    small, large = city.grids[0], city.grids[1]
    add_buildings(small, 3)  # 5 buildings in all
    add_buildings(large, 48)  # 50 in all
    counted = {
        "tree": count_queries(client, reverse("areas:tree")),
        "5 children": count_queries(client, reverse("areas:children", args=[small.pk])),
        "50 children": count_queries(client, reverse("areas:children", args=[large.pk])),
        "search, 4 found": count_queries(client, reverse("areas:tree") + "?q=2社区1网格"),
        "search, 50 found": count_queries(client, reverse("areas:tree") + "?q=楼"),
    }
    assert counted == {
        "tree": 7,
        "5 children": 9,
        "50 children": 9,
        "search, 4 found": 9,
        "search, 50 found": 9,
    }


def test_the_tree_loads_a_hundred_rows_at_a_time(city, as_user):
    add_buildings(city.grids[0], 110)
    client = as_user(city.users["gridworker"])
    url = reverse("areas:children", args=[city.grids[0].pk])
    first = client.get(url)
    assert len(first.context["page"]) == 100
    assert f'hx-get="{url}?page=2"' in page_of(first)
    assert len(client.get(url, {"page": 2}).context["page"]) == 12


# An area's page


def test_the_street_staff_see_everything_about_a_community_and_may_change_it(city, as_user):
    community = city.communities[0]
    role_grant(actor=None, user=city.users["gridworker"], role=Role.COMMUNITY_WORKER, area=community)
    response = as_user(city.users["street"]).get(reverse("areas:detail", args=[community.pk]))
    assert response.status_code == 200
    page = page_of(response)
    # Breadcrumb: the street, not the district above the user's scope.
    assert [area.name for area in response.context["ancestors"]] == ["第1街道"]
    # Staff by role, full-time flagged.
    holders = [
        [(assignment.user.username, assignment.is_full_time) for assignment in assignments]
        for _role, assignments in response.context["staff"]
    ]
    assert holders == [[("community", True), ("gridworker", False)], [("party", True)]]
    # The party committee of the community and the children.
    assert "第1街道1社区党委" in page
    assert [child.name for child in response.context["children"]] == [
        "第1街道1社区1网格",
        "第1街道1社区2网格",
    ]
    total, _rows = response.context["coverage"]
    assert (total.grids, total.grids_with_branch, total.buildings, total.buildings_with_group) == (2, 2, 4, 0)
    # Compliance: the community is small (800 < 1000), its second grid lacks a head and a full-time worker.
    flagged = {(violation.area.name, violation.rule) for violation in response.context["violations"]}
    assert flagged == {
        ("第1街道1社区", ComplianceRule.COMMUNITY_MERGE),
        ("第1街道1社区", ComplianceRule.STAFFING_RATIO),
        ("第1街道1社区2网格", ComplianceRule.NO_GRID_HEAD),
        ("第1街道1社区2网格", ComplianceRule.NO_FULL_TIME_WORKER),
    }
    # History, and every change button.
    assert [change.kind for change, _text in response.context["history"]] == [AreaChangeKind.CREATE]
    for name in ("edit", "create_child", "move", "split", "merge"):
        assert reverse(f"areas:{name}", args=[community.pk]) in page


def test_on_their_own_street_the_staff_may_add_areas_but_not_change_it(city, as_user):
    street = city.streets[0]
    page = page_of(as_user(city.users["street"]).get(reverse("areas:detail", args=[street.pk])))
    assert reverse("areas:create_child", args=[street.pk]) in page
    for name in ("edit", "move", "split", "merge"):
        assert reverse(f"areas:{name}", args=[street.pk]) not in page


@pytest.mark.parametrize("username", ["gridworker", "building", "dept"])
def test_roles_without_change_see_no_buttons_and_no_staff(city, as_user, username):
    area = city.buildings[0]
    response = as_user(city.users[username]).get(reverse("areas:detail", args=[area.pk]))
    assert response.status_code == 200
    page = page_of(response)
    assert 'data-testid="area-actions"' not in page
    assert response.context["sees_staff"] is False
    assert response.context["staff"] == []


def test_the_department_handler_sees_no_party_organisations(city, as_user):
    response = as_user(city.users["dept"]).get(reverse("areas:detail", args=[city.communities[0].pk]))
    assert response.context["sees_party"] is False
    assert "第1街道1社区党委" not in page_of(response)


def test_the_party_secretary_sees_the_secretary_of_the_organisation(city, as_user):
    organisation = city.organisations[3]  # the first community's committee
    member = city.members[0]
    organisation.secretary = member
    organisation.save(update_fields=["secretary"])
    response = as_user(city.users["party"]).get(reverse("areas:detail", args=[organisation.area_id]))
    assert response.context["organisations"] == [organisation]
    assert member.name in page_of(response)


@pytest.mark.parametrize(
    ("username", "area"),
    [
        ("street", lambda city: city.streets[1]),
        ("street", lambda city: city.district),
        ("gridworker", lambda city: city.grids[1]),
        ("building", lambda city: city.buildings[1]),
        ("community", lambda city: city.communities[2]),
    ],
)
def test_an_area_out_of_scope_is_not_found(city, as_user, username, area):
    client = as_user(city.users[username])
    target = area(city)
    for name in ("detail", "edit", "create_child", "move", "split", "merge"):
        assert client.get(reverse(f"areas:{name}", args=[target.pk])).status_code == 404, name
    assert client.post(reverse("areas:edit", args=[target.pk]), {"name": "x"}).status_code == 404


def test_a_missing_area_is_not_found(city, as_user):
    assert as_user(city.users["district"]).get(reverse("areas:detail", args=[999999])).status_code == 404


def test_a_visible_area_the_user_may_not_change_is_forbidden(city, as_user):
    client = as_user(city.users["street"])
    street = city.streets[0]
    for name in ("edit", "move", "split", "merge"):
        assert client.get(reverse(f"areas:{name}", args=[street.pk])).status_code == 403, name
    worker = as_user(city.users["gridworker"])
    grid = city.grids[0]
    for name in ("edit", "create_child", "move", "split", "merge"):
        assert worker.get(reverse(f"areas:{name}", args=[grid.pk])).status_code == 403, name
    assert worker.post(reverse("areas:edit", args=[grid.pk]), {"name": "改名"}).status_code == 403
    assert Area.objects.get(pk=grid.pk).name == grid.name


def test_the_boundary_is_handed_to_the_script_as_json(city, as_user):
    grid = city.grids[0]
    square = {
        "type": "Polygon",
        "coordinates": [[[121.4, 31.2], [121.5, 31.2], [121.5, 31.3], [121.4, 31.2]]],
    }
    Area.objects.filter(pk=grid.pk).update(boundary=square)
    page = page_of(as_user(city.users["gridworker"]).get(reverse("areas:detail", args=[grid.pk])))
    start = page.index('<script id="area-boundary" type="application/json">') + len(
        '<script id="area-boundary" type="application/json">'
    )
    data = json.loads(page[start : page.index("</script>", start)])
    assert data["type"] == "FeatureCollection"
    assert data["features"][0]["geometry"] == square
    assert data["features"][0]["properties"]["name"] == grid.name
    assert "echarts.min.js" in page
    # No inline script: every <script> either loads a file or carries data.
    for tag in page.split("<script")[1:]:
        head = tag.split(">", 1)[0]
        assert "src=" in head or 'type="application/json"' in head


def test_an_area_without_boundary_loads_no_chart_library(city, as_user):
    page = page_of(as_user(city.users["gridworker"]).get(reverse("areas:detail", args=[city.grids[0].pk])))
    assert "echarts" not in page
    assert "area-boundary" not in page


def test_the_detail_page_uses_a_constant_number_of_queries(city, as_user):
    client = as_user(city.users["street"])
    small, large = city.grids[0], city.grids[1]
    add_buildings(small, 3)
    add_buildings(large, 58)  # more than a page of children
    for _change in range(25):
        AreaChange.objects.create(area=large, kind=AreaChangeKind.UPDATE, data={})
    counted = [count_queries(client, reverse("areas:detail", args=[grid.pk])) for grid in (small, large)]
    assert counted == [19, 19]


def test_the_detail_page_counts_at_every_level(city, as_user):
    # Coverage is computed above buildings (3 queries); the standards checked from streets to grids (3).
    client = as_user(city.users["district"])
    counted = {
        area.get_level_display(): count_queries(client, reverse("areas:detail", args=[area.pk]))
        for area in (city.district, city.streets[0], city.communities[0], city.grids[0], city.buildings[0])
    }
    assert list(counted.values()) == [16, 20, 20, 19, 13]


def test_the_children_are_paged(city, as_user):
    add_buildings(city.grids[0], 60)
    client = as_user(city.users["gridworker"])
    url = reverse("areas:detail", args=[city.grids[0].pk])
    assert len(client.get(url).context["children"]) == 50
    assert len(client.get(url, {"page": 2}).context["children"]) == 12


# Changing the grid


def test_editing_an_area_saves_and_records_it(city, as_user):
    community = city.communities[0]
    client = as_user(city.users["street"])
    url = reverse("areas:edit", args=[community.pk])
    assert client.get(url).context["form"].initial["name"] == community.name
    response = client.post(
        url,
        {
            "name": "新名社区",
            "kind": "village",
            "households": 900,
            "population": 2100,
            "centre_lng": "121.47",
            "centre_lat": "31.23",
            "reason": "村改居",
        },
        follow=True,
    )
    assert response.redirect_chain == [(reverse("areas:detail", args=[community.pk]), 302)]
    assert len(messages_of(response)) == 1
    community.refresh_from_db()
    assert (community.name, community.kind, community.households, community.centre_lat) == (
        "新名社区",
        "village",
        900,
        31.23,
    )
    change = AreaChange.objects.filter(area=community).first()
    assert (change.kind, change.reason, change.actor) == (
        AreaChangeKind.UPDATE,
        "村改居",
        city.users["street"],
    )
    assert "新名社区" in page_of(response)


def test_a_kind_of_another_level_is_refused(city, as_user):
    community = city.communities[0]
    response = as_user(city.users["street"]).post(
        reverse("areas:edit", args=[community.pk]),
        {"name": "x", "kind": "grid", "households": 1, "population": 1},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["kind"]
    community.refresh_from_db()
    assert community.name == "第1街道1社区"


def test_creating_an_area_below(city, as_user):
    street = city.streets[0]
    client = as_user(city.users["street"])
    response = client.post(
        reverse("areas:create_child", args=[street.pk]),
        {
            "name": "新社区",
            "code": f"{street.code}009",
            "kind": "community",
            "households": 0,
            "population": 0,
        },
    )
    created = Area.objects.get(code=f"{street.code}009")
    assert response.status_code == 302
    assert response["Location"] == reverse("areas:detail", args=[created.pk])
    assert (created.parent, created.level, created.street_id) == (street, 3, street.pk)


def test_a_duplicate_code_is_explained_and_nothing_is_created(city, as_user):
    street = city.streets[0]
    before = Area.objects.count()
    response = as_user(city.users["street"]).post(
        reverse("areas:create_child", args=[street.pk]),
        {
            "name": "重复社区",
            "code": city.communities[0].code,
            "kind": "community",
            "households": 0,
            "population": 0,
        },
    )
    assert response.status_code == 200
    (error,) = response.context["form"].errors["code"]
    assert city.communities[0].code in error
    assert error in page_of(response)
    assert Area.objects.count() == before


def test_moving_a_grid_to_another_community(city, as_user):
    grid, target = city.grids[1], city.communities[1]
    client = as_user(city.users["street"])
    form = client.get(reverse("areas:move", args=[grid.pk])).context["form"]
    offered = [value for value, _label in form.fields["new_parent"].choices if value]
    assert offered == [target.pk]  # the other community of the street, not the current one
    response = client.post(reverse("areas:move", args=[grid.pk]), {"new_parent": target.pk, "reason": "调整"})
    assert response.status_code == 302
    grid.refresh_from_db()
    assert (grid.parent_id, grid.community_id) == (target.pk, target.pk)
    assert Area.objects.get(pk=city.buildings[2].pk).community_id == target.pk


def test_moving_a_building_under_a_street_is_explained_and_changes_nothing(city, as_user):
    building = city.buildings[0]
    response = as_user(city.users["street"]).post(
        reverse("areas:move", args=[building.pk]), {"new_parent": city.streets[0].pk}
    )
    assert response.status_code == 200
    (error,) = response.context["form"].errors["new_parent"]
    with override("zh-hans"):
        expected = gettext("A %(level)s must be placed directly under a %(parent)s.") % {
            "level": AreaLevel.BUILDING.label,
            "parent": AreaLevel.GRID.label,
        }
    assert error == expected  # the service's reason, not "select a valid choice"
    assert error in page_of(response)
    building.refresh_from_db()
    assert building.parent_id == city.grids[0].pk
    assert not AreaChange.objects.filter(area=building, kind=AreaChangeKind.MOVE).exists()


def test_moving_under_an_area_out_of_scope_is_an_invalid_choice(city, as_user):
    grid = city.grids[0]
    response = as_user(city.users["street"]).post(
        reverse("areas:move", args=[grid.pk]), {"new_parent": city.communities[2].pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_parent"]
    grid.refresh_from_db()
    assert grid.parent_id == city.communities[0].pk


def test_splitting_a_community(city, as_user):
    community = city.communities[0]
    client = as_user(city.users["street"])
    response = client.post(
        reverse("areas:split", args=[community.pk]),
        {
            "name": "分出社区",
            "code": f"{city.streets[0].code}008",
            "children": [city.grids[1].pk],
            "households": 0,
            "population": 0,
            "reason": "人口增长",
        },
    )
    new_area = Area.objects.get(name="分出社区")
    assert response["Location"] == reverse("areas:detail", args=[new_area.pk])
    assert Area.objects.get(pk=city.grids[1].pk).parent_id == new_area.pk
    community.refresh_from_db()
    # The grid takes its 400 households along.
    assert community.households == 400


def test_a_split_taking_more_than_there_is_changes_nothing(city, as_user):
    community = city.communities[0]
    before = Area.objects.count()
    response = as_user(city.users["street"]).post(
        reverse("areas:split", args=[community.pk]),
        {"name": "分出", "code": "999", "children": [city.grids[1].pk], "households": 5000, "population": 0},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Area.objects.count() == before
    assert Area.objects.get(pk=city.grids[1].pk).parent_id == community.pk


def test_merging_a_community_into_its_sibling(city, as_user):
    target, source = city.communities[0], city.communities[1]
    client = as_user(city.users["street"])
    form = client.get(reverse("areas:merge", args=[target.pk])).context["form"]
    assert [value for value, _label in form.fields["sources"].choices] == [source.pk]
    response = client.post(
        reverse("areas:merge", args=[target.pk]), {"sources": [source.pk], "reason": "撤并"}
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.is_active, source.merged_into_id) == (False, target.pk)
    assert Area.objects.filter(parent=target).count() == 4
    # The merged-away area still has a page that says where it went.
    page = page_of(client.get(reverse("areas:detail", args=[source.pk])))
    assert reverse("areas:detail", args=[target.pk]) in page
    assert client.get(reverse("areas:edit", args=[source.pk])).status_code == 403


def test_merging_areas_of_different_levels_is_explained_and_changes_nothing(city, as_user):
    target = city.communities[0]
    response = as_user(city.users["street"]).post(
        reverse("areas:merge", args=[target.pk]), {"sources": [city.grids[2].pk]}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["sources"]
    assert Area.objects.get(pk=city.grids[2].pk).is_active
    assert not AreaChange.objects.filter(kind=AreaChangeKind.MERGE).exists()


def test_merging_nothing_is_explained(city, as_user):
    response = as_user(city.users["street"]).post(reverse("areas:merge", args=[city.communities[0].pk]), {})
    assert response.context["form"].errors["sources"]


# The compliance report


def test_the_report_lists_the_areas_outside_the_standard(city, as_user):
    response = as_user(city.users["street"]).get(reverse("areas:compliance"))
    assert response.status_code == 200
    violations = [violation for violation, _path in response.context["results"]]
    assert {violation.area.street_id for violation in violations} == {city.streets[0].pk}
    assert (city.communities[0], ComplianceRule.COMMUNITY_MERGE) in [(v.area, v.rule) for v in violations]
    page = page_of(response)
    assert reverse("areas:detail", args=[city.communities[0].pk]) in page
    assert response.context["standard_form"] is None
    assert 'method="post"' not in page.split("<main", 1)[1]


def test_the_report_filters_by_rule_and_area(city, as_user):
    client = as_user(city.users["district"])
    response = client.get(
        reverse("areas:compliance"), {"rule": ComplianceRule.NO_GRID_HEAD, "area": city.streets[1].pk}
    )
    violations = [violation for violation, _path in response.context["results"]]
    assert {violation.area.pk for violation in violations} == {grid.pk for grid in city.grids[4:]}
    assert {violation.rule for violation in violations} == {ComplianceRule.NO_GRID_HEAD}
    # The filter offers the user's district and its streets.
    offered = [value for value, _label in response.context["filters"].fields["area"].choices if value]
    assert offered == [city.district.pk, city.streets[0].pk, city.streets[1].pk]


def test_the_report_filter_cannot_reach_out_of_scope(city, as_user):
    client = as_user(city.users["street"])
    assert client.get(reverse("areas:compliance"), {"area": city.streets[1].pk}).status_code == 404
    assert client.get(reverse("areas:compliance"), {"area": "x"}).status_code == 404


def test_the_report_pages_with_a_constant_number_of_queries(city, as_user, django_assert_num_queries):
    client = as_user(city.users["district"])
    with django_assert_num_queries(13):
        response = client.get(reverse("areas:compliance"))
    assert len(response.context["results"]) < 50
    for grid in city.grids:
        add_buildings(grid, 0)
    community = city.communities[0]
    for number in range(60):
        area_create(
            actor=None, parent=community, name=f"新网格{number}", code=f"{community.code}{number + 10:02d}"
        )
    with django_assert_num_queries(13):
        response = client.get(reverse("areas:compliance"))
    assert len(response.context["results"]) == 50


def test_an_administrator_changes_the_standard(city, superuser, as_user):
    client = as_user(superuser)
    url = reverse("areas:compliance")
    assert client.get(url).context["standard_form"] is not None
    data = {
        "households_per_grid_min": 100,
        "households_per_grid_max": 600,
        "community_split_above": 4000,
        "community_merge_below": 500,
        "workers_per_10k_residents": "12.5",
        "full_time_workers_per_grid": 0,
    }
    response = client.post(url, data, follow=True)
    assert response.redirect_chain == [(url, 302)]
    standard = current_standard()
    assert (standard.households_per_grid_min, standard.grid_head_required, standard.updated_by) == (
        100,
        False,
        superuser,
    )
    rules = {violation.rule for violation, _path in response.context["results"]}
    assert ComplianceRule.COMMUNITY_MERGE not in rules


def test_a_contradictory_standard_is_refused(city, superuser, as_user):
    client = as_user(superuser)
    before = current_standard()
    data = {
        "households_per_grid_min": 700,
        "households_per_grid_max": 600,
        "community_split_above": 4000,
        "community_merge_below": 500,
        "workers_per_10k_residents": "12",
        "full_time_workers_per_grid": 1,
        "grid_head_required": "on",
    }
    response = client.post(reverse("areas:compliance"), data)
    assert response.status_code == 200
    assert response.context["standard_form"].errors
    assert response.context["standard"].households_per_grid_min == before.households_per_grid_min
    assert GridStandard.objects.get(pk=1).households_per_grid_max == before.households_per_grid_max


def test_only_standard_holders_may_post_the_standard(city, as_user):
    response = as_user(city.users["district"]).post(
        reverse("areas:compliance"), {"households_per_grid_min": 1}
    )
    assert response.status_code == 403
    assert current_standard().households_per_grid_min == 300


# Navigation


def test_the_navigation_offers_the_area_pages_to_area_viewers(city, as_user, client):
    page = page_of(as_user(city.users["gridworker"]).get(reverse("areas:compliance")))
    assert f'href="{reverse("areas:tree")}"' in page
    assert 'aria-current="page"' in page
    nav = [
        (item["url"], item["active"]) for item in client.get(reverse("areas:compliance")).context["nav_items"]
    ]
    assert (reverse("areas:compliance"), True) in nav
    assert (reverse("areas:tree"), False) in nav


def test_a_user_without_a_role_has_no_area_entries(staff_client):
    page = page_of(staff_client.get(reverse("core:home")))
    assert f'href="{reverse("areas:tree")}"' not in page
