"""The party pages through the real views: the tree, the roster and its forms, partner units, coverage."""

import pytest
from django.urls import reverse

from apps.party.choices import OrganisationKind, PartnerUnitType
from apps.party.models import PartnerUnit, PartTimeMember, PartyMember, PartyOrganisation
from apps.party.services import member_add, organisation_create, partner_unit_create

pytestmark = pytest.mark.django_db
TREE = reverse("party:organisation_tree")
UNITS = reverse("party:partner_unit_list")
COVERAGE = reverse("party:coverage")


def org(city, name: str) -> PartyOrganisation:
    return next(organisation for organisation in city.organisations if organisation.name == name)


def names(objects) -> list[str]:
    return [obj.name for obj in objects]


@pytest.fixture
def joint(city):
    """A joint committee (大工委) of the first street, beside its working committee."""
    return organisation_create(
        actor=None,
        area=city.streets[0],
        parent=city.organisations[0],
        name="第1街道大工委",
        kind=OrganisationKind.WORKING_COMMITTEE,
        is_joint=True,
    )


@pytest.mark.parametrize(
    ("username", "tops"),
    [
        ("sysadmin", ["测试区委"]),
        ("district", ["测试区委"]),
        ("street", ["第1街道党工委"]),
        ("party", ["第1街道1社区党委"]),
        ("gridworker", ["第1街道1社区1网格党支部"]),
        ("building", []),
    ],
)
def test_the_tree_starts_at_the_organisations_of_the_users_areas(city, as_user, username, tops):
    response = as_user(city.users[username]).get(TREE)
    assert response.status_code == 200
    assert names(response.context["organisations"]) == tops


def test_a_department_handler_has_no_party_pages(city, as_user):
    assert as_user(city.users["dept"]).get(TREE).status_code == 403


def test_the_tree_unfolds_within_the_scope(city, as_user):
    client = as_user(city.users["street"])
    street_org = org(city, "第1街道党工委")
    response = client.get(reverse("party:organisation_children", args=[street_org.pk]))
    assert names(response.context["organisations"]) == ["第1街道1社区党委", "第1街道2社区党委"]
    node = response.context["organisations"][0]
    assert (node.child_count, node.member_count) == (2, 0)
    for outside in ("测试区委", "第2街道党工委"):
        url = reverse("party:organisation_children", args=[org(city, outside).pk])
        assert client.get(url).status_code == 404


def test_the_detail_lists_the_roster_and_filters_working_members(city, as_user):
    grid_org = org(city, "第1街道1社区1网格党支部")
    member_add(actor=None, organisation=grid_org, name="在职党员甲", is_working_member=True)
    client = as_user(city.users["gridworker"])
    url = reverse("party:organisation_detail", args=[grid_org.pk])
    response = client.get(url)
    assert names(response.context["page_obj"]) == ["党员0", "在职党员甲"]
    assert response.context["may_change"] is False
    assert names(client.get(url, {"working": "on"}).context["page_obj"]) == ["在职党员甲"]
    other = org(city, "第1街道1社区2网格党支部")
    assert client.get(reverse("party:organisation_detail", args=[other.pk])).status_code == 404


def test_the_secretary_of_a_community_adds_members_and_sets_the_secretary(city, as_user):
    community_org = org(city, "第1街道1社区党委")
    client = as_user(city.users["party"])
    response = client.post(
        reverse("party:member_add", args=[community_org.pk]),
        {"name": "张三", "gender": "male", "is_working_member": "on", "workplace": "区医院"},
    )
    assert response.status_code == 302
    member = PartyMember.objects.get(name="张三")
    assert (member.organisation, member.is_working_member, member.community_id) == (
        community_org,
        True,
        city.communities[0].pk,
    )
    response = client.post(reverse("party:secretary_set", args=[community_org.pk]), {"secretary": member.pk})
    assert response.status_code == 302
    community_org.refresh_from_db()
    assert community_org.secretary == member


def test_a_secretary_who_is_not_a_member_is_refused(city, as_user):
    community_org = org(city, "第1街道1社区党委")
    stranger = city.members[0]  # on the roster of a grid branch below
    response = as_user(city.users["party"]).post(
        reverse("party:secretary_set", args=[community_org.pk]), {"secretary": stranger.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["secretary"] == [
        "The secretary must be a member of the organisation."
    ]
    community_org.refresh_from_db()
    assert community_org.secretary is None


def test_changes_are_not_found_out_of_scope_and_forbidden_without_the_permission(city, as_user):
    client = as_user(city.users["party"])
    other = org(city, "第1街道2社区党委")
    assert client.get(reverse("party:member_add", args=[other.pk])).status_code == 404
    assert client.post(reverse("party:member_add", args=[other.pk]), {"name": "越界"}).status_code == 404
    # Street staff see the party tree of their street but do not change it.
    street_client = as_user(city.users["street"])
    community_org = org(city, "第1街道1社区党委")
    response = street_client.post(reverse("party:member_add", args=[community_org.pk]), {"name": "越权"})
    assert response.status_code == 403
    assert not PartyMember.objects.filter(name__in=["越界", "越权"]).exists()


def test_a_part_time_member_joins_a_joint_committee_from_a_partner_unit(city, as_user, joint):
    client = as_user(city.users["sysadmin"])
    url = reverse("party:part_time_member_add", args=[joint.pk])
    assert list(client.get(url).context["form"].fields["partner_unit"].queryset) == [city.partner_units[0]]
    response = client.post(
        url, {"partner_unit": city.partner_units[0].pk, "name": "李四", "position": "校长"}
    )
    assert response.status_code == 302
    detail = client.get(reverse("party:organisation_detail", args=[joint.pk]))
    assert [(m.name, m.partner_unit.name) for m in detail.context["part_time_members"]] == [
        ("李四", "第1街道中学")
    ]


def test_a_part_time_member_for_an_organisation_that_is_not_joint_is_refused(city, as_user):
    street_org = org(city, "第1街道党工委")
    client = as_user(city.users["sysadmin"])
    url = reverse("party:part_time_member_add", args=[street_org.pk])
    assert client.get(url).context["notice"] == "Only joint committees have part-time members."
    response = client.post(url, {"partner_unit": city.partner_units[0].pk, "name": "王五"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Only joint committees have part-time members."]
    assert not PartTimeMember.objects.exists()


def test_partner_units_are_listed_within_the_scope_and_filtered(city, as_user):
    partner_unit_create(
        actor=None, area=city.streets[0], name="第1街道医院", unit_type=PartnerUnitType.HOSPITAL
    )
    client = as_user(city.users["street"])
    assert names(client.get(UNITS).context["page_obj"]) == ["第1街道中学", "第1街道医院"]
    assert names(client.get(UNITS, {"unit_type": "hospital"}).context["page_obj"]) == ["第1街道医院"]
    assert names(client.get(UNITS, {"q": "中学"}).context["page_obj"]) == ["第1街道中学"]
    district_client = as_user(city.users["district"])
    assert len(district_client.get(UNITS).context["page_obj"]) == 3


def test_a_partner_unit_is_added_and_a_duplicate_name_refused(city, as_user):
    client = as_user(city.users["party"])
    response = client.post(
        reverse("party:partner_unit_create"),
        {"area": city.communities[0].pk, "name": "社区卫生站", "unit_type": "hospital"},
    )
    assert response.status_code == 302
    assert PartnerUnit.objects.get(name="社区卫生站").community_id == city.communities[0].pk
    response = client.post(
        reverse("party:partner_unit_create"),
        {"area": city.communities[0].pk, "name": "社区卫生站", "unit_type": "school"},
    )
    assert response.context["form"].errors["name"] == ["This area already has a partner unit of that name."]
    assert PartnerUnit.objects.filter(name="社区卫生站").count() == 1
    response = client.post(
        reverse("party:partner_unit_create"),
        {"area": city.communities[1].pk, "name": "越界单位", "unit_type": "school"},
    )
    assert "area" in response.context["form"].errors
    assert not PartnerUnit.objects.filter(name="越界单位").exists()


def test_coverage_starts_at_the_users_area_and_links_down(city, as_user):
    client = as_user(city.users["street"])
    response = client.get(COVERAGE)
    assert response.context["area"] == city.streets[0]
    total = response.context["total"]
    assert (total.grids, total.grids_with_branch, total.buildings, total.buildings_with_group) == (4, 4, 8, 0)
    assert [row.area for row in response.context["rows"]] == city.communities[:2]
    community = city.communities[0]
    assert f'href="?area={community.pk}"' in response.content.decode()
    response = client.get(COVERAGE, {"area": community.pk})
    assert [row.area for row in response.context["rows"]] == city.grids[:2]
    assert [row.grids_with_branch for row in response.context["rows"]] == [1, 1]
    assert client.get(COVERAGE, {"area": city.streets[1].pk}).status_code == 404
    assert client.get(COVERAGE, {"area": "x"}).status_code == 404


def test_the_roster_costs_the_same_queries_for_5_and_30_members(city, as_user, django_assert_num_queries):
    grid_org = org(city, "第1街道1社区1网格党支部")
    client = as_user(city.users["gridworker"])
    url = reverse("party:organisation_detail", args=[grid_org.pk])
    for n in range(4):
        member_add(actor=None, organisation=grid_org, name=f"成员{n:02d}", is_working_member=n % 2 == 0)
    with django_assert_num_queries(9):
        assert len(client.get(url).context["page_obj"]) == 5
    for n in range(4, 29):
        member_add(actor=None, organisation=grid_org, name=f"成员{n:02d}")
    with django_assert_num_queries(9):
        assert len(client.get(url).context["page_obj"]) == 30


def test_the_partner_unit_list_costs_the_same_queries(city, as_user, django_assert_num_queries):
    client = as_user(city.users["street"])
    for n in range(4):
        partner_unit_create(actor=None, area=city.streets[0], name=f"单位{n:02d}", unit_type="other")
    with django_assert_num_queries(8):
        assert len(client.get(UNITS).context["page_obj"]) == 5
    for n in range(4, 29):
        partner_unit_create(actor=None, area=city.streets[0], name=f"单位{n:02d}", unit_type="other")
    with django_assert_num_queries(8):
        assert len(client.get(UNITS).context["page_obj"]) == 30


def test_the_tree_costs_the_same_queries_for_5_and_30_children(city, as_user, django_assert_num_queries):
    client = as_user(city.users["party"])
    community_org = org(city, "第1街道1社区党委")
    grid = city.grids[0]

    def add(first: int, last: int) -> None:
        for n in range(first, last):
            organisation_create(
                actor=None, area=grid, parent=community_org, name=f"支部{n:02d}", kind=OrganisationKind.BRANCH
            )

    url = reverse("party:organisation_children", args=[community_org.pk])
    add(0, 3)  # 5 with the community's two grid branches
    with django_assert_num_queries(8):
        assert len(client.get(url).context["organisations"]) == 5
    add(3, 28)
    with django_assert_num_queries(8):
        assert len(client.get(url).context["organisations"]) == 30
    with django_assert_num_queries(7):
        assert len(client.get(TREE).context["organisations"]) == 1
