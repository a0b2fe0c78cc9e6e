"""The department pages through the real views: who sees which departments, and the create and edit forms."""

import pytest
from django.urls import reverse

from apps.areas.choices import AreaLevel
from apps.cases.models import Category
from apps.departments.models import Department
from apps.departments.services import department_create

pytestmark = pytest.mark.django_db
LIST = reverse("departments:list")
CREATE = reverse("departments:create")


def listed(response) -> list[str]:
    return [department.name for department in response.context["page_obj"]]


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("district", ["区城管执法局", "第1街道综合执法队", "第2街道综合执法队"]),
        ("sysadmin", ["区城管执法局", "第1街道综合执法队", "第2街道综合执法队"]),
        ("street", ["区城管执法局", "第1街道综合执法队"]),
        ("gridworker", ["区城管执法局", "第1街道综合执法队"]),
        ("party", ["区城管执法局", "第1街道综合执法队"]),
        ("dept", ["区城管执法局", "第1街道综合执法队"]),
    ],
)
def test_each_role_sees_the_departments_of_its_areas(city, as_user, username, expected):
    response = as_user(city.users[username]).get(LIST)
    assert response.status_code == 200
    assert sorted(listed(response)) == sorted(expected)


def test_a_building_leader_has_no_department_pages(city, as_user):
    client = as_user(city.users["building"])
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("departments:detail", args=[city.departments[0].pk])).status_code == 404


def test_the_list_filters_by_level_and_text(city, as_user):
    client = as_user(city.users["district"])
    assert listed(client.get(LIST, {"level": AreaLevel.STREET})) == ["第1街道综合执法队", "第2街道综合执法队"]
    assert listed(client.get(LIST, {"q": "城管"})) == ["区城管执法局"]
    assert listed(client.get(LIST, {"q": "第2", "level": AreaLevel.STREET})) == ["第2街道综合执法队"]


def test_the_detail_shows_areas_categories_and_handlers(city, as_user):
    category = Category.objects.create(code="env", name="市容环境")
    department = city.departments[1]
    department.categories.add(category)
    response = as_user(city.users["street"]).get(reverse("departments:detail", args=[department.pk]))
    assert response.status_code == 200
    assert [a.user.username for a in response.context["handlers"]] == ["dept"]
    page = response.content.decode()
    assert "市容环境" in page
    assert city.streets[0].name in page
    assert response.context["may_change"] is True


def test_out_of_scope_answers_not_found_and_visible_but_not_changeable_forbidden(city, as_user):
    client = as_user(city.users["street"])
    other_street = city.departments[2]
    assert client.get(reverse("departments:detail", args=[other_street.pk])).status_code == 404
    assert client.get(reverse("departments:update", args=[other_street.pk])).status_code == 404
    district = city.departments[0]
    assert client.get(reverse("departments:detail", args=[district.pk])).status_code == 200
    response = client.post(reverse("departments:update", args=[district.pk]), {"name": "改名"})
    assert response.status_code == 403
    assert Department.objects.get(pk=district.pk).name == "区城管执法局"


def test_a_gridworker_may_not_create_departments(city, as_user):
    assert as_user(city.users["gridworker"]).get(CREATE).status_code == 403


def test_street_staff_create_a_department_of_their_street(city, as_user):
    category = Category.objects.create(code="env", name="市容环境")
    Category.objects.create(code="old", name="旧分类", is_active=False)
    client = as_user(city.users["street"])
    form = client.get(CREATE).context["form"]
    assert list(form.fields["area"].queryset) == [city.streets[0]]
    # Every active category is offered (the city has a few of its own), the retired one is not.
    offered = list(form.fields["categories"].queryset)
    assert category in offered
    assert all(c.is_active for c in offered)
    response = client.post(
        CREATE,
        {
            "area": city.streets[0].pk,
            "name": "第1街道市场监管所",
            "served_areas": [city.communities[0].pk],
            "categories": [category.pk],
        },
    )
    department = Department.objects.get(name="第1街道市场监管所")
    assert response.status_code == 302
    assert response["Location"] == reverse("departments:detail", args=[department.pk])
    assert department.level == AreaLevel.STREET
    assert list(department.served_areas.all()) == [city.communities[0]]
    assert list(department.categories.all()) == [category]
    assert department.created_by == city.users["street"]


def test_a_duplicate_name_is_refused_and_nothing_changes(city, as_user):
    client = as_user(city.users["street"])
    before = Department.objects.count()
    response = client.post(CREATE, {"area": city.streets[0].pk, "name": "第1街道综合执法队"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["This area already has a department of that name."]
    assert Department.objects.count() == before


def test_an_area_outside_the_scope_is_not_a_choice(city, as_user):
    client = as_user(city.users["street"])
    response = client.post(CREATE, {"area": city.streets[1].pk, "name": "越界部门"})
    assert response.status_code == 200
    assert "area" in response.context["form"].errors
    assert not Department.objects.filter(name="越界部门").exists()


def test_editing_renames_and_a_duplicate_name_is_refused(city, as_user):
    client = as_user(city.users["district"])
    department = city.departments[1]
    url = reverse("departments:update", args=[department.pk])
    department_create(actor=None, area=city.streets[0], name="第1街道派出所", level=AreaLevel.STREET)
    response = client.post(url, {"name": "第1街道派出所", "is_active": "on"})
    assert response.context["form"].errors["name"] == ["This area already has a department of that name."]
    assert Department.objects.get(pk=department.pk).name == "第1街道综合执法队"

    response = client.post(url, {"name": "第1街道城管队", "phone": "12345", "is_active": "on"})
    assert response.status_code == 302
    department.refresh_from_db()
    assert (department.name, department.phone) == ("第1街道城管队", "12345")
    assert list(department.served_areas.all()) == [city.streets[0]]


def _add_departments(city, count: int, start: int) -> None:
    categories = [Category.objects.create(code=f"c{start}-{n}", name=f"分类{n}") for n in range(2)]
    for n in range(start, start + count):
        department = department_create(
            actor=None, area=city.streets[0], name=f"部门{n:03d}", level=AreaLevel.STREET
        )
        department.categories.set(categories)


def test_the_list_costs_the_same_queries_for_5_and_30_rows(city, as_user, django_assert_num_queries):
    client = as_user(city.users["district"])
    _add_departments(city, 2, 0)  # 5 in all with the city's three
    with django_assert_num_queries(9):
        response = client.get(LIST)
    assert len(response.context["page_obj"]) == 5
    _add_departments(city, 25, 100)
    with django_assert_num_queries(9):
        response = client.get(LIST)
    assert len(response.context["page_obj"]) == 30
