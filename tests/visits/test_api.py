"""The visits API: logging visits (JSON or multipart with photos, idempotent), a problem found reported as a
case, the visits due, plans, coverage, scope and list costs."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from apps.cases.choices import Channel
from apps.cases.models import Case
from apps.residents.models import Household
from apps.visits.models import Visit, VisitPhoto
from apps.visits.services import visit_log
from tests.api_helpers import api_as, assert_list_cost, fields_of, ids
from tests.builders import household_in

pytestmark = pytest.mark.django_db

VISITS = reverse("api:visit-list")
DUE = reverse("api:visit-due")
COVERAGE = reverse("api:visit-coverage")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo(name="p.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def visit_url(visit, action: str = "") -> str:
    return reverse(f"api:visit-{action or 'detail'}", args=[visit.pk])


def now_iso(**delta) -> str:
    return (timezone.now() + datetime.timedelta(**delta)).isoformat()


@pytest.fixture
def home(city):
    return household_in(city.buildings[0], room="101")


def logged(city, *, actor=None, area=None, household=None, kind="patrol", **fields):
    visit, _created = visit_log(
        actor=actor or city.users["gridworker"],
        kind="household" if household else kind,
        household=household,
        area=None if household else (area or city.grids[0]),
        visited_at=fields.pop("visited_at", timezone.now()),
        **fields,
    )
    return visit


def test_log_a_household_visit_as_json(city, home):
    api = api_as(city.users["gridworker"])
    response = api.post(
        VISITS,
        {
            "kind": "household",
            "household": home.pk,
            "visited_at": now_iso(minutes=-10),
            "met": "户主",
            "notes": "一切正常",
            "longitude": "121.473701234",
            "latitude": 31.2304,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert list(body)[:3] == ["id", "url", "display"]
    assert (body["household"], body["household_address"], body["area"]["id"]) == (
        home.pk,
        home.address,
        city.buildings[0].pk,
    )
    assert (body["worker"]["id"], body["grid"], body["photos"], body["case"]) == (
        city.users["gridworker"].pk,
        city.grids[0].pk,
        [],
        None,
    )
    # A phone's GPS reading is rounded to what is stored, not refused.
    assert body["longitude"] == 121.473701
    home.refresh_from_db()
    assert home.last_visited_at is not None


def test_log_a_visit_with_photos_as_multipart(city, home, media):
    api = api_as(city.users["gridworker"])
    response = api.post(
        VISITS,
        {
            "kind": "household",
            "household": home.pk,
            "visited_at": now_iso(),
            "photos": [photo("a.jpg"), photo("b.jpg")],
            "follow_up": "true",
            "follow_up_note": "下周复查",
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert sorted(p["name"] for p in response.json()["photos"]) == ["a.jpg", "b.jpg"]
    assert response.json()["follow_up"] is True
    # Each photo's URL serves it to the API client; a visit the caller does not see is a 404.
    first = response.json()["photos"][0]
    assert first["url"].endswith(f"/api/v1/visits/{response.json()['id']}/photos/{first['id']}/")
    served = api.get(first["url"])
    assert (served.status_code, served["Content-Type"]) == (200, "image/jpeg")
    assert b"".join(served.streaming_content)[:2] == b"\xff\xd8"
    assert api_as(city.users["dept"]).get(first["url"]).status_code == 404


def test_the_same_idempotency_key_twice_logs_one_visit(city, home):
    api = api_as(city.users["gridworker"])
    fields = {"kind": "patrol", "area": city.grids[0].pk, "visited_at": now_iso()}
    first = api.post(VISITS, fields, format="json", HTTP_IDEMPOTENCY_KEY="phone-1")
    again = api.post(VISITS, {**fields, "notes": "重发"}, format="json", HTTP_IDEMPOTENCY_KEY="phone-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    by_field = api.post(VISITS, {**fields, "idempotency_key": "phone-2"}, format="json")
    by_field_again = api.post(VISITS, {**fields, "idempotency_key": "phone-2"}, format="json")
    assert (by_field.status_code, by_field_again.status_code) == (201, 200)
    too_long = api.post(VISITS, fields, format="json", HTTP_IDEMPOTENCY_KEY="k" * 65)
    assert "idempotency_key" in fields_of(too_long)
    assert Visit.objects.count() == 2


def test_bad_visits_are_400_with_field_errors_and_nothing_saved(city, home, media):
    api = api_as(city.users["gridworker"])
    base = {"kind": "household", "household": home.pk, "visited_at": now_iso()}
    assert "kind" in fields_of(api.post(VISITS, {}, format="json"))
    future = api.post(VISITS, {**base, "visited_at": now_iso(hours=2)}, format="json")
    assert fields_of(future)["visited_at"] == ["A visit cannot be dated in the future."]
    assert "household" in fields_of(api.post(VISITS, {**base, "household": None}, format="json"))
    # A household in another grid is out of this worker's sight: refused like a missing one.
    elsewhere = household_in(city.buildings[2], room="1")
    outside = api.post(VISITS, {**base, "household": elsewhere.pk}, format="json")
    assert fields_of(outside)["household"] == [f'Invalid pk "{elsewhere.pk}" - object does not exist.']
    # A patrol takes place in a grid or a building, not across a whole community.
    patrol = api_as(city.users["community"]).post(
        VISITS, {"kind": "patrol", "area": city.communities[0].pk, "visited_at": now_iso()}, format="json"
    )
    assert fields_of(patrol)["area"] == ["Choose a grid or a building."]
    assert "longitude" in fields_of(api.post(VISITS, {**base, "longitude": 121.4}, format="json"))
    assert "follow_up_note" in fields_of(api.post(VISITS, {**base, "follow_up": True}, format="json"))
    fake = SimpleUploadedFile("p.jpg", b"not an image at all", content_type="image/jpeg")
    not_an_image = api.post(VISITS, {**base, "photos": [fake]}, format="multipart")
    assert "photos" in fields_of(not_an_image)
    assert not Visit.objects.exists()
    assert not VisitPhoto.objects.exists()
    home.refresh_from_db()
    assert home.last_visited_at is None


def test_logging_needs_visit_log(city, home):
    for username in ("auditor", "district", "building", "dept"):
        answer = api_as(city.users[username]).post(
            VISITS, {"kind": "household", "household": home.pk, "visited_at": now_iso()}, format="json"
        )
        assert answer.status_code == 403, username
    assert not Visit.objects.exists()


def test_a_problem_found_reports_a_case_with_the_visit(city, home, media):
    api = api_as(city.users["gridworker"])
    response = api.post(
        VISITS,
        {
            "kind": "household",
            "household": home.pk,
            "visited_at": now_iso(),
            "notes": "楼道堆放杂物",
            "problem": {
                "category": city.categories[1].pk,
                "title": "楼道堆物",
                "description": "三楼堆放纸箱",
            },
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    case = Case.objects.get(pk=response.json()["case"]["id"])
    assert (case.channel, case.area_id, case.address, case.title) == (
        Channel.VISIT,
        city.buildings[0].pk,
        home.address,
        "楼道堆物",
    )
    # Multipart carries the problem's fields as "problem.<field>", beside the photos.
    multipart = api.post(
        VISITS,
        {
            "kind": "patrol",
            "area": city.grids[0].pk,
            "visited_at": now_iso(),
            "photos": [photo()],
            "problem.category": city.categories[1].pk,
            "problem.title": "井盖缺失",
            "problem.description": "人行道井盖缺失",
        },
        format="multipart",
    )
    assert multipart.status_code == 201, multipart.json()
    assert Case.objects.get(pk=multipart.json()["case"]["id"]).attachments.count() == 1


def test_a_bad_problem_saves_neither_the_visit_nor_a_case(city, home):
    api = api_as(city.users["gridworker"])
    response = api.post(
        VISITS,
        {
            "kind": "household",
            "household": home.pk,
            "visited_at": now_iso(),
            "problem": {"category": city.categories[1].pk, "title": "", "description": "x"},
        },
        format="json",
    )
    assert "title" in fields_of(response)["problem"]
    refused = api.post(
        VISITS,
        {
            "kind": "household",
            "household": home.pk,
            "visited_at": now_iso(),
            "problem": {
                "category": city.categories[1].pk,
                "title": "楼道堆物",
                "description": "x",
                "route": "department",
            },
        },
        format="json",
    )
    assert "department" in fields_of(refused)
    assert not Visit.objects.exists()
    assert not Case.objects.exists()


def test_report_a_case_from_a_logged_visit(city, home):
    visit = logged(city, household=home, notes="电线私拉")
    url = visit_url(visit, "report-case")
    assert api_as(city.users["street"]).post(url, {"category": city.categories[4].pk}).status_code == 403
    api = api_as(city.users["gridworker"])
    response = api.post(url, {"category": city.categories[4].pk}, format="json")
    assert response.status_code == 201, response.json()
    case = Case.objects.get(pk=response.json()["case"]["id"])
    assert (case.title, case.description, case.channel) == (
        f"Found on a visit: {home.address}",
        "电线私拉",
        Channel.VISIT,
    )
    again = api.post(url, {"category": city.categories[4].pk}, format="json")
    assert "non_field_errors" in fields_of(again)
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("district", {"here", "next_grid", "there"}),
        ("street", {"here", "next_grid"}),
        ("gridworker", {"here"}),
        ("auditor", {"here", "next_grid"}),
        ("dept", set()),
    ],
)
def test_each_user_lists_the_visits_in_scope(city, superuser, username, expected):
    visits = {
        "here": logged(city),
        "next_grid": logged(city, actor=city.users["community"], area=city.grids[1]),
        "there": logged(city, actor=superuser, area=city.grids[4]),
    }
    api = api_as(city.users[username])
    assert ids(api.get(VISITS)) == {visits[name].pk for name in expected}
    if "there" not in expected:
        assert api.get(visit_url(visits["there"])).status_code == 404


def test_visit_filters(city, home):
    household_visit = logged(city, household=home, follow_up=True, follow_up_note="复查")
    patrol = logged(city, area=city.buildings[1], visited_at=timezone.now() - datetime.timedelta(days=2))
    other = logged(city, actor=city.users["community"], area=city.grids[1])
    api = api_as(city.users["community"])
    assert ids(api.get(VISITS, {"kind": "household"})) == {household_visit.pk}
    assert ids(api.get(VISITS, {"household": home.pk})) == {household_visit.pk}
    assert ids(api.get(VISITS, {"area": city.buildings[1].pk})) == {patrol.pk}
    assert ids(api.get(VISITS, {"mine": "true"})) == {other.pk}
    assert ids(api.get(VISITS, {"worker": city.users["gridworker"].pk})) == {household_visit.pk, patrol.pk}
    assert ids(api.get(VISITS, {"follow_up": "true"})) == {household_visit.pk}
    assert ids(api.get(VISITS, {"reported_case": "true"})) == set()
    assert ids(api.get(VISITS, {"visited_after": now_iso(days=-1)})) == {household_visit.pk, other.pk}


def test_the_visits_due_for_the_caller(city, home):
    late = household_in(city.buildings[1], room="2")
    later = household_in(city.buildings[2], room="3")
    today = timezone.localdate()
    Household.objects.filter(pk=home.pk).update(visit_due_on=today)
    Household.objects.filter(pk=late.pk).update(visit_due_on=today - datetime.timedelta(days=5))
    Household.objects.filter(pk=later.pk).update(visit_due_on=today - datetime.timedelta(days=1))
    worker = api_as(city.users["gridworker"]).get(DUE)
    assert [row["id"] for row in worker.json()["results"]] == [late.pk, home.pk]
    community = api_as(city.users["community"])
    assert [row["id"] for row in community.get(DUE).json()["results"]] == [late.pk, later.pk, home.pk]
    assert ids(community.get(DUE, {"area": city.grids[1].pk})) == {later.pk}
    assert ids(api_as(city.users["auditor"]).get(DUE)) == set()


def test_visit_plans_are_listed(city):
    plans = api_as(city.users["gridworker"]).get(reverse("api:visit-plan-list")).json()["results"]
    assert plans
    assert {"id", "name", "interval_days", "care_tag", "risk_colour", "household_kind"} <= set(plans[0])
    assert [plan["interval_days"] for plan in plans] == sorted(plan["interval_days"] for plan in plans)


def test_coverage_of_an_area_and_its_children(city, home):
    household_in(city.buildings[2], room="2")
    Household.objects.filter(pk=home.pk).update(
        visit_due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    logged(city, household=household_in(city.buildings[1], room="3"))
    body = api_as(city.users["community"]).get(COVERAGE, {"area": city.communities[0].pk}).json()
    assert body["total"]["area"]["id"] == city.communities[0].pk
    assert {key: body["total"][key] for key in ("planned", "overdue", "covered", "visits_30d")} == {
        "planned": 3,
        "overdue": 1,
        "covered": 2,
        "visits_30d": 1,
    }
    assert body["total"]["rate"] == pytest.approx(2 / 3)
    assert [(row["area"]["id"], row["planned"], row["overdue"]) for row in body["children"]] == [
        (city.grids[0].pk, 2, 1),
        (city.grids[1].pk, 1, 0),
    ]
    api = api_as(city.users["community"])
    assert api.get(COVERAGE, {"area": city.communities[1].pk}).status_code == 404
    assert api_as(city.users["dept"]).get(COVERAGE, {"area": city.district.pk}).status_code == 404
    assert "area" in fields_of(api.get(COVERAGE))


# Query counts


# token with user, role scope, COUNT, page with worker, area, household and case, photos
def test_the_list_costs_the_same_queries_whatever_the_page_size(city, django_assert_num_queries):
    for index in range(50):
        household = household_in(city.buildings[index % 2], room=f"{index + 100}")
        logged(city, household=household)
    api = api_as(city.users["gridworker"])
    assert_list_cost(django_assert_num_queries, api, VISITS, 5)
    Household.objects.update(visit_due_on=timezone.localdate())
    assert_list_cost(django_assert_num_queries, api, DUE, 4)
