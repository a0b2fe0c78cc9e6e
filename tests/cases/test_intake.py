"""The staff intake page: places within scope, the routing proposal and routing now, duplicate
suggestions, and bad input that keeps the form and saves nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.cases.categories import routing_rule_save
from apps.cases.choices import CaseStatus, Channel, HandlingLevel, IntakeRoute
from apps.cases.intake import case_intake
from apps.cases.models import Case
from apps.dispatch.models import DispatchOrder
from tests.cases.api_support import photo, report

pytestmark = pytest.mark.django_db
NEW = reverse("cases:new")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def form_data(city, **changes) -> dict:
    data = {
        "idempotency_key": "",
        "category": city.categories[1].pk,
        "title": "垃圾堆放",
        "description": "楼下垃圾三天未清运",
        "urgency": "normal",
        "channel": Channel.GRID_WORKER,
        "area": city.buildings[0].pk,
        "address": "1号楼东侧",
        "longitude": "",
        "latitude": "",
        "reporter_name": "张三",
        "reporter_phone": "13800138000",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def department_rule(city):
    return routing_rule_save(
        actor=None,
        category=city.categories[1],
        handling_level=HandlingLevel.DEPARTMENT,
        department=city.departments[1],
    )


def test_the_workbench_offers_reporting_to_those_who_may(city, as_user):
    assert "report-case" in as_user(city.users["gridworker"]).get("/").content.decode()
    assert "report-case" not in as_user(city.users["dept"]).get("/").content.decode()


def test_the_form_groups_active_categories_under_their_top_category(city, as_user):
    retired = city.categories[2]
    retired.is_active = False
    retired.save()
    response = as_user(city.users["gridworker"]).get(NEW)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<optgroup label="{city.categories[0].name}">' in page
    assert city.categories[1].name in page
    assert f'value="{retired.pk}"' not in page
    assert "route-department" not in page  # grid workers report; they do not triage


def test_the_page_is_refused_without_case_report(city, as_user):
    assert as_user(city.users["dept"]).get(NEW).status_code == 403


def test_the_place_search_offers_only_places_where_the_user_may_report(city, as_user):
    client = as_user(city.users["gridworker"])
    response = client.get(reverse("cases:new_areas"), {"q": "号楼"})
    found = [area for area, _path in response.context["results"]]
    assert found == city.buildings[:2]
    response = client.get(reverse("cases:new_areas"), {"q": city.buildings[2].code})
    assert response.context["results"] == []
    assert "No place where you may report cases matches." in response.content.decode()


def test_choosing_a_place_draws_it_and_tells_the_panels(city, as_user):
    client = as_user(city.users["gridworker"])
    grid = city.grids[0]
    grid.boundary = {
        "type": "Polygon",
        "coordinates": [[[121.40, 31.20], [121.46, 31.20], [121.46, 31.25], [121.40, 31.20]]],
    }
    grid.save()
    response = client.get(reverse("cases:new_area", args=[city.buildings[0].pk]))
    assert response["HX-Trigger-After-Settle"] == "area-chosen"
    page = response.content.decode()
    assert f'name="area" value="{city.buildings[0].pk}"' in page
    assert 'data-intake-map="intake-boundary"' in page  # the grid's boundary, the building has none
    assert client.get(reverse("cases:new_area", args=[city.buildings[2].pk])).status_code == 404


def test_the_routing_proposal_prefills_route_now_for_staff_who_triage(city, as_user):
    department_rule(city)
    query = {"category": city.categories[1].pk, "area": city.buildings[0].pk}
    page = as_user(city.users["street"]).get(reverse("cases:new_route"), query).content.decode()
    assert city.departments[1].name in page
    assert 'value="department" id="route-department" checked' in page
    assert f'<option value="{city.departments[1].pk}" selected>' in page
    # The grid worker sees the proposal but may not route.
    page = as_user(city.users["gridworker"]).get(reverse("cases:new_route"), query).content.decode()
    assert city.departments[1].name in page
    assert 'name="route"' not in page


def test_route_now_dispatches_to_the_department(city, as_user):
    department_rule(city)
    data = form_data(city, route=IntakeRoute.DEPARTMENT, department=city.departments[1].pk, photos=photo())
    response = as_user(city.users["street"]).post(NEW, data)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.status == CaseStatus.DISPATCHED
    assert case.lead_department == city.departments[1]
    assert DispatchOrder.objects.get(case=case).department == city.departments[1]
    assert case.attachments.count() == 1
    assert case.reporter_phone_masked == "138****8000"
    assert list(case.events.values_list("action", flat=True)) == ["report", "accept", "dispatch"]


def test_route_now_keeps_a_case_in_the_grid(city, as_user):
    response = as_user(city.users["community"]).post(NEW, form_data(city, route=IntakeRoute.GRID))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.status == CaseStatus.HANDLING
    assert case.handled_in_grid


def test_leaving_the_case_for_acceptance(city, as_user):
    as_user(city.users["street"]).post(NEW, form_data(city, route=IntakeRoute.LEAVE))
    assert Case.objects.get().status == CaseStatus.REPORTED


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"reporter_phone": "call me"}, "reporter_phone"),
        ({"longitude": "121.4"}, "longitude"),
        ({"route": IntakeRoute.DEPARTMENT}, "department"),
        ({"photos": "bad"}, None),
    ],
)
def test_bad_input_keeps_the_form_and_saves_nothing(city, as_user, changes, field):
    if changes.get("photos") == "bad":
        changes = {"photos": SimpleUploadedFile("x.png", b"not a photo", content_type="image/png")}
    response = as_user(city.users["street"]).post(NEW, form_data(city, **changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors
    if field:
        assert field in form.errors
    assert form["title"].value() == changes.get("title", "垃圾堆放")
    assert Case.objects.count() == 0


def test_a_refused_routing_leaves_no_case_behind(city, as_user):
    # A community is in no grid: the grid cannot keep the case, and the report is undone with the routing.
    data = form_data(city, area=city.communities[0].pk, route=IntakeRoute.GRID)
    response = as_user(city.users["street"]).post(NEW, data)
    assert response.status_code == 200
    assert "not placed in a grid" in response.content.decode()
    assert Case.objects.count() == 0


def test_a_place_out_of_scope_is_refused(city, as_user):
    response = as_user(city.users["gridworker"]).post(NEW, form_data(city, area=city.buildings[2].pk))
    assert response.status_code == 200
    assert response.context["form"].errors["area"] == ["Choose a place where you may report cases."]
    assert Case.objects.count() == 0


def test_routing_needs_case_triage(city):
    with pytest.raises(ValidationError):
        case_intake(
            actor=city.users["gridworker"],
            route=IntakeRoute.DEPARTMENT,
            department=city.departments[1],
            channel=Channel.GRID_WORKER,
            category=city.categories[1],
            area=city.buildings[0],
            title="垃圾堆放",
            description="楼下垃圾",
        )
    assert Case.objects.count() == 0


def test_a_resent_form_makes_one_case(city, as_user):
    client = as_user(city.users["street"])
    data = form_data(
        city, idempotency_key="abc123", route=IntakeRoute.DEPARTMENT, department=city.departments[1].pk
    )
    first, second = client.post(NEW, data), client.post(NEW, data)
    assert first["Location"] == second["Location"]
    assert Case.objects.count() == 1
    assert DispatchOrder.objects.count() == 1


def test_duplicate_suggestions_show_a_near_open_case_of_the_same_category(city, as_user):
    near = report(city, longitude=121.4500, latitude=31.2200)
    other_kind = report(city, category=city.categories[4], longitude=121.4500, latitude=31.2200)
    far = report(city, longitude=121.5000, latitude=31.2200)
    client = as_user(city.users["street"])
    query = {"category": city.categories[1].pk, "longitude": "121.4510", "latitude": "31.2205"}
    page = client.get(reverse("cases:new_duplicates"), query).content.decode()
    assert near.serial in page
    assert reverse("cases:detail", args=[near.pk]) in page
    assert other_kind.serial not in page
    assert far.serial not in page
    # Without a point, open cases of the category in the same building.
    page = client.get(
        reverse("cases:new_duplicates"), {"category": city.categories[1].pk, "area": city.buildings[0].pk}
    ).content.decode()
    assert near.serial in page
    assert far.serial in page
    # The form shown again after an error lists them too.
    response = client.post(NEW, form_data(city, title="", longitude="121.4510", latitude="31.2205"))
    assert [case.pk for case in response.context["duplicates"]] == [near.pk]


def test_the_suggestion_panels_wait_for_a_category_and_a_place(city, as_user):
    client = as_user(city.users["street"])
    page = client.get(reverse("cases:new_duplicates"), {"category": city.categories[1].pk}).content.decode()
    assert "Choose a category and a place" in page
    page = client.get(reverse("cases:new_route"), {"area": city.buildings[0].pk}).content.decode()
    assert "Choose a category and a place" in page
