"""The party tree through the API: organisations, members, partner units and coverage, in scope."""

import pytest
from django.urls import reverse

from apps.areas.choices import AreaLevel
from apps.party.choices import OrganisationKind, PartnerUnitType
from apps.party.models import PartnerUnit, PartyMember, PartyOrganisation
from apps.party.services import member_add, organisation_create, partner_unit_create
from tests.api_helpers import api_as, assert_list_cost, fields_of, ids

pytestmark = pytest.mark.django_db
ORGANISATIONS = reverse("api:partyorganisation-list")
MEMBERS = reverse("api:partymember-list")
UNITS = reverse("api:partnerunit-list")
COVERAGE = reverse("api:party-coverage")


def in_subtree(queryset, area):
    return set(queryset.filter(**{f"{area.level_field}_id": area.pk}).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("username", "level"),
    [("district", AreaLevel.DISTRICT), ("street", AreaLevel.STREET), ("party", AreaLevel.COMMUNITY)],
)
def test_organisations_and_members_are_listed_for_the_subtree(city, username, level):
    api = api_as(city.users[username])
    area = city.by_level(level)[0]
    assert ids(api.get(ORGANISATIONS, {"page_size": 100})) == in_subtree(PartyOrganisation.objects, area)
    assert ids(api.get(MEMBERS, {"page_size": 100})) == in_subtree(PartyMember.objects, area)


def test_department_handlers_see_no_party_data(city):
    assert ids(api_as(city.users["dept"]).get(ORGANISATIONS)) == set()


def test_out_of_scope_rows_are_not_found(city):
    api = api_as(city.users["street"])
    other = PartyOrganisation.objects.get(area=city.streets[1])
    assert api.get(reverse("api:partyorganisation-detail", args=[other.pk])).status_code == 404
    unit = city.partner_units[1]
    assert api.get(reverse("api:partnerunit-detail", args=[unit.pk])).status_code == 404
    member = city.members[-1]
    assert api.get(reverse("api:partymember-detail", args=[member.pk])).status_code == 404


def test_filters(city):
    api = api_as(city.users["district"])
    community = city.communities[0]
    community_org = PartyOrganisation.objects.get(area=community)
    assert ids(api.get(ORGANISATIONS, {"ancestor": community.pk})) == in_subtree(
        PartyOrganisation.objects, community
    )
    assert ids(api.get(ORGANISATIONS, {"parent": community_org.pk})) == set(
        community_org.children.values_list("pk", flat=True)
    )
    assert ids(api.get(ORGANISATIONS, {"kind": OrganisationKind.WORKING_COMMITTEE})) == set(
        PartyOrganisation.objects.filter(area__level=AreaLevel.STREET).values_list("pk", flat=True)
    )
    assert ids(api.get(ORGANISATIONS, {"area": community.pk})) == {community_org.pk}
    assert ids(api.get(ORGANISATIONS, {"is_joint": "true"})) == set()
    grid_org = PartyOrganisation.objects.get(area=city.grids[0])
    working = member_add(
        actor=None, organisation=grid_org, name="在职", is_working_member=True, workplace="医院"
    )
    assert ids(api.get(MEMBERS, {"is_working_member": "true"})) == {working.pk}
    assert ids(api.get(MEMBERS, {"organisation": grid_org.pk})) == {city.members[0].pk, working.pk}
    assert ids(api.get(MEMBERS, {"q": "医院"})) == {working.pk}
    assert ids(api.get(MEMBERS, {"ancestor": city.streets[1].pk})) == {m.pk for m in city.members[4:]}
    assert ids(api.get(UNITS, {"ancestor": city.streets[0].pk})) == {city.partner_units[0].pk}
    assert ids(api.get(UNITS, {"unit_type": PartnerUnitType.SCHOOL, "q": "第2"})) == {
        city.partner_units[1].pk
    }
    street_api = api_as(city.users["street"])
    assert "organisation" in fields_of(street_api.get(MEMBERS, {"organisation": grid_org.pk + 10_000}))


def test_a_party_secretary_adds_a_grid_branch_and_a_member(city):
    api = api_as(city.users["party"])
    grid = city.grids[1]
    community_org = PartyOrganisation.objects.get(area=city.communities[0])
    response = api.post(
        ORGANISATIONS,
        {"area": grid.pk, "parent": community_org.pk, "name": "新支部", "kind": OrganisationKind.BRANCH},
        format="json",
    )
    assert response.status_code == 201, response.json()
    organisation = PartyOrganisation.objects.get(pk=response.json()["id"])
    assert (organisation.grid_id, organisation.community_id) == (grid.pk, city.communities[0].pk)

    member = api.post(
        MEMBERS, {"organisation": organisation.pk, "name": "张三", "gender": "male"}, format="json"
    )
    assert member.status_code == 201, member.json()
    assert member.json()["area"] == grid.pk


def test_bad_party_input_is_400_and_creates_nothing(city):
    api = api_as(city.users["party"])
    community = city.communities[0]
    community_org = PartyOrganisation.objects.get(area=community)
    before = PartyOrganisation.objects.count()
    duplicate = api.post(
        ORGANISATIONS,
        {
            "area": community.pk,
            "parent": community_org.parent_id,
            "name": community_org.name,
            "kind": "committee",
        },
        format="json",
    )
    # the street's working committee lies above the secretary's community: not visible
    assert "does not exist" in fields_of(duplicate)["parent"][0]
    grid_org = PartyOrganisation.objects.get(area=city.grids[0])
    wrong_parent = api.post(
        ORGANISATIONS,
        {"area": city.buildings[2].pk, "parent": grid_org.pk, "name": "楼组", "kind": "group"},
        format="json",
    )
    assert "parent" in fields_of(wrong_parent)
    same_name = api.post(
        ORGANISATIONS,
        {"area": city.grids[0].pk, "parent": community_org.pk, "name": grid_org.name, "kind": "branch"},
        format="json",
    )
    assert fields_of(same_name)["name"] == ["This area already has an organisation of that name."]
    outside = api.post(MEMBERS, {"organisation": city.organisations[-1].pk, "name": "李四"}, format="json")
    assert "does not exist" in fields_of(outside)["organisation"][0]
    assert PartyOrganisation.objects.count() == before
    assert PartyMember.objects.count() == len(city.members)


def test_only_holders_of_party_change_create(city):
    response = api_as(city.users["street"]).post(
        UNITS, {"area": city.streets[0].pk, "name": "银行", "unit_type": "state_enterprise"}, format="json"
    )
    assert response.status_code == 403
    admin = api_as(city.users["sysadmin"])
    created = admin.post(
        UNITS, {"area": city.streets[0].pk, "name": "银行", "unit_type": "state_enterprise"}, format="json"
    )
    assert created.status_code == 201, created.json()
    assert PartnerUnit.objects.get(pk=created.json()["id"]).street_id == city.streets[0].pk


def test_coverage_of_a_visible_area(city):
    api = api_as(city.users["street"])
    response = api.get(COVERAGE, {"area": city.streets[0].pk})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["total"]["area"]["id"] == city.streets[0].pk
    assert (body["total"]["grids"], body["total"]["grids_with_branch"], body["total"]["branch_rate"]) == (
        4,
        4,
        1.0,
    )
    assert (body["total"]["buildings"], body["total"]["buildings_with_group"]) == (8, 0)
    assert [row["area"]["id"] for row in body["children"]] == [c.pk for c in city.communities[:2]]


def test_coverage_of_an_area_out_of_scope_is_not_found(city):
    api = api_as(city.users["street"])
    assert api.get(COVERAGE, {"area": city.streets[1].pk}).status_code == 404
    assert api.get(COVERAGE, {"area": 999999}).status_code == 404
    assert "area" in fields_of(api.get(COVERAGE))


@pytest.mark.parametrize(("url", "queries"), [(ORGANISATIONS, 4), (MEMBERS, 4), (UNITS, 4)])
def test_lists_cost_the_same_queries_whatever_the_page_size(city, django_assert_num_queries, url, queries):
    organisation = city.organisations[0]
    for n in range(50):
        member_add(actor=None, organisation=organisation, name=f"党员{n:02d}")
        partner_unit_create(
            actor=None, area=city.district, name=f"单位{n:02d}", unit_type=PartnerUnitType.OTHER
        )
    for grid in city.grids:
        grid_org = PartyOrganisation.objects.get(area=grid)
        for building in grid.children.all():
            for n in range(3):
                organisation_create(
                    actor=None, area=building, parent=grid_org, name=f"党小组{n}", kind=OrganisationKind.GROUP
                )
    # token with user, role scope, COUNT, page
    assert_list_cost(django_assert_num_queries, api_as(city.users["district"]), url, queries)
