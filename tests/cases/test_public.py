"""一键达: the report QR codes staff print, the public report page with its throttles, and the follow and
rating pages residents reach without an account."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from apps.cases.choices import CaseStatus, Channel, Rating
from apps.cases.models import Case, ReportPoint
from apps.cases.public import report_points_for
from apps.cases.services import (
    case_accept,
    case_close,
    case_handle_in_grid,
    case_reject,
    case_resolve_in_grid,
    case_verify,
)
from apps.dispatch.services import case_dispatch, order_accept, order_resolve
from tests.cases.api_support import photo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.GRIDGOV_BASE_URL = "https://gridgov.example.cn/"
    # The throttles count in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def resident():
    """A browser without an account, in English so that messages compare with their msgids."""
    client = Client()
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def point(city):
    return report_points_for(actor=None, areas=[city.buildings[0]])[city.buildings[0].pk]


def report_data(city, **changes) -> dict:
    data = {
        "top": city.categories[0].pk,
        "category": city.categories[1].pk,
        "description": "楼下垃圾三天未清运，气味很大",
        "reporter_name": "张三",
        "reporter_phone": "13912345678",
        "consent": "on",
        "website": "",
    }
    data.update(changes)
    return data


def report_url(point) -> str:
    return reverse("public:report", args=[point.token])


# The QR codes


def test_staff_print_the_codes_of_a_community_and_its_buildings(city, as_user):
    community = city.communities[0]
    client = as_user(city.users["street"])
    response = client.get(reverse("cases:qr", args=[community.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('src="data:image/svg+xml') == 5  # the community and its four buildings
    points = ReportPoint.objects.filter(is_active=True)
    assert set(points.values_list("area_id", flat=True)) == {
        community.pk,
        *(b.pk for b in city.buildings[:4]),
    }
    building_point = points.get(area=city.buildings[0])
    assert f"https://gridgov.example.cn/r/{building_point.token}/" in page
    assert city.buildings[0].name in page
    # Opening the page again prints the same codes.
    client.get(reverse("cases:qr", args=[community.pk]))
    assert ReportPoint.objects.count() == 5
    # The area's page links to it.
    assert (
        reverse("cases:qr", args=[community.pk])
        in client.get(reverse("areas:detail", args=[community.pk])).content.decode()
    )


def test_the_code_sheet_is_scoped(city, as_user):
    gridworker = as_user(city.users["gridworker"])
    assert gridworker.get(reverse("cases:qr", args=[city.grids[0].pk])).status_code == 200
    assert gridworker.get(reverse("cases:qr", args=[city.grids[1].pk])).status_code == 404
    assert gridworker.get(reverse("cases:qr", args=[city.buildings[2].pk])).status_code == 404
    # Streets have no code of their own: their communities do.
    street = as_user(city.users["street"])
    assert street.get(reverse("cases:qr", args=[city.streets[0].pk])).status_code == 404
    # A department handler sees no area's cases.
    assert as_user(city.users["dept"]).get(reverse("cases:qr", args=[city.grids[0].pk])).status_code == 404
    assert ReportPoint.objects.filter(area=city.grids[1]).count() == 0


# The public report


def test_a_resident_reports_without_an_account(city, resident, point):
    response = resident.get(report_url(point))
    assert response.status_code == 200
    page = response.content.decode()
    assert city.buildings[0].name in page
    assert city.grids[0].name in page
    assert city.categories[0].name in page
    response = resident.post(report_url(point), report_data(city, photo=photo()))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("public:thanks", args=[case.follow_token])
    assert case.channel == Channel.RESIDENT
    assert case.created_by is None
    assert case.area == city.buildings[0]
    assert case.grid_id == city.grids[0].pk
    assert case.category == city.categories[1]
    assert case.title.startswith("楼下垃圾三天未清运")
    assert case.reporter_phone_masked == "139****5678"
    assert case.attachments.get().kind == "photo"
    page = resident.get(response["Location"]).content.decode()
    assert case.serial in page
    assert reverse("public:track", args=[case.follow_token]) in page


def test_the_kind_alone_is_enough(city, resident, point):
    resident.post(report_url(point), report_data(city, category=""))
    assert Case.objects.get().category == city.categories[0]


def test_the_subcategories_of_a_kind(city, resident):
    page = resident.get(reverse("public:categories"), {"top": city.categories[3].pk}).content.decode()
    assert city.categories[4].name in page
    assert city.categories[1].name not in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"website": "http://spam.example"}, "Your report could not be sent."),
        ({"consent": ""}, "Please agree, so that your report can be handled."),
        ({"description": " "}, "Describe the problem."),
        ({"top": ""}, "Choose the kind of problem."),
        ({"reporter_phone": "call me"}, "Enter a phone number of digits only"),
    ],
)
def test_refused_reports_save_nothing(city, resident, point, changes, message):
    response = resident.post(report_url(point), report_data(city, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Case.objects.count() == 0


def test_a_subcategory_of_another_kind_is_refused(city, resident, point):
    response = resident.post(report_url(point), report_data(city, category=city.categories[4].pk))
    assert "Choose one of the kinds listed under the kind you chose." in response.content.decode()
    assert Case.objects.count() == 0


def test_a_bad_photo_is_refused_and_does_not_count(city, resident, point, settings):
    settings.GRIDGOV_PUBLIC_REPORTS_PER_HOUR = 1
    fake = SimpleUploadedFile("photo.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    response = resident.post(report_url(point), report_data(city, photo=fake))
    assert response.status_code == 200
    assert "is not a photo GridGov accepts" in response.content.decode()
    assert Case.objects.count() == 0
    assert resident.post(report_url(point), report_data(city)).status_code == 302


def test_reports_from_one_address_are_throttled(city, resident, point, settings):
    settings.GRIDGOV_PUBLIC_REPORTS_PER_HOUR = 2
    for _ in range(2):
        assert resident.post(report_url(point), report_data(city)).status_code == 302
    response = resident.post(report_url(point), report_data(city))
    assert response.status_code == 429
    assert "Too many reports have been sent from here within the hour." in response.content.decode()
    assert Case.objects.count() == 2
    # Another address may still report.
    assert resident.post(report_url(point), report_data(city), REMOTE_ADDR="10.0.0.9").status_code == 302


def test_reports_through_one_code_are_throttled(city, resident, point, settings):
    settings.GRIDGOV_PUBLIC_REPORTS_PER_POINT_PER_HOUR = 3
    for number in range(3):
        response = resident.post(report_url(point), report_data(city), REMOTE_ADDR=f"10.0.0.{number}")
        assert response.status_code == 302
    assert resident.post(report_url(point), report_data(city), REMOTE_ADDR="10.0.1.1").status_code == 429
    assert Case.objects.count() == 3
    other = report_points_for(actor=None, areas=[city.buildings[1]])[city.buildings[1].pk]
    assert resident.post(report_url(other), report_data(city), REMOTE_ADDR="10.0.1.1").status_code == 302


@pytest.mark.redis
def test_the_throttle_counts_in_redis(city, resident, point, settings, redis_cache):
    settings.GRIDGOV_PUBLIC_REPORTS_PER_HOUR = 1
    assert resident.post(report_url(point), report_data(city)).status_code == 302
    assert resident.post(report_url(point), report_data(city)).status_code == 429
    assert Case.objects.count() == 1


def test_unknown_and_retired_codes_answer_404(city, resident, point):
    assert resident.get(reverse("public:report", args=["no-such-token"])).status_code == 404
    ReportPoint.objects.filter(pk=point.pk).update(is_active=False)
    assert resident.get(report_url(point)).status_code == 404
    assert resident.post(report_url(point), report_data(city)).status_code == 404


# Following and rating


def reported(city, resident, point) -> Case:
    resident.post(report_url(point), report_data(city))
    return Case.objects.get()


def closed(city, resident, point) -> Case:
    case = reported(city, resident, point)
    street, worker = city.users["street"], city.users["gridworker"]
    case_accept(case=case, actor=street)
    case_handle_in_grid(case=case, actor=street, note="内部安排：网格员小王处理")
    case_resolve_in_grid(case=case, actor=worker, account="已清运，联系电话13800138000")
    case_verify(case=case, actor=worker, passed=True)
    return case_close(case=case, actor=street)


def test_the_follow_page_shows_progress_without_names_or_phones(city, resident, point):
    for user in city.users.values():
        user.full_name = f"工作人员{user.username}"
        user.save()
    case = reported(city, resident, point)
    street = city.users["street"]
    case_accept(case=case, actor=street)
    order = case_dispatch(case=case, department=city.departments[1], actor=street, instructions="内部说明XYZ")
    order_accept(order=order, actor=city.users["dept"], note="签收备注ABC")
    order_resolve(order=order, actor=city.users["dept"], account="已清运完毕，回访电话 139 1234 5678")
    response = resident.get(reverse("public:track", args=[case.follow_token]))
    assert response.status_code == 200
    page = response.content.decode()
    assert case.serial in page
    assert "resolved, to be verified" in page  # the status
    assert "已清运完毕" in page  # the resolution account
    for hidden in ("13912345678", "139****5678", "139 1234 5678", "张三", "内部说明XYZ", "签收备注ABC"):
        assert hidden not in page
    for user in city.users.values():
        assert user.full_name not in page
    actions = [entry.action for entry in response.context["timeline"]]
    assert actions == ["report", "accept", "dispatch", "sign", "resolve"]
    assert "rate-link" not in page


def test_the_follow_page_gives_the_reason_of_a_rejection(city, resident, point):
    case = reported(city, resident, point)
    case_reject(case=case, actor=city.users["street"], reason="不属于受理范围")
    page = resident.get(reverse("public:track", args=[case.follow_token])).content.decode()
    assert "不属于受理范围" in page


def test_a_closed_case_is_rated_once(city, resident, point):
    case = closed(city, resident, point)
    track = resident.get(reverse("public:track", args=[case.follow_token])).content.decode()
    assert "内部安排" not in track
    assert "13800138000" not in track
    rate_url = reverse("public:rate", args=[case.rating_token])
    assert rate_url in track
    assert 'data-testid="rate-form"' in resident.get(rate_url).content.decode()
    response = resident.post(rate_url, {"rating": Rating.SATISFIED, "comment": "很及时"})
    assert response.status_code == 302
    assert response["Location"] == reverse("public:track", args=[case.follow_token])
    case.refresh_from_db()
    assert case.rating == Rating.SATISFIED
    assert case.rated_at is not None
    response = resident.post(rate_url, {"rating": Rating.DISSATISFIED, "comment": "改主意了"})
    assert response.status_code == 409
    assert "This case has already been rated." in response.content.decode()
    case.refresh_from_db()
    assert case.rating == Rating.SATISFIED
    assert case.status == CaseStatus.CLOSED
    assert "rate-link" not in resident.get(reverse("public:track", args=[case.follow_token])).content.decode()


def test_dissatisfied_reopens_the_case(city, resident, point):
    case = closed(city, resident, point)
    response = resident.post(
        reverse("public:rate", args=[case.rating_token]), {"rating": Rating.DISSATISFIED}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED
    assert case.reopen_count == 1
    page = resident.get(response["Location"]).content.decode()
    assert "Your case has been reopened" in page


def test_an_open_case_cannot_be_rated_yet(city, resident, point):
    case = reported(city, resident, point)
    rate_url = reverse("public:rate", args=[case.rating_token])
    assert "This case is not closed yet" in resident.get(rate_url).content.decode()
    response = resident.post(rate_url, {"rating": Rating.SATISFIED})
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.rated_at is None
    assert case.status == CaseStatus.REPORTED


def test_a_rating_must_be_chosen(city, resident, point):
    case = closed(city, resident, point)
    response = resident.post(reverse("public:rate", args=[case.rating_token]), {"rating": "great"})
    assert response.status_code == 200
    assert response.context["form"].errors["rating"]
    case.refresh_from_db()
    assert case.rated_at is None


def test_unknown_follow_and_rating_links_answer_404(db, resident):
    for name in ("public:track", "public:rate", "public:thanks"):
        assert resident.get(reverse(name, args=["no-such-token"])).status_code == 404
