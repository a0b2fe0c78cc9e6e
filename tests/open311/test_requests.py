"""POST requests, GET requests (with the specification's filters), GET a request and tokens: with an
integration client's key, within its area limit, in both formats."""

from datetime import UTC, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from apps.cases.choices import CaseStatus, Channel
from apps.cases.models import Case
from apps.cases.services import case_reject
from apps.dispatch.choices import DeadlineKind
from apps.dispatch.models import Deadline
from apps.integrations.models import ApiCall
from apps.integrations.scopes import KeyScope
from apps.open311.formats import w3c
from tests.cases.api_support import dispatched, report
from tests.integrations.support import register

from .support import FORMATS, body, draw_boundaries, georeport, text, url, xml_of

pytestmark = pytest.mark.django_db

REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()


@pytest.fixture
def key(city):
    """A client limited to the first street, with every scope."""
    _client, raw = register(city.streets[0], code="citizen-app")
    return raw


def post(raw, fmt="json", **fields):
    form = {"api_key": raw, **fields} if raw else fields
    return georeport().post(url("requests", fmt), form)


def a_report(city, **fields):
    return {
        "service_code": city.categories[1].code,
        "lat": "31.005",
        "long": "121.005",
        "description": "楼下垃圾三天未清运，联系我 13800138000",
        "address_string": "幸福路 12 号",
        "first_name": "伟",
        "last_name": "张",
        "phone": "13800138000",
        "email": "zhang@example.com",
        **fields,
    }


# POST and GET one ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_posted_request_becomes_a_case_placed_by_its_point_and_reads_back(city, key, fmt):
    draw_boundaries(city)
    response = post(key, fmt, **a_report(city, **{"attribute[urgency]": "urgent"}))
    assert response.status_code == 201, response.content
    (answer,) = body(response, fmt)
    if fmt == "xml":
        root = xml_of(response)
        assert root.tag == "service_requests"
        assert [e.tag for e in root[0]] == ["service_request_id", "token", "service_notice", "account_id"]
    case = Case.objects.get(serial=answer["service_request_id"])
    assert answer["token"]
    assert case.area == city.buildings[0]
    assert case.channel == Channel.SYSTEM
    assert case.external_system == "citizen-app"
    assert case.urgency == "urgent"
    assert case.reporter_name == "张伟"
    assert case.reporter_phone_masked == "138****8000"
    assert case.created_by.integration_client.code == "citizen-app"

    read = georeport().get(url(f"requests/{case.serial}", fmt), {"api_key": key})
    assert read.status_code == 200, read.content
    (row,) = body(read, fmt)
    assert list(row) == REQUEST_FIELDS
    assert row["service_request_id"] == case.serial
    assert row["status"] == "open"
    assert row["status_notes"] == "reported"
    assert row["service_code"] == city.categories[1].code
    assert row["service_name"] == city.categories[1].name
    assert row["address"] == "幸福路 12 号"
    assert row["address_id"] == city.buildings[0].code
    assert text(row["lat"]) == "31.005"
    assert text(row["long"]) == "121.005"
    assert row["requested_datetime"] == w3c(case.created_at)
    assert row["requested_datetime"].endswith("+08:00")
    assert text(row["expected_datetime"]) is None
    # Nothing of the reporter comes back, not even the phone typed into the description.
    assert "13800138000" not in read.content.decode()
    assert "张伟" not in read.content.decode()
    assert "example.com" not in read.content.decode()
    assert "***********" in row["description"]


def test_a_point_in_no_smaller_area_stays_in_the_deepest_one_containing_it(city, key):
    draw_boundaries(city)
    response = post(key, **a_report(city, lat="31.08", long="121.04"))
    assert response.status_code == 201, response.content
    assert Case.objects.get(serial=response.json()[0]["service_request_id"]).area == city.communities[0]


def test_an_address_alone_is_placed_in_the_area_limit_and_address_id_names_an_area(city, key):
    only_address = a_report(city, lat="", long="")
    response = post(key, **only_address)
    assert response.status_code == 201, response.content
    assert Case.objects.get(serial=response.json()[0]["service_request_id"]).area == city.streets[0]
    response = post(key, **a_report(city, lat="", long="", address_id=city.grids[1].code))
    assert response.status_code == 201, response.content
    assert Case.objects.get(serial=response.json()[0]["service_request_id"]).area == city.grids[1]


@pytest.mark.parametrize(
    ("fields", "status", "about"),
    [
        ({"service_code": "NOPE"}, 400, "service_code"),
        ({"service_code": ""}, 400, "service_code"),
        ({"lat": "31.05", "long": "121.15"}, 400, "outside the area"),  # in the second street
        ({"lat": "north", "long": "121.005"}, 400, "lat"),
        ({"lat": "NaN", "long": "121.005"}, 400, "lat"),
        ({"lat": "95", "long": "121.005"}, 400, "lat"),
        ({"lat": "31.005", "long": ""}, 400, "lat"),
        ({"lat": "", "long": "", "address_string": ""}, 400, "address_string"),
        ({"description": ""}, 400, "description"),
        ({"description": "x" * 4001}, 400, "description"),
        ({"attribute[urgency]": "whenever"}, 400, "attribute[urgency]"),
        ({"address_id": "NOPE"}, 400, "address_id"),
        ({"email": "not-an-email"}, 400, "email"),
    ],
)
def test_bad_input_is_400_with_a_clear_message_and_writes_nothing(city, key, fields, status, about):
    draw_boundaries(city)
    response = post(key, **a_report(city, **fields))
    assert response.status_code == status, response.content
    errors = response.json()
    assert errors
    assert all(error["code"] == status for error in errors)
    assert any(about in error["description"] for error in errors), errors
    assert Case.objects.count() == 0


def test_an_area_outside_the_limit_by_code_is_refused(city, key):
    response = post(key, **a_report(city, lat="", long="", address_id=city.grids[4].code))
    assert response.status_code == 400
    assert "outside the area" in response.json()[0]["description"]
    assert Case.objects.count() == 0


def test_a_limit_without_a_boundary_refuses_points_outside_all_its_children(city):
    draw_boundaries(city)
    _client, raw = register(city.district, code="district-app")
    assert post(raw, **a_report(city, lat="32.5", long="122.5")).status_code == 400
    response = post(raw, **a_report(city, lat="31.05", long="121.15"))
    assert response.status_code == 201, response.content
    assert Case.objects.get().area == city.streets[1]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("credential", "status"),
    [(None, 401), ("gg_000000000000_wrong", 401), ("nonsense", 401), ("read-only", 403)],
)
def test_a_missing_wrong_or_insufficient_key_is_refused_and_writes_nothing(city, fmt, credential, status):
    if credential == "read-only":
        _client, credential = register(city.streets[0], code="reader", scopes=[KeyScope.CASES_READ])
    response = post(credential, fmt, **a_report(city))
    assert response.status_code == status, response.content
    (error,) = body(response, fmt)
    assert text(error["code"]) == str(status)
    assert error["description"]
    if status == 401:
        assert response["WWW-Authenticate"]
    assert Case.objects.count() == 0


def test_the_key_may_also_come_in_the_header_and_every_call_is_logged(city, key):
    api = georeport()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert api.get(url("requests", "json")).status_code == 200
    assert georeport().get(url("requests", "xml"), {"api_key": key}).status_code == 200
    assert ApiCall.objects.filter(path="/open311/v2/requests.xml", status=200).count() == 1
    assert ApiCall.objects.filter(path="/open311/v2/requests.json", status=200).count() == 1


def test_reading_needs_the_read_scope(city):
    _client, raw = register(city.streets[0], code="writer", scopes=[KeyScope.CASES_CREATE])
    response = georeport().get(url("requests", "json"), {"api_key": raw})
    assert response.status_code == 403
    assert "cases.read" in response.json()[0]["description"]


def test_the_rate_limit_answers_429_in_the_error_format(city):
    _client, raw = register(city.streets[0], code="slow", rate_limit=1)
    assert georeport().get(url("requests", "json"), {"api_key": raw}).status_code == 200
    response = georeport().get(url("requests", "xml"), {"api_key": raw})
    assert response.status_code == 429
    assert xml_of(response).find("error/code").text == "429"
    assert response["Retry-After"]


# GET requests: scope, statuses, deadlines, filters -----------------------------------------------------


def test_a_key_reads_only_within_its_area_limit(city, key):
    mine = report(city)
    theirs = report(city, area=city.buildings[8], actor=None)
    rows = georeport().get(url("requests", "json"), {"api_key": key}).json()
    assert [row["service_request_id"] for row in rows] == [mine.serial]
    assert georeport().get(url(f"requests/{theirs.serial}", "json"), {"api_key": key}).status_code == 404
    missing = georeport().get(url("requests/0", "xml"), {"api_key": key})
    assert missing.status_code == 404
    assert xml_of(missing).tag == "errors"


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_dispatched_case_shows_its_department_and_its_due_time(city, key, fmt):
    case, order = dispatched(city)
    due = Deadline.objects.get(order=order, kind=DeadlineKind.RESOLVE).due_at
    (row,) = body(georeport().get(url(f"requests/{case.serial}", fmt), {"api_key": key}), fmt)
    assert row["status"] == "open"
    assert row["status_notes"] == "dispatched"
    assert row["agency_responsible"] == city.departments[1].name
    assert row["expected_datetime"] == w3c(due)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_rejected_case_is_closed_with_its_reason_phone_masked(city, key, fmt):
    case = report(city)
    case_reject(case=case, actor=city.users["street"], reason="重复上报，请联系 021-66668888")
    (row,) = body(georeport().get(url(f"requests/{case.serial}", fmt), {"api_key": key}), fmt)
    assert row["status"] == "closed"
    assert row["status_notes"].startswith("rejected: 重复上报")
    assert "66668888" not in row["status_notes"]


def serials(key, fmt="json", **params):
    response = georeport().get(url("requests", fmt), {"api_key": key, **params})
    assert response.status_code == 200, response.content
    return [row["service_request_id"] for row in body(response, fmt)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_filters_of_the_specification(city, key, fmt):
    first = report(city, category=city.categories[1])
    second = report(city, category=city.categories[2])
    rejected = report(city, category=city.categories[4])
    case_reject(case=rejected, actor=city.users["street"], reason="不属实")
    old = report(city)
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=100))

    # By default the last 90 days, newest first.
    assert serials(key, fmt) == [rejected.serial, second.serial, first.serial]
    # service_request_id (a comma list) overrides every other filter, the date window included.
    assert set(serials(key, fmt, service_request_id=f"{old.serial},{first.serial}", status="closed")) == {
        old.serial,
        first.serial,
    }
    assert serials(key, fmt, service_code=f"{city.categories[2].code},{city.categories[4].code}") == [
        rejected.serial,
        second.serial,
    ]
    assert serials(key, fmt, status="closed") == [rejected.serial]
    assert serials(key, fmt, status="open") == [second.serial, first.serial]
    assert serials(key, fmt, status="open,closed") == [rejected.serial, second.serial, first.serial]
    a_year_ago = w3c(timezone.now() - timedelta(days=365))
    assert serials(key, fmt, start_date=a_year_ago)[-1] == old.serial
    assert serials(key, fmt, start_date=a_year_ago, end_date=w3c(timezone.now() - timedelta(days=50))) == [
        old.serial
    ]
    utc = (timezone.now() + timedelta(minutes=1)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert len(serials(key, fmt, end_date=utc)) == 3


@pytest.mark.parametrize(
    "params",
    [
        {"status": "pending"},
        {"start_date": "yesterday"},
        {"end_date": "2026-13-45T00:00:00Z"},
        {"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"},
    ],
)
def test_malformed_filters_are_400(city, key, params):
    response = georeport().get(url("requests", "xml"), {"api_key": key, **params})
    assert response.status_code == 400
    root = xml_of(response)
    assert root.tag == "errors"
    assert root.find("error/code").text == "400"


def test_the_jurisdiction_is_checked_when_one_is_configured(city, key, settings):
    assert (
        georeport().get(url("requests", "json"), {"api_key": key, "jurisdiction_id": "any"}).status_code
        == 200
    )
    settings.GRIDGOV_OPEN311_JURISDICTION = "shanghai.example"
    wrong = georeport().get(url("requests", "json"), {"api_key": key, "jurisdiction_id": "other"})
    assert wrong.status_code == 400
    assert "jurisdiction_id" in wrong.json()[0]["description"]
    right = georeport().get(url("requests", "json"), {"api_key": key, "jurisdiction_id": "shanghai.example"})
    assert right.status_code == 200
    assert post(key, **a_report(city, jurisdiction_id="other")).status_code == 400
    assert Case.objects.count() == 0


# Tokens --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_token_leads_to_its_request(city, key, fmt):
    token = post(key, **a_report(city)).json()[0]["token"]
    response = georeport().get(url(f"tokens/{token}", fmt), {"api_key": key})
    assert response.status_code == 200, response.content
    (row,) = body(response, fmt)
    assert row == {"service_request_id": Case.objects.get().serial, "token": token}
    if fmt == "xml":
        assert [e.tag for e in xml_of(response)[0]] == ["service_request_id", "token"]


def test_a_made_up_or_foreign_token_is_404(city, key):
    serial = report(city).serial
    assert georeport().get(url(f"tokens/{serial}", "json"), {"api_key": key}).status_code == 404
    assert georeport().get(url(f"tokens/{serial}:forged", "json"), {"api_key": key}).status_code == 404
    _client, other = register(city.streets[1], code="elsewhere")
    token = post(key, **a_report(city)).json()[0]["token"]
    assert georeport().get(url(f"tokens/{token}", "json"), {"api_key": other}).status_code == 404


def test_the_status_of_a_closed_case(city, key):
    case = report(city)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.MERGED)
    assert (
        georeport().get(url(f"requests/{case.serial}", "json"), {"api_key": key}).json()[0]["status"]
        == "closed"
    )


def test_a_body_that_is_not_a_form_is_refused_and_writes_nothing(city, key):
    response = georeport().post(
        f"{url('requests', 'xml')}?api_key={key}",
        data='{"service_code": "x"}',
        content_type="application/json",
    )
    assert response.status_code == 415
    assert xml_of(response).find("error/code").text == "415"
    assert Case.objects.count() == 0


def test_at_most_the_cap_of_requests_is_answered_newest_first(city, key, monkeypatch):
    monkeypatch.setattr("apps.open311.selectors.MAX_REQUESTS", 2)
    cases = [report(city, title=f"案件{n}") for n in range(3)]
    assert serials(key) == [cases[2].serial, cases[1].serial]
