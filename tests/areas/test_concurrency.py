"""Two people doing the same thing at once: exactly one wins, the other gets a clear error."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from apps.accounts.models import RoleAssignment
from apps.accounts.roles import Role
from apps.accounts.services import role_grant, user_create
from apps.areas.models import Area
from apps.areas.services import area_create

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
