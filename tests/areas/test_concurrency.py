"""Two people doing the same thing at once: exactly one wins, the other gets a clear error."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from apps.accounts.models import RoleAssignment
from apps.accounts.roles import Role
from apps.accounts.services import role_grant, user_create
from apps.areas.models import Area
from apps.areas.services import area_create, area_move

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(action, times: int = 2) -> list:
    barrier = threading.Barrier(times)
    outcomes: list = []

    def run():
        barrier.wait()
        try:
            outcomes.append(action())
        except ValidationError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_the_same_code_created_twice_at_once():
    district = area_create(actor=None, parent=None, name="并发区", code="330101")
    outcomes = _race(lambda: area_create(actor=None, parent=district, name="并发街道", code="330101001"))
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["Area", "ValidationError"]
    assert Area.objects.filter(code="330101001").count() == 1


def test_the_same_role_granted_twice_at_once():
    district = area_create(actor=None, parent=None, name="并发区", code="330102")
    user = user_create(username="twice", password="Grid-Test-Passw0rd")
    outcomes = _race(lambda: role_grant(actor=None, user=user, role=Role.DISTRICT_COMMAND, area=district))
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["RoleAssignment", "ValidationError"]
    assert RoleAssignment.objects.filter(user=user).count() == 1


def test_a_building_created_while_its_community_moves_lands_in_the_new_street():
    district = area_create(actor=None, parent=None, name="并发区", code="330103")
    old_street = area_create(actor=None, parent=district, name="旧街道", code="330103001")
    new_street = area_create(actor=None, parent=district, name="新街道", code="330103002")
    community = area_create(actor=None, parent=old_street, name="社区", code="330103001001")
    grid = area_create(actor=None, parent=community, name="网格", code="33010300100101")
    barrier = threading.Barrier(2)
    errors: list = []

    def move():
        barrier.wait()
        try:
            area_move(actor=None, area=community, new_parent=new_street)
        finally:
            connection.close()

    def create():
        barrier.wait()
        try:
            area_create(actor=None, parent=grid, name="楼", code="33010300100101001", households=50)
        except Exception as error:  # noqa: BLE001 - any failure is the finding
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=move), threading.Thread(target=create)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    building = Area.objects.get(code="33010300100101001")
    assert building.street_id == new_street.pk
    assert building.path.startswith(Area.objects.get(pk=grid.pk).path)
    assert Area.objects.get(pk=new_street.pk).households == 50
    assert Area.objects.get(pk=old_street.pk).households == 0
