"""Roles and users through the API: scoped lists, granting and revoking through the services."""

import pytest
from django.urls import reverse

from apps.accounts.models import RoleAssignment, User
from apps.accounts.roles import Role
from apps.accounts.services import role_grant, user_create
from tests.api_helpers import api_as, assert_list_cost, fields_of, ids
from tests.builders import PASSWORD

pytestmark = pytest.mark.django_db
ROLES = reverse("api:roleassignment-list")
USERS = reverse("api:user-list")


def roles_of(city, *usernames):
    return set(RoleAssignment.objects.filter(user__username__in=usernames).values_list("pk", flat=True))


def revoke_url(assignment):
    return reverse("api:roleassignment-revoke", args=[assignment.pk])


IN_FIRST_STREET = ("street", "community", "gridhead", "gridworker", "building", "party", "auditor", "dept")


@pytest.mark.parametrize(
    ("username", "visible"),
    [
        ("district", (*IN_FIRST_STREET, "district", "sysadmin")),
        ("street", IN_FIRST_STREET),
        ("auditor", IN_FIRST_STREET),
        ("community", ("community", "gridhead", "gridworker", "building", "party")),
        ("gridworker", ()),
    ],
)
def test_roles_are_listed_for_the_subtree(city, username, visible):
    api = api_as(city.users[username])
    assert ids(api.get(ROLES)) == roles_of(city, *visible)
    assert ids(api.get(USERS)) == {city.users[name].pk for name in visible}


def test_a_user_shows_only_the_roles_the_viewer_may_see(city):
    worker = city.users["gridworker"]
    role_grant(actor=None, user=worker, role=Role.GRID_WORKER, area=city.grids[4])  # in the other street
    api = api_as(city.users["street"])
    body = api.get(reverse("api:user-detail", args=[worker.pk])).json()
    assert list(body)[:3] == ["id", "url", "display"]
    assert [(role["role"], role["area"]) for role in body["roles"]] == [(Role.GRID_WORKER, city.grids[0].pk)]
    assert (
        len(api_as(city.users["district"]).get(reverse("api:user-detail", args=[worker.pk])).json()["roles"])
        == 2
    )


def test_users_and_roles_out_of_scope_are_not_found(city):
    api = api_as(city.users["street"])
    district_role = RoleAssignment.objects.get(user=city.users["district"])
    assert api.get(reverse("api:roleassignment-detail", args=[district_role.pk])).status_code == 404
    assert api.get(reverse("api:user-detail", args=[city.users["district"].pk])).status_code == 404
    assert api.post(revoke_url(district_role)).status_code == 404


def test_filters(city):
    api = api_as(city.users["district"])
    worker = city.users["gridworker"]
    assert ids(api.get(ROLES, {"user": worker.pk})) == roles_of(city, "gridworker")
    assert ids(api.get(ROLES, {"role": Role.GRID_HEAD})) == roles_of(city, "gridhead")
    assert ids(api.get(ROLES, {"area": city.grids[0].pk})) == roles_of(city, "gridhead", "gridworker")
    assert ids(api.get(ROLES, {"department": city.departments[1].pk})) == roles_of(city, "dept")
    assert ids(api.get(ROLES, {"ancestor": city.communities[0].pk})) == roles_of(
        city, "community", "gridhead", "gridworker", "building", "party"
    )
    assert ids(api.get(ROLES, {"active": "false"})) == set()
    assert ids(api.get(USERS, {"role": Role.AUDITOR})) == {city.users["auditor"].pk}
    assert ids(api.get(USERS, {"q": "gridw"})) == {worker.pk}
    assert "user" in fields_of(api_as(city.users["street"]).get(ROLES, {"user": city.users["district"].pk}))


def test_street_staff_grant_a_role_in_their_street(city):
    api = api_as(city.users["street"])
    user = city.users["building"]
    response = api.post(
        ROLES,
        {"user": user.pk, "role": Role.GRID_WORKER, "area": city.grids[1].pk, "is_full_time": True},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert list(body)[:3] == ["id", "url", "display"]
    assert (body["is_active"], body["granted_by"]) == (True, city.users["street"].pk)
    assert (
        RoleAssignment.objects.active().filter(user=user, role=Role.GRID_WORKER, area=city.grids[1]).exists()
    )


def test_bad_grants_are_400_with_field_errors_and_grant_nothing(city):
    api = api_as(city.users["street"])
    user = city.users["building"]
    before = RoleAssignment.objects.count()

    outside = api.post(
        ROLES, {"user": user.pk, "role": Role.GRID_WORKER, "area": city.grids[4].pk}, format="json"
    )
    assert fields_of(outside)["area"] == [f'Invalid pk "{city.grids[4].pk}" - object does not exist.']

    wrong_level = api.post(
        ROLES, {"user": user.pk, "role": Role.GRID_WORKER, "area": city.streets[0].pk}, format="json"
    )
    assert fields_of(wrong_level)["area"] == ["A grid worker is held for a grid."]

    no_place = api.post(ROLES, {"user": user.pk, "role": Role.DEPARTMENT_HANDLER}, format="json")
    assert "department" in fields_of(no_place)

    stranger = user_create(username="stranger", password=PASSWORD)
    unseen_user = api.post(
        ROLES, {"user": stranger.pk, "role": Role.GRID_WORKER, "area": city.grids[1].pk}, format="json"
    )
    assert fields_of(unseen_user)["user"] == [f'Invalid pk "{stranger.pk}" - object does not exist.']

    twice = api.post(
        ROLES,
        {"user": city.users["gridworker"].pk, "role": Role.GRID_WORKER, "area": city.grids[0].pk},
        format="json",
    )
    assert "non_field_errors" in fields_of(twice)
    assert RoleAssignment.objects.count() == before


def test_a_role_above_the_granters_own_area_is_refused(city):
    """Street staff see their street but grant only below the district: a district role is not theirs."""
    api = api_as(city.users["street"])
    response = api.post(
        ROLES,
        {"user": city.users["building"].pk, "role": Role.DISTRICT_COMMAND, "area": city.district.pk},
        format="json",
    )
    assert "does not exist" in fields_of(response)["area"][0]


def test_only_holders_of_role_change_grant_and_revoke(city):
    assignment = RoleAssignment.objects.get(user=city.users["gridworker"])
    for username in ("auditor", "community"):
        api = api_as(city.users[username])
        grant = api.post(
            ROLES,
            {"user": city.users["building"].pk, "role": Role.GRID_WORKER, "area": city.grids[0].pk},
            format="json",
        )
        assert grant.status_code == 403
        assert api.post(revoke_url(assignment)).status_code == 403
    assert RoleAssignment.objects.get(pk=assignment.pk).revoked_at is None


def test_revoke_through_the_service(city):
    api = api_as(city.users["street"])
    assignment = RoleAssignment.objects.get(user=city.users["gridworker"])
    response = api.post(revoke_url(assignment))
    assert response.status_code == 200, response.json()
    assert response.json()["is_active"] is False
    assignment.refresh_from_db()
    assert (assignment.revoked_at is not None, assignment.revoked_by) == (True, city.users["street"])
    assert "non_field_errors" in fields_of(api.post(revoke_url(assignment)))
    # the revoked role stays listed; the user, holding no other role, leaves the street's users
    assert assignment.pk in ids(api.get(ROLES, {"active": "false"}))
    assert city.users["gridworker"].pk not in ids(api.get(USERS))


@pytest.mark.parametrize(("url", "queries"), [(ROLES, 4), (USERS, 5)])
def test_lists_cost_the_same_queries_whatever_the_page_size(city, django_assert_num_queries, url, queries):
    for n in range(50):
        user = user_create(username=f"worker{n:02d}", password=PASSWORD)
        role_grant(actor=None, user=user, role=Role.GRID_WORKER, area=city.grids[n % 8])
    # token with user, role scope, COUNT, page (with users and places); users: + their visible roles
    assert_list_cost(django_assert_num_queries, api_as(city.users["district"]), url, queries)


def test_a_street_admin_creates_a_user_with_a_role_inside_their_street(city):
    api = api_as(city.users["street"])
    url = reverse("api:user-list")
    body = {
        "username": "newworker",
        "full_name": "新网格员",
        "password": "Grid-Test-Passw0rd",
        "role": "grid_worker",
    }
    outside = api.post(url, {**body, "area": city.grids[5].pk}, format="json")
    assert outside.status_code == 400
    assert "area" in outside.json()["error"]["fields"]
    weak = api.post(url, {**body, "password": "123", "area": city.grids[0].pk}, format="json")
    assert "password" in weak.json()["error"]["fields"]
    assert not User.objects.filter(username="newworker").exists()
    created = api.post(url, {**body, "area": city.grids[0].pk}, format="json")
    assert created.status_code == 201, created.json()
    user = User.objects.get(username="newworker")
    assert user.roles.get().area_id == city.grids[0].pk
    assert api.get(reverse("api:user-detail", args=[user.pk])).status_code == 200
