"""Two people doing the same thing at once: exactly one wins, the other gets a clear error."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from apps.accounts.models import RoleAssignment
from apps.accounts.roles import Role
from apps.accounts.services import role_grant, user_create
from apps.areas.models import Area
from apps.areas.services import area_create, area_move, lock_tree, place_row
from apps.party.models import PartnerUnit

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


def _held_while(first, second, *, wait: float = 2.0) -> bool:
    """Whether `second` finishes (in another connection) while `first`'s transaction is still open."""
    holding = threading.Event()
    release = threading.Event()
    finished = threading.Event()

    def hold():
        try:
            with transaction.atomic():
                first()
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    def then():
        holding.wait(10)
        try:
            with transaction.atomic():
                second()
            finished.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=hold), threading.Thread(target=then)]
    for thread in threads:
        thread.start()
    done_while_held = finished.wait(wait)
    release.set()
    for thread in threads:
        thread.join()
    assert finished.is_set()
    return done_while_held


def test_rows_are_placed_in_one_district_at_once_but_never_while_its_tree_changes():
    district = area_create(actor=None, parent=None, name="并发区", code="330104")
    street = area_create(actor=None, parent=district, name="街道", code="330104001")
    other = area_create(actor=None, parent=district, name="另一街道", code="330104002")

    def place():
        place_row(PartnerUnit(), street)

    # Two placements (two cases reported in the district) do not wait for each other …
    assert _held_while(place, place)
    # … a change of the tree waits for a placement to commit, and a placement for a change.
    assert not _held_while(place, lambda: lock_tree(other))
    assert not _held_while(lambda: lock_tree(other), place)
