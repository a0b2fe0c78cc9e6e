"""The scope matrix: for each role and each scoped model, `restrict` gives exactly the rows expected.

The expectation is computed independently of the ancestor columns: by walking `parent` links in Python
and reading the permission table, so a wrong copy of an ancestor id, or a model that forgot to scope,
shows up here.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import RoleAssignment, User
from apps.accounts.roles import PERMISSIONS, Role
from apps.accounts.scope import user_scope
from apps.accounts.services import role_grant, role_revoke, user_create
from apps.areas.models import Area
from apps.areas.services import area_create
from apps.departments.models import Department
from apps.departments.services import department_create
from apps.party.models import PartnerUnit, PartTimeMember, PartyMember, PartyOrganisation
from apps.party.services import member_add, organisation_create, part_time_member_add, partner_unit_create
from apps.residents.models import Household, Resident, ResidentAccess
from apps.residents.services import resident_reveal
from apps.visits.models import Visit
from apps.visits.services import visit_log
from tests.api_helpers import api_as
from tests.builders import build_city, household_in, resident_in

pytestmark = pytest.mark.django_db

ROLE_HOLDERS = [
    "district",
    "street",
    "community",
    "gridhead",
    "gridworker",
    "building",
    "party",
    "auditor",
    "dept",
]


@pytest.fixture
def city():
    city = build_city()
    # A second district with something of every kind, so that every role has rows outside its scope.
    other = area_create(actor=None, parent=None, name="外区", code="310199")
    other_street = area_create(actor=None, parent=other, name="外区街道", code="310199001")
    other_org = organisation_create(actor=None, area=other, parent=None, name="外区区委", kind="committee")
    street_org = organisation_create(
        actor=None,
        area=other_street,
        parent=other_org,
        name="外区街道党工委",
        kind="working_committee",
        is_joint=True,
    )
    member_add(actor=None, organisation=street_org, name="外区党员")
    unit = partner_unit_create(actor=None, area=other_street, name="外区医院", unit_type="hospital")
    part_time_member_add(actor=None, organisation=street_org, partner_unit=unit, name="外区兼职委员")
    department_create(actor=None, area=other, name="外区城管执法局", level=1)
    outsider = user_create(username="outsider", password="Grid-Test-Passw0rd")
    role_grant(actor=None, user=outsider, role=Role.STREET_STAFF, area=other_street)
    street = city.streets[0]
    joint = PartyOrganisation.objects.get(area=street)
    joint.is_joint = True
    joint.save(update_fields=["is_joint"])
    part_time_member_add(
        actor=None, organisation=joint, partner_unit=city.partner_units[0], name="兼职委员甲"
    )
    _people_and_visits(city, outsider, other_street)
    return city


def _people_and_visits(city, outsider, other_street):
    """A household with a resident, a visit and an access-log row in every grid's first building, and in
    a building of the other district."""
    other_community = area_create(actor=None, parent=other_street, name="外区社区", code="310199001001")
    other_grid = area_create(actor=None, parent=other_community, name="外区网格", code="31019900100101")
    other_building = area_create(actor=None, parent=other_grid, name="外区1号楼", code="31019900100101001")
    places = [(building, User.objects.get(username="street")) for building in city.buildings[:4:2]]
    places.append((city.buildings[8], None))
    places.append((other_building, outsider))
    for index, (building, worker) in enumerate(places):
        resident = resident_in(household_in(building), name=f"居民{index}", phone=f"1380000000{index}")
        if worker is None:
            continue
        visit_log(actor=worker, kind="household", household=resident.household, visited_at=timezone.now())
        resident_reveal(actor=worker, resident=resident, field="phone", reason="核对")


def _chain(area_id: int, parents: dict[int, int | None]) -> list[int]:
    """The area and its ancestors, by walking parent links."""
    chain = []
    while area_id is not None:
        chain.append(area_id)
        area_id = parents[area_id]
    return chain


def _expected(user: User, model, parents: dict[int, int | None]) -> set[int]:
    assignments = list(RoleAssignment.objects.active().filter(user=user).select_related("department"))
    resource = model.scope_resource
    seen: set[int] = set()
    for assignment in assignments:
        if f"{resource}.view" not in PERMISSIONS[assignment.role]:
            continue
        if assignment.department_id:
            covered = set(assignment.department.served_areas.values_list("pk", flat=True))
        else:
            covered = {assignment.area_id}
        above = {ancestor for area_id in covered for ancestor in _chain(parents[area_id], parents)}

        def inside(area_id, covered=covered):
            return bool(covered & set(_chain(area_id, parents)))

        for row in model.objects.all():
            if model is Area:
                hit = inside(row.pk)
            elif model is Department:
                hit = inside(row.area_id) or row.area_id in above or row.pk == assignment.department_id
            elif model is PartnerUnit:
                # A community reads the units resident in its street and district, as it does departments.
                hit = inside(row.area_id) or row.area_id in above
            elif model is User:
                hit = any(
                    inside(role.area_id if role.area_id else role.department.area_id)
                    for role in RoleAssignment.objects.active().filter(user=row).select_related("department")
                )
            elif model is RoleAssignment:
                hit = inside(row.area_id if row.area_id else row.department.area_id)
            else:
                hit = inside(getattr(row, f"{getattr(model, 'area_field', 'area')}_id"))
            if hit:
                seen.add(row.pk)
    return seen


SCOPED = [
    Area,
    Department,
    PartyOrganisation,
    PartyMember,
    PartnerUnit,
    PartTimeMember,
    RoleAssignment,
    User,
    Household,
    Resident,
    Visit,
    ResidentAccess,
]


@pytest.mark.parametrize("model", SCOPED, ids=lambda model: model.__name__)
def test_each_role_sees_exactly_its_subtree(city, model):
    parents = dict(Area.objects.values_list("pk", "parent_id"))
    for username in ROLE_HOLDERS:
        user = User.objects.get(username=username)
        visible = set(model.objects.restrict(user).values_list("pk", flat=True))
        assert visible == _expected(user, model, parents), (username, model.__name__)


# model: (API list, API detail, page detail or None, the permission that opens the page)
ENDPOINTS = {
    Area: ("api:area-list", "api:area-detail", "areas:detail", "area.view"),
    Department: ("api:department-list", "api:department-detail", "departments:detail", "department.view"),
    PartyOrganisation: (
        "api:partyorganisation-list",
        "api:partyorganisation-detail",
        "party:organisation_detail",
        "party.view",
    ),
    PartyMember: ("api:partymember-list", "api:partymember-detail", None, ""),
    PartnerUnit: ("api:partnerunit-list", "api:partnerunit-detail", None, ""),
    RoleAssignment: ("api:roleassignment-list", "api:roleassignment-detail", None, ""),
    User: ("api:user-list", "api:user-detail", "accounts:user_detail", "role.change"),
    Household: ("api:household-list", "api:household-detail", None, ""),
    Resident: ("api:resident-list", "api:resident-detail", None, ""),
    Visit: ("api:visit-list", "api:visit-detail", None, ""),
}


@pytest.mark.parametrize("model", list(ENDPOINTS), ids=lambda model: model.__name__)
def test_the_api_and_the_pages_show_exactly_the_subtree(city, client, model):
    list_name, detail_name, page_name, page_permission = ENDPOINTS[model]
    parents = dict(Area.objects.values_list("pk", "parent_id"))
    for username in ROLE_HOLDERS:
        user = User.objects.get(username=username)
        expected = _expected(user, model, parents)
        outside = model.objects.exclude(pk__in=expected).order_by("pk").first()
        assert outside is not None, (username, model.__name__)
        api = api_as(user)
        listed = api.get(reverse(list_name), {"page_size": 200})
        assert listed.status_code == 200, (username, model.__name__, listed.status_code)
        assert {row["id"] for row in listed.json()["results"]} == expected, (username, model.__name__)
        assert api.get(reverse(detail_name, args=[outside.pk])).status_code == 404, (username, model.__name__)
        if expected:
            inside = min(expected)
            assert api.get(reverse(detail_name, args=[inside])).status_code == 200, (username, model.__name__)
        if page_name and user_scope(user).allows(page_permission):
            client.force_login(user)
            assert client.get(reverse(page_name, args=[outside.pk])).status_code == 404, (
                username,
                model.__name__,
            )
            if expected:
                page = client.get(reverse(page_name, args=[min(expected)]))
                assert page.status_code == 200, (username, model.__name__)


def test_scopes_are_not_trivial(city):
    """Guards the matrix against passing by everyone seeing everything or nothing."""
    street = User.objects.get(username="street")
    everything = Area.objects.count()
    assert 0 < Area.objects.restrict(street).count() < everything
    assert Area.objects.restrict(User.objects.get(username="building")).count() == 1
    assert PartyOrganisation.objects.restrict(User.objects.get(username="dept")).count() == 0


def test_superuser_and_roleless_user(city, superuser):
    assert Area.objects.restrict(superuser).count() == Area.objects.count()
    nobody = User.objects.create_user(username="nobody", password="x" * 12)
    for model in SCOPED:
        assert not model.objects.restrict(nobody).exists(), model.__name__


def test_a_revoked_role_no_longer_scopes(city):
    street = User.objects.get(username="street")
    role_revoke(actor=None, assignment=street.roles.get())
    street = User.objects.get(username="street")
    assert not Area.objects.restrict(street).exists()
