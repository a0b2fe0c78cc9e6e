"""The visit pages through the real views: "my grid today", the visit form (with a problem found), a
visit's page and its report form, the visit list, coverage and the overdue households, the plans."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from PIL import Image

from apps.cases.choices import Channel
from apps.cases.models import Case
from apps.cases.services import case_report
from apps.residents.models import Household
from apps.visits.models import Visit, VisitPhoto
from apps.visits.services import visit_log
from tests.builders import household_in

pytestmark = pytest.mark.django_db

TODAY = reverse("visits:today")
NEW = reverse("visits:new")
LIST = reverse("visits:list")
COVERAGE = reverse("visits:coverage")
PLANS = reverse("visits:plans")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def photo(name: str = "photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), (30, 120, 200)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def due(household, days_ago: int = 0) -> Household:
    """The household's visit fell due `days_ago` days ago (0: today)."""
    Household.objects.filter(pk=household.pk).update(
        visit_due_on=timezone.localdate() - datetime.timedelta(days=days_ago)
    )
    return household


def local_minutes(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def visit_data(**fields) -> dict:
    data = {
        "idempotency_key": "key-1",
        "kind": "patrol",
        "visited_at": local_minutes(timezone.now()),
        "met": "",
        "notes": "",
        "problem_urgency": "normal",
    }
    return data | fields


def logged(city, *, household=None, area=None, worker="gridworker", **fields) -> Visit:
    visit, _created = visit_log(
        actor=city.users[worker],
        kind="household" if household else "patrol",
        household=household,
        area=area,
        visited_at=fields.pop("visited_at", timezone.now()),
        **fields,
    )
    return visit


def reported(city, *, area, title: str) -> Case:
    case, _created = case_report(
        actor=None,
        channel=Channel.GRID_WORKER,
        category=city.categories[1],
        area=area,
        title=title,
        description="楼下垃圾三天未清运",
    )
    return case


def problem_data(city) -> dict:
    return {
        "category": city.categories[1].pk,
        "title": "消防通道",
        "description": "堆物",
        "urgency": "normal",
    }


def page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# My grid today


def test_today_shows_visits_due_open_cases_and_my_recent_visits(city, as_user):
    late = due(household_in(city.buildings[0], room="101", address="一号楼101室"), days_ago=3)
    due(household_in(city.buildings[1], room="202", address="二号楼202室"))
    due(household_in(city.buildings[2], room="303", address="别的网格303室"), days_ago=5)
    household_in(city.buildings[0], room="404", address="未到期404室")
    reported(city, area=city.buildings[0], title="楼道堆物")
    reported(city, area=city.buildings[2], title="别的网格的事")
    logged(city, area=city.grids[0], met="巡查遇到的人")
    response = as_user(city.users["gridworker"]).get(TODAY)

    content = page(response)
    assert [household.address for household in response.context["due"]] == ["一号楼101室", "二号楼202室"]
    assert response.context["due"][0].days_overdue == 3
    assert response.context["due_count"] == 2
    assert "3 days overdue" in content
    assert late.visit_plan.name in content
    assert f'href="{NEW}?household={late.pk}"' in content
    assert [case.title for case in response.context["cases"]] == ["楼道堆物"]
    assert response.context["case_count"] == 1
    assert reverse("cases:detail", args=[response.context["cases"][0].pk]) in content
    assert "别的网格" not in content
    assert [visit.met for visit in response.context["recent"]] == ["巡查遇到的人"]


def test_today_costs_the_same_whatever_is_on_it(city, as_user, django_assert_num_queries):
    client = as_user(city.users["gridworker"])
    client.get(TODAY)
    # session, user, roles, visits due (rows, count), open cases (rows, count), my recent visits, and the
    # session's refresh (in a savepoint)
    with django_assert_num_queries(11):
        page(client.get(TODAY))
    for room in range(25):
        due(household_in(city.buildings[room % 2], room=f"{room + 1:03d}"), days_ago=room)
        logged(city, area=city.grids[0])
    for number in range(12):
        reported(city, area=city.buildings[0], title=f"事件{number}")
    with django_assert_num_queries(11):
        response = client.get(TODAY)
    assert (len(response.context["due"]), response.context["due_count"]) == (20, 25)
    assert (len(response.context["cases"]), response.context["case_count"]) == (10, 12)
    assert len(response.context["recent"]) == 10


# Who gets which page


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("visits:today", {"gridworker", "community", "street"}),
        ("visits:new", {"gridworker", "community", "street"}),
        ("visits:list", {"gridworker", "community", "street", "district"}),
        ("visits:coverage", {"gridworker", "community", "street", "district"}),
        ("visits:plans", {"gridworker", "community", "street", "district"}),
    ],
)
def test_pages_answer_their_roles_and_404_for_others(city, as_user, name, allowed):
    for username in ("gridworker", "community", "street", "district", "building", "dept", "party"):
        status = as_user(city.users[username]).get(reverse(name)).status_code
        assert status == (200 if username in allowed else 404), (name, username, status)


def test_a_visit_out_of_scope_answers_404_like_a_missing_one(city, as_user):
    visit = logged(city, area=city.grids[0], photos=[photo()])
    detail = reverse("visits:detail", args=[visit.pk])
    picture = reverse("visits:photo", args=[visit.pk, VisitPhoto.objects.get().pk])
    client = as_user(city.users["street"])
    assert client.get(detail).status_code == 200
    assert client.get(picture).status_code == 200
    # The same visit placed in the other street is out of this street's scope.
    Visit.objects.filter(pk=visit.pk).update(street=city.streets[1], community=None, grid=None)
    assert client.get(detail).status_code == 404
    assert client.get(picture).status_code == 404
    assert client.get(reverse("visits:detail", args=[visit.pk + 1000])).status_code == 404


# The visit form


def test_the_form_starts_from_the_household_and_logs_the_visit(city, as_user):
    household = due(household_in(city.buildings[0], room="101", address="一号楼101室"), days_ago=2)
    client = as_user(city.users["gridworker"])
    content = page(client.get(NEW, {"household": household.pk}))
    assert "一号楼101室" in content
    assert 'accept="image/*"' in content
    assert 'capture="environment"' in content
    assert 'value="household"' in content

    response = client.post(
        NEW,
        visit_data(
            kind="household",
            household=household.pk,
            met="户主李女士",
            notes="独居老人，身体尚好",
            longitude="121.431000",
            latitude="31.226000",
            photos=[photo("a.jpg"), photo("b.jpg")],
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == TODAY
    visit = Visit.objects.get()
    assert (visit.household, visit.worker, visit.met) == (household, city.users["gridworker"], "户主李女士")
    assert str(visit.latitude) == "31.226000"
    assert visit.photos.count() == 2
    assert visit.case is None
    household.refresh_from_db()
    assert household.visit_due_on > timezone.localdate()
    assert household not in client.get(TODAY).context["due"]


def test_the_form_starts_from_an_area_and_refuses_places_out_of_reach(city, as_user):
    client = as_user(city.users["gridworker"])
    content = page(client.get(NEW, {"area": city.buildings[1].pk}))
    assert f'<option value="{city.buildings[1].pk}" selected>' in content
    # Only the grid and buildings where the worker logs visits are offered.
    assert city.buildings[2].name not in content
    assert client.get(NEW, {"area": city.buildings[2].pk}).status_code == 404
    elsewhere = household_in(city.buildings[2], room="303")
    assert client.get(NEW, {"household": elsewhere.pk}).status_code == 404
    assert client.get(NEW, {"household": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"visited_at": "FUTURE"}, "visited_at"),
        ({"photos": "NOT_AN_IMAGE"}, "photos"),
        ({"photos": "TOO_LARGE"}, "photos"),
        ({"area": "OTHER_GRID"}, "area"),
        ({"kind": "household"}, "household"),
        ({"follow_up": "on"}, "follow_up_note"),
        ({"found_problem": "on"}, "problem_category"),
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_is_saved(city, as_user, settings, fields, field):
    settings.GRIDGOV_MAX_PHOTO_BYTES = 2000
    values = {
        "FUTURE": local_minutes(timezone.now() + datetime.timedelta(hours=3)),
        "NOT_AN_IMAGE": [SimpleUploadedFile("p.jpg", b"not an image", content_type="image/jpeg")],
        "TOO_LARGE": [
            SimpleUploadedFile("big.jpg", photo().read() + b"\0" * 4000, content_type="image/jpeg")
        ],
        "OTHER_GRID": city.grids[-1].pk,
    }
    data = visit_data(area=city.grids[0].pk) | {
        name: values.get(value, value) for name, value in fields.items()
    }
    response = as_user(city.users["gridworker"]).post(NEW, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert escape(response.context["form"].errors[field][0]) in page(response)
    assert not Visit.objects.exists()
    assert not Case.objects.exists()
    assert not VisitPhoto.objects.exists()


def test_the_same_form_sent_twice_logs_one_visit(city, as_user):
    client = as_user(city.users["gridworker"])
    data = visit_data(area=city.grids[0].pk, idempotency_key="double-tap")
    assert client.post(NEW, data).status_code == 302
    response = client.post(NEW, data, follow=True)
    assert Visit.objects.count() == 1
    assert "This visit had already been logged." in page(response)
    # Each rendering of the form carries a fresh key.
    first, second = (client.get(NEW).context["form"].initial["idempotency_key"] for _ in range(2))
    assert first != second


def test_a_problem_found_on_the_visit_reports_a_case_with_the_visit(city, as_user):
    household = household_in(city.buildings[0], room="101", address="一号楼101室")
    client = as_user(city.users["gridworker"])
    content = page(client.get(NEW, {"household": household.pk}))
    assert "Found on a visit: 一号楼101室" in content
    response = client.post(
        NEW,
        visit_data(
            kind="household",
            household=household.pk,
            notes="三楼楼道堆放纸箱",
            found_problem="on",
            problem_category=city.categories[1].pk,
            problem_title="",
            problem_description="",
            problem_urgency="urgent",
            photos=[photo()],
        ),
        follow=True,
    )
    visit = Visit.objects.get()
    case = visit.case
    assert case.channel == Channel.VISIT
    assert (case.title, case.description, case.urgency) == (
        "Found on a visit: 一号楼101室",
        "三楼楼道堆放纸箱",
        "urgent",
    )
    assert case.area == city.buildings[0]
    assert case.attachments.count() == 1
    assert f"Visit logged; case {case.serial} reported." in page(response)


# A visit's page


def test_the_worker_reports_a_problem_from_the_visit_page(city, as_user):
    household = household_in(city.buildings[0], room="101", address="一号楼101室")
    visit = logged(city, household=household, notes="消防通道被占", photos=[photo()])
    detail = reverse("visits:detail", args=[visit.pk])
    client = as_user(city.users["gridworker"])
    content = page(client.get(detail))
    assert "Report a problem from this visit" in content
    assert "消防通道被占" in content
    assert reverse("residents:detail", args=[household.pk]) in content
    assert reverse("visits:photo", args=[visit.pk, visit.photos.get().pk]) in content
    form = client.get(detail).context["report_form"]
    assert form.initial["title"] == "Found on a visit: 一号楼101室"

    report = reverse("visits:report", args=[visit.pk])
    refused = client.post(report, {"category": "", "title": "", "description": "", "urgency": "normal"})
    assert refused.status_code == 200
    assert set(refused.context["report_form"].errors) >= {"category", "title", "description"}
    assert not Case.objects.exists()

    data = problem_data(city)
    response = client.post(report, data)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    visit.refresh_from_db()
    assert visit.case == case
    assert case.channel == Channel.VISIT
    content = page(client.get(detail))
    assert "Report a problem from this visit" not in content
    assert reverse("cases:detail", args=[case.pk]) in content


def test_only_the_worker_who_logged_the_visit_reports_from_it(city, as_user):
    visit = logged(city, area=city.grids[0])
    client = as_user(city.users["community"])
    assert page(client.get(reverse("visits:detail", args=[visit.pk]))).count("report-form") == 0
    data = problem_data(city)
    response = client.post(reverse("visits:report", args=[visit.pk]), data)
    assert response.status_code == 200
    assert not Case.objects.exists()


# The list


def test_the_list_filters_and_costs_the_same_whatever_the_page_size(city, as_user, django_assert_num_queries):
    logged(city, area=city.grids[0], met="巡查")
    logged(city, household=household_in(city.buildings[1]), met="走访")
    logged(city, area=city.buildings[2], worker="street", met="别的网格")
    client = as_user(city.users["community"])

    def mets(**query) -> list[str]:
        response = client.get(LIST, query)
        assert response.status_code == 200
        return [visit.met for visit in response.context["page_obj"]]

    assert sorted(mets()) == ["别的网格", "巡查", "走访"]
    assert mets(kind="household") == ["走访"]
    assert sorted(mets(area=city.grids[0].pk)) == ["巡查", "走访"]
    assert mets(area=city.buildings[1].pk) == ["走访"]
    assert sorted(mets(worker=city.users["gridworker"].pk)) == ["巡查", "走访"]
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert mets(visited_after=tomorrow) == []
    assert len(mets(visited_before=tomorrow)) == 3
    # Another street's grid is no choice: the filter is refused and nothing is filtered by it.
    assert client.get(LIST, {"area": city.grids[-1].pk}).context["filters"].form.errors
    assert mets() == mets(area=city.grids[-1].pk)

    client.get(LIST)
    # session, user, roles, area roots, areas below them, workers, page count, page rows, and the
    # session's refresh (in a savepoint)
    with django_assert_num_queries(11):
        assert len(mets()) == 3
    for number in range(35):
        logged(city, area=city.grids[1], worker="community", met=f"更多{number}")
    with django_assert_num_queries(11):
        assert len(mets()) == 30


# Coverage


def test_coverage_counts_a_small_known_setup(city, as_user, django_assert_num_queries):
    community, (grid_a, grid_b) = city.communities[0], city.grids[0:2]
    for room in range(4):
        household_in(city.buildings[0], room=f"10{room}")
    due(household_in(city.buildings[1], room="201"), days_ago=3)
    due(household_in(city.buildings[2], room="301"), days_ago=1)
    household_in(city.buildings[3], room="401")
    household_in(city.buildings[4], room="501")  # the next community
    logged(city, area=grid_a)
    logged(city, household=Household.objects.get(room="100"))
    logged(city, area=city.buildings[2], worker="community")
    client = as_user(city.users["community"])
    coverage_url = f"{COVERAGE}?area={community.pk}"

    response = client.get(coverage_url)
    total, rows = response.context["total"], response.context["rows"]
    assert (total.planned, total.overdue, total.covered, total.visits) == (7, 2, 5, 3)
    assert [(row.area, row.planned, row.overdue, row.visits) for row in rows] == [
        (grid_a, 5, 1, 2),
        (grid_b, 2, 1, 1),
    ]
    content = page(response)
    assert "71%" in content  # 5 of 7
    assert f'href="?area={grid_a.pk}"' in content
    assert reverse("visits:overdue", args=[grid_b.pk]) in content
    # The community worker's own community is where the page starts.
    assert client.get(COVERAGE).context["area"] == community
    # Drilling down to a grid lists its buildings.
    rows = client.get(f"{COVERAGE}?area={grid_a.pk}").context["rows"]
    assert [(row.area, row.planned, row.overdue) for row in rows] == [
        (city.buildings[0], 4, 0),
        (city.buildings[1], 1, 1),
    ]
    assert client.get(f"{COVERAGE}?area={city.communities[2].pk}").status_code == 404
    assert client.get(f"{COVERAGE}?area=x").status_code == 404

    # session, user, roles, the area, its visible path, its children, households, visits, and the
    # session's refresh (in a savepoint)
    with django_assert_num_queries(11):
        page(client.get(coverage_url))


def test_the_overdue_households_of_an_area(city, as_user, django_assert_num_queries):
    due(household_in(city.buildings[0], room="101", address="一号楼101室"), days_ago=10)
    due(household_in(city.buildings[3], room="202", address="二网格202室"), days_ago=2)
    due(household_in(city.buildings[3], room="203", address="今天到期203室"))
    due(household_in(city.buildings[5], room="303", address="二社区303室"), days_ago=4)
    client = as_user(city.users["street"])
    url = reverse("visits:overdue", args=[city.communities[0].pk])
    response = client.get(url)
    assert [household.address for household in response.context["page_obj"]] == ["一号楼101室", "二网格202室"]
    content = page(response)
    assert "10 days overdue" in content
    assert reverse("residents:detail", args=[response.context["page_obj"][0].pk]) in content
    assert client.get(reverse("visits:overdue", args=[city.communities[2].pk])).status_code == 404
    # session, user, roles, the area, its visible path, page count, page rows, and the session's refresh
    with django_assert_num_queries(10):
        page(client.get(url))


def test_the_plans_in_force(city, as_user, superuser):
    content = page(as_user(city.users["gridworker"]).get(PLANS))
    assert "红色出租屋每周走访" in content
    assert "plans-admin" not in content
    assert reverse("admin:visits_visitplan_changelist") in page(as_user(superuser).get(PLANS))
