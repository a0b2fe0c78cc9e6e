"""The scope matrix: for each role and each scoped model, `restrict` gives exactly the rows expected.

The expectation is computed independently of the ancestor columns: by walking `parent` links in Python
and reading the permission table, so a wrong copy of an ancestor id, or a model that forgot to scope,
shows up here.
"""

import pytest

from apps.accounts.models import RoleAssignment, User
from apps.accounts.roles import PERMISSIONS
from apps.accounts.services import role_revoke
from apps.areas.models import Area
from apps.departments.models import Department
from apps.party.models import PartnerUnit, PartTimeMember, PartyMember, PartyOrganisation
from apps.party.services import part_time_member_add
from tests.builders import build_city

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
    street = city.streets[0]
    joint = PartyOrganisation.objects.get(area=street)
    joint.is_joint = True
    joint.save(update_fields=["is_joint"])
    part_time_member_add(
        actor=None, organisation=joint, partner_unit=city.partner_units[0], name="兼职委员甲"
    )
    return city


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
            elif model is User:
                hit = any(
                    inside(role.area_id if role.area_id else role.department.area_id)
                    for role in RoleAssignment.objects.active().filter(user=row).select_related("department")
                )
            elif model is RoleAssignment:
                hit = inside(row.area_id if row.area_id else row.department.area_id)
            else:
                hit = inside(row.area_id)
            if hit:
                seen.add(row.pk)
    return seen


SCOPED = [Area, Department, PartyOrganisation, PartyMember, PartnerUnit, PartTimeMember, RoleAssignment, User]


@pytest.mark.parametrize("model", SCOPED, ids=lambda model: model.__name__)
def test_each_role_sees_exactly_its_subtree(city, model):
    parents = dict(Area.objects.values_list("pk", "parent_id"))
    for username in ROLE_HOLDERS:
        user = User.objects.get(username=username)
        visible = set(model.objects.restrict(user).values_list("pk", flat=True))
        assert visible == _expected(user, model, parents), (username, model.__name__)


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
