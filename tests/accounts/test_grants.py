"""Who may grant which role: inside one's own scope, never to oneself, never above one's own rights."""

import pytest
from django.core.exceptions import ValidationError

from apps.accounts.models import RoleAssignment
from apps.accounts.roles import Role
from apps.accounts.scope import user_scope
from apps.accounts.services import role_grant, role_revoke, user_create
from apps.areas.models import Area
from apps.departments.services import department_update
from tests.builders import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("granter", "role", "level"),
    [
        ("street", Role.PARTY_SECRETARY, 2),  # party.change, which street staff do not hold
        ("street", Role.SYSTEM_ADMIN, 1),  # above the street
        ("district", Role.SYSTEM_ADMIN, 1),  # party.change again
        ("community", Role.GRID_WORKER, 4),  # community workers do not manage roles at all
    ],
)
def test_no_role_above_the_granters_own_rights(city, granter, role, level):
    colleague = user_create(username="colleague", password=PASSWORD)
    with pytest.raises(ValidationError):
        role_grant(actor=city.users[granter], user=colleague, role=role, area=city.by_level(level)[0])
    assert not RoleAssignment.objects.filter(user=colleague).exists()


def test_nobody_grants_themselves_a_role(city):
    street = city.users["street"]
    with pytest.raises(ValidationError):
        role_grant(actor=street, user=street, role=Role.AUDITOR, area=city.streets[0])
    with pytest.raises(ValidationError):
        role_revoke(actor=street, assignment=street.roles.get())


def test_colleagues_and_grid_staff_can_be_appointed(city):
    colleague = user_create(username="colleague", password=PASSWORD)
    role_grant(actor=city.users["street"], user=colleague, role=Role.STREET_STAFF, area=city.streets[0])
    role_grant(actor=city.users["street"], user=colleague, role=Role.GRID_HEAD, area=city.grids[0])
    role_grant(actor=city.users["district"], user=colleague, role=Role.AUDITOR, area=city.district)
    assert RoleAssignment.objects.filter(user=colleague).count() == 3


def test_only_superusers_change_the_grid_standard(city):
    assert not user_scope(city.users["sysadmin"]).allows("standard.change")


def test_a_deactivated_departments_handlers_lose_their_scope(city):
    dept = city.users["dept"]
    assert Area.objects.restrict(dept).exists()
    department_update(actor=None, department=city.departments[1], is_active=False)
    fresh = type(dept).objects.get(pk=dept.pk)
    assert not Area.objects.restrict(fresh).exists()


def test_overlapping_grants_let_the_higher_one_change_the_lower_area(city):
    street = city.users["street"]
    role_grant(actor=None, user=street, role=Role.COMMUNITY_WORKER, area=city.communities[0])
    fresh = type(street).objects.get(pk=street.pk)
    assert Area.objects.restrict(fresh, "change").filter(pk=city.communities[0].pk).exists()
    assert not Area.objects.restrict(fresh, "change").filter(pk=city.streets[0].pk).exists()
