"""Departments through the API: who sees which, the filters, writes through the services."""

import pytest
from django.urls import reverse

from apps.areas.choices import AreaLevel
from apps.cases.models import Category
from apps.departments.models import Department
from apps.departments.services import department_create
from tests.api_helpers import api_as, assert_list_cost, fields_of, ids

pytestmark = pytest.mark.django_db
DEPARTMENTS = reverse("api:department-list")


def detail(department):
    return reverse("api:department-detail", args=[department.pk])


def test_departments_of_the_own_areas_and_those_above_are_listed(city):
    district_dept, street_dept, _other = city.departments
    assert ids(api_as(city.users["district"]).get(DEPARTMENTS)) == {d.pk for d in city.departments}
    for username in ("street", "community", "gridworker"):
        assert ids(api_as(city.users[username]).get(DEPARTMENTS)) == {district_dept.pk, street_dept.pk}
    assert ids(api_as(city.users["dept"]).get(DEPARTMENTS)) == {district_dept.pk, street_dept.pk}
    assert ids(api_as(city.users["building"]).get(DEPARTMENTS)) == set()


def test_a_department_out_of_scope_is_not_found(city):
    response = api_as(city.users["street"]).get(detail(city.departments[2]))
    assert response.status_code == 404


def test_filters(city):
    api = api_as(city.users["district"])
    district_dept, street_dept, _other = city.departments
    category = Category.objects.create(code="C1", name="市容")
    street_dept.categories.add(category)
    assert ids(api.get(DEPARTMENTS, {"level": AreaLevel.STREET})) == {d.pk for d in city.departments[1:]}
    assert ids(api.get(DEPARTMENTS, {"area": city.district.pk})) == {district_dept.pk}
    assert ids(api.get(DEPARTMENTS, {"ancestor": city.streets[0].pk})) == {street_dept.pk}
    assert ids(api.get(DEPARTMENTS, {"category": category.pk})) == {street_dept.pk}
    assert ids(api.get(DEPARTMENTS, {"q": "城管"})) == {district_dept.pk}
    assert "ancestor" in fields_of(
        api_as(city.users["street"]).get(DEPARTMENTS, {"ancestor": city.streets[1].pk})
    )


def test_street_staff_create_a_department_of_their_street(city):
    api = api_as(city.users["street"])
    street = city.streets[0]
    response = api.post(
        DEPARTMENTS,
        {
            "name": "派出所",
            "level": AreaLevel.STREET,
            "area": street.pk,
            "served_areas": [city.communities[0].pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert list(body)[:3] == ["id", "url", "display"]
    department = Department.objects.get(pk=body["id"])
    assert (department.street_id, department.created_by) == (street.pk, city.users["street"])
    assert body["served_areas"] == [city.communities[0].pk]


def test_bad_department_input_is_400_and_creates_nothing(city):
    api = api_as(city.users["street"])
    street = city.streets[0]
    before = Department.objects.count()
    duplicate = api.post(
        DEPARTMENTS,
        {"name": city.departments[1].name, "level": AreaLevel.STREET, "area": street.pk},
        format="json",
    )
    assert fields_of(duplicate)["name"] == ["This area already has a department of that name."]
    wrong_level = api.post(
        DEPARTMENTS, {"name": "x", "level": AreaLevel.DISTRICT, "area": street.pk}, format="json"
    )
    assert "area" in fields_of(wrong_level)
    outside = api.post(
        DEPARTMENTS, {"name": "x", "level": AreaLevel.STREET, "area": city.streets[1].pk}, format="json"
    )
    assert fields_of(outside)["area"] == [f'Invalid pk "{city.streets[1].pk}" - object does not exist.']
    served_elsewhere = api.post(
        DEPARTMENTS,
        {"name": "x", "level": AreaLevel.STREET, "area": street.pk, "served_areas": [city.streets[1].pk]},
        format="json",
    )
    assert "does not exist" in fields_of(served_elsewhere)["served_areas"][0]
    assert Department.objects.count() == before


def test_partial_update_through_the_service(city):
    api = api_as(city.users["street"])
    department = city.departments[1]
    response = api.patch(detail(department), {"phone": "12345", "area": city.streets[1].pk}, format="json")
    assert response.status_code == 200, response.json()
    department.refresh_from_db()
    assert (department.phone, department.area_id) == ("12345", city.streets[0].pk)


def test_a_department_seen_but_not_managed_is_403(city):
    """Street staff see the district's departments but manage only their street's."""
    response = api_as(city.users["street"]).patch(detail(city.departments[0]), {"phone": "1"}, format="json")
    assert response.status_code == 403
    no_change_right = api_as(city.users["community"]).post(
        DEPARTMENTS, {"name": "x", "level": AreaLevel.STREET, "area": city.streets[0].pk}, format="json"
    )
    assert no_change_right.status_code == 403


def test_the_list_costs_the_same_queries_whatever_the_page_size(city, django_assert_num_queries):
    category = Category.objects.create(code="C1", name="市容")
    for n in range(50):
        street = city.streets[n % 2]
        department = department_create(actor=None, area=street, name=f"部门{n}", level=AreaLevel.STREET)
        department.categories.add(category)
    # token with user, role scope, COUNT, page, areas served, categories
    assert_list_cost(django_assert_num_queries, api_as(city.users["district"]), DEPARTMENTS, 6)
