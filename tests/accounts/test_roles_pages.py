"""User and role management through the real pages: each admin manages the people of their own areas."""

import pytest
from django.urls import reverse

from apps.accounts.models import RoleAssignment, User
from apps.accounts.roles import Role
from apps.accounts.services import role_grant, user_create
from tests.builders import PASSWORD

pytestmark = pytest.mark.django_db
USERS = reverse("accounts:user_list")
CREATE = reverse("accounts:user_create")
NEW_PASSWORD = "a-Long-enough-passw0rd"


def usernames(response) -> list[str]:
    return [user.username for user in response.context["page_obj"]]


def new_user(**fields) -> dict:
    return {"username": "newbie", "full_name": "新网格员", "password": NEW_PASSWORD, **fields}


STREET_PEOPLE = ["auditor", "building", "community", "dept", "gridhead", "gridworker", "party", "street"]


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("district", sorted([*STREET_PEOPLE, "district", "sysadmin"])),
        ("sysadmin", sorted([*STREET_PEOPLE, "district", "sysadmin"])),
        ("street", STREET_PEOPLE),
    ],
)
def test_each_admin_lists_the_people_of_their_areas(city, as_user, username, expected):
    response = as_user(city.users[username]).get(USERS)
    assert response.status_code == 200
    assert usernames(response) == expected


@pytest.mark.parametrize("username", ["community", "gridhead", "gridworker", "party", "auditor", "dept"])
def test_users_without_role_change_have_no_user_pages(city, as_user, username):
    client = as_user(city.users[username])
    assert client.get(USERS).status_code == 403
    assert client.get(CREATE).status_code == 403
    assert client.get(reverse("accounts:user_detail", args=[city.users["street"].pk])).status_code == 403


def test_the_list_searches_names_and_shows_only_roles_in_sight(city, as_user):
    role_grant(actor=None, user=city.users["gridworker"], role=Role.GRID_WORKER, area=city.grids[4])
    client = as_user(city.users["street"])
    assert usernames(client.get(USERS, {"q": "GRIDW"})) == ["gridworker"]
    worker = client.get(USERS, {"q": "gridworker"}).context["page_obj"][0]
    assert [assignment.area for assignment in worker.active_roles] == [city.grids[0]]


def test_street_staff_create_a_user_with_a_role_in_their_street(city, as_user):
    client = as_user(city.users["street"])
    response = client.post(
        CREATE, new_user(role=Role.GRID_WORKER, area=city.grids[1].code, is_full_time="on")
    )
    user = User.objects.get(username="newbie")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])
    assert user.check_password(NEW_PASSWORD)
    assignment = user.roles.get()
    assert (assignment.role, assignment.area, assignment.is_full_time, assignment.granted_by) == (
        Role.GRID_WORKER,
        city.grids[1],
        True,
        city.users["street"],
    )


def test_a_department_handler_is_created_for_a_department(city, as_user):
    client = as_user(city.users["street"])
    form = client.get(CREATE).context["form"]
    assert list(form.fields["department"].queryset) == [city.departments[1]]
    response = client.post(CREATE, new_user(role=Role.DEPARTMENT_HANDLER, department=city.departments[1].pk))
    assert response.status_code == 302
    assert User.objects.get(username="newbie").roles.get().department == city.departments[1]


def test_an_area_outside_the_admins_areas_is_refused_and_no_account_is_made(city, as_user):
    client = as_user(city.users["street"])
    response = client.post(CREATE, new_user(role=Role.GRID_WORKER, area=city.grids[4].code))
    assert response.status_code == 200
    assert response.context["form"].errors["area"] == [
        f"None of your areas has the code {city.grids[4].code}."
    ]
    assert not User.objects.filter(username="newbie").exists()


def test_an_area_seen_but_not_managed_is_refused_by_the_service_and_no_account_is_made(city, as_user):
    # Auditor of the district (sees it all) and street staff of the first street (manages that only).
    admin = user_create(username="mixed", password=PASSWORD)
    role_grant(actor=None, user=admin, role=Role.AUDITOR, area=city.district)
    role_grant(actor=None, user=admin, role=Role.STREET_STAFF, area=city.streets[0])
    response = as_user(admin).post(CREATE, new_user(role=Role.GRID_WORKER, area=city.grids[4].code))
    assert response.status_code == 200
    assert response.context["form"].errors["area"] == ["You may not grant roles there."]
    assert not User.objects.filter(username="newbie").exists()


def test_bad_input_is_explained(city, as_user):
    client = as_user(city.users["street"])
    response = client.post(CREATE, new_user(role=Role.GRID_WORKER, area=city.communities[0].code))
    assert response.context["form"].errors["area"] == ["A grid worker is held for a grid."]
    response = client.post(
        CREATE, new_user(username="street", role=Role.GRID_WORKER, area=city.grids[0].code)
    )
    assert response.context["form"].errors["username"] == ["This username is taken."]
    response = client.post(CREATE, new_user(password="short", role=Role.GRID_WORKER, area=city.grids[0].code))
    assert "password" in response.context["form"].errors
    response = client.post(CREATE, new_user(role=Role.DEPARTMENT_HANDLER))
    assert response.context["form"].errors["department"] == [
        "A department handler is appointed to a department."
    ]
    assert not User.objects.filter(username="newbie").exists()


def test_the_detail_shows_active_and_revoked_roles(city, as_user):
    worker = city.users["gridworker"]
    extra = role_grant(actor=None, user=worker, role=Role.GRID_HEAD, area=city.grids[1])
    client = as_user(city.users["street"])
    client.post(reverse("accounts:role_revoke", args=[extra.pk]))
    response = client.get(reverse("accounts:user_detail", args=[worker.pk]))
    rows = [(a.role, a.revoked_at is None) for a in response.context["roles"]]
    assert rows == [(Role.GRID_WORKER, True), (Role.GRID_HEAD, False)]
    assert response.context["revocable"] == {worker.roles.get(role=Role.GRID_WORKER).pk}


def test_users_out_of_sight_are_not_found(city, as_user):
    client = as_user(city.users["street"])
    district = city.users["district"]
    assert client.get(reverse("accounts:user_detail", args=[district.pk])).status_code == 404
    url = reverse("accounts:role_grant", args=[district.pk])
    assert client.post(url, {"role": Role.GRID_WORKER, "area": city.grids[0].code}).status_code == 404
    assignment = district.roles.get()
    assert client.post(reverse("accounts:role_revoke", args=[assignment.pk])).status_code == 404
    assert RoleAssignment.objects.get(pk=assignment.pk).revoked_at is None


def test_granting_a_role_and_refusing_one_outside_the_scope(city, as_user):
    worker = city.users["gridworker"]
    client = as_user(city.users["street"])
    url = reverse("accounts:role_grant", args=[worker.pk])
    response = client.post(url, {"role": Role.GRID_HEAD, "area": city.grids[1].code})
    assert response.status_code == 302
    assert worker.roles.active().filter(role=Role.GRID_HEAD, area=city.grids[1]).exists()

    response = client.post(url, {"role": Role.GRID_HEAD, "area": city.grids[5].code})
    assert response.status_code == 200
    assert response.context["form"].errors["area"] == [
        f"None of your areas has the code {city.grids[5].code}."
    ]
    response = client.post(url, {"role": Role.GRID_HEAD, "area": city.grids[1].code})
    assert response.context["form"].non_field_errors() == ["gridworker already holds this role there."]
    assert worker.roles.count() == 2


def test_revoking_needs_a_post_and_the_right_to_change(city, as_user):
    worker = city.users["gridworker"]
    assignment = worker.roles.get()
    client = as_user(city.users["street"])
    url = reverse("accounts:role_revoke", args=[assignment.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.revoked_by, assignment.revoked_at is not None) == (city.users["street"], True)
    # The worker holds no role in sight any more, so the admin lands back on the list.
    assert response["Location"] == USERS

    # The district auditor sees the first street's staff role but may not revoke it.
    auditor = user_create(username="district-auditor", password=PASSWORD)
    role_grant(actor=None, user=auditor, role=Role.AUDITOR, area=city.district)
    role_grant(actor=None, user=auditor, role=Role.STREET_STAFF, area=city.streets[1])
    staff_role = city.users["street"].roles.get()
    assert as_user(auditor).post(reverse("accounts:role_revoke", args=[staff_role.pk])).status_code == 403
    assert RoleAssignment.objects.get(pk=staff_role.pk).revoked_at is None


def test_area_suggestions_are_the_admins_areas_of_the_roles_levels(city, as_user):
    client = as_user(city.users["street"])
    url = reverse("accounts:area_options")
    response = client.get(url, {"role": Role.GRID_WORKER, "area": "网格"})
    assert [area.code for area in response.context["areas"]] == [grid.code for grid in city.grids[:4]]
    assert list(client.get(url, {"role": Role.DEPARTMENT_HANDLER, "area": "网格"}).context["areas"]) == []
    assert list(client.get(url, {"role": "nonsense", "area": "网格"}).context["areas"]) == []


def test_the_list_costs_the_same_queries_for_5_and_30_users(city, as_user, django_assert_num_queries):
    client = as_user(city.users["street"])
    community = city.communities[1]  # 8 users of the city are already in sight

    def add(first: int, last: int) -> None:
        for n in range(first, last):
            user = user_create(username=f"worker{n:02d}", password=PASSWORD)
            role_grant(actor=None, user=user, role=Role.COMMUNITY_WORKER, area=community)

    add(0, 4)
    with django_assert_num_queries(9):
        assert len(client.get(USERS, {"q": "worker"}).context["page_obj"]) == 5  # gridworker too
    add(4, 29)
    with django_assert_num_queries(9):
        assert len(client.get(USERS, {"q": "worker"}).context["page_obj"]) == 30
