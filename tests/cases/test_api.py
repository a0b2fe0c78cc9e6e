"""The cases API: lists and filters, intake with an idempotency key, detail with the timeline."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from apps.accounts.roles import Role
from apps.accounts.services import role_grant, user_create
from apps.cases.choices import CaseStatus, Channel, HandlingLevel, Urgency
from apps.cases.models import Case, CaseAttachment, RoutingRule
from apps.cases.services import case_reject
from apps.dispatch.models import DispatchOrder
from apps.dispatch.services import order_accept
from tests.api_helpers import api_as, assert_list_cost, fields_of, ids
from tests.builders import PASSWORD
from tests.cases.api_support import CASES, accepted, case_url, dispatched, photo, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def cases(city):
    """One case in each street, and one dispatched to the street's department."""
    here = report(city, title="本街道")
    there = report(city, actor=None, area=city.buildings[8], title="外街道")
    sent, _order = dispatched(city, title="已派单")
    return {"here": here, "there": there, "sent": sent}


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("district", {"here", "there", "sent"}),
        ("street", {"here", "sent"}),
        ("auditor", {"here", "sent"}),
        ("gridworker", {"here", "sent"}),
        ("dept", {"sent"}),
    ],
)
def test_each_user_lists_the_cases_in_scope(city, cases, username, expected):
    listed = ids(api_as(city.users[username]).get(CASES))
    assert listed == {cases[name].pk for name in expected}


def test_a_user_without_roles_sees_no_case_and_the_api_needs_authentication(city, cases):
    nobody = user_create(username="nobody", password=PASSWORD)
    assert ids(api_as(nobody).get(CASES)) == set()
    assert APIClient().get(CASES).status_code == 401


def test_list_rows_are_lean_and_the_detail_has_the_timeline(city, cases):
    api = api_as(city.users["street"])
    row = next(r for r in api.get(CASES).json()["results"] if r["id"] == cases["sent"].pk)
    assert list(row)[:3] == ["id", "url", "display"]
    assert row["category"] == {
        "id": city.categories[1].pk,
        "code": city.categories[1].code,
        "name": "环境卫生1",
    }
    assert row["area"]["id"] == city.buildings[0].pk
    assert (row["street"], row["grid"], row["building"]) == (
        city.streets[0].pk,
        city.grids[0].pk,
        city.buildings[0].pk,
    )
    assert not {"events", "orders", "description", "reporter_phone", "actions"} & set(row)
    assert row["url"].endswith(case_url(cases["sent"]))


def test_the_detail_shows_timeline_orders_deadlines_and_a_masked_phone(city):
    case, order = dispatched(city, reporter_phone="13800138000", reporter_name="张三")
    body = api_as(city.users["street"]).get(case_url(case)).json()
    assert body["reporter_phone"] == "138****8000"
    assert "13800138000" not in str(body)
    assert [event["action"] for event in body["events"]] == ["report", "accept", "dispatch"]
    assert body["events"][1]["actor"] == {"id": city.users["street"].pk, "display": "street"}
    (listed,) = body["orders"]
    assert (listed["id"], listed["status"], listed["department"]["id"]) == (
        order.pk,
        "pending",
        city.departments[1].pk,
    )
    assert {d["kind"] for d in listed["deadlines"]} == {"accept", "resolve"}
    deadline = listed["deadlines"][0]
    assert {"due_at", "provisional", "state", "policy_version"} <= set(deadline)
    assert deadline["state"] == "active"
    assert "dispatch" in body["actions"]
    assert "accept" not in body["actions"]


def test_the_department_handler_sees_the_case_but_neither_the_reporter_nor_a_case_action(city):
    case, _order = dispatched(city, reporter_phone="13800138000", reporter_name="张三")
    body = api_as(city.users["dept"]).get(case_url(case)).json()
    assert body["id"] == case.pk
    assert body["actions"] == []
    assert (body["reporter_name"], body["reporter_phone"]) == ("", "")
    assert api_as(city.users["auditor"]).get(case_url(case)).json()["reporter_name"] == "张三"


def test_a_case_out_of_scope_is_not_found(city, cases):
    api = api_as(city.users["street"])
    for url in (case_url(cases["there"]), case_url(cases["there"], "duplicates")):
        response = api.get(url)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert api.post(case_url(cases["there"], "accept")).status_code == 404


def test_filters(city):
    street = api_as(city.users["district"])
    noise = report(
        city,
        actor="street",
        category=city.categories[4],
        title="夜间噪音",
        channel=Channel.HOTLINE,
        urgency=Urgency.URGENT,
        area=city.buildings[2],
        address="幸福路 8 号",
        external_system="12345",
        external_ref="H-001",
    )
    rubbish = report(city, title="垃圾堆放", area=city.buildings[0])
    rejected = case_reject(case=report(city, title="重复"), actor=city.users["street"], reason="重复")
    other_root = report(city, category=city.categories[0], area=city.buildings[9], actor=None)

    assert ids(street.get(CASES, {"status": "rejected"})) == {rejected.pk}
    assert ids(street.get(CASES, {"status": ["rejected", "reported"]})) == {
        rejected.pk,
        rubbish.pk,
        noise.pk,
        other_root.pk,
    }
    # A root category includes its subcategories.
    assert ids(street.get(CASES, {"category": city.categories[0].pk})) == {
        rubbish.pk,
        rejected.pk,
        other_root.pk,
    }
    assert ids(street.get(CASES, {"category": city.categories[4].pk})) == {noise.pk}
    assert ids(street.get(CASES, {"channel": Channel.HOTLINE})) == {noise.pk}
    assert ids(street.get(CASES, {"urgency": Urgency.URGENT})) == {noise.pk}
    assert ids(street.get(CASES, {"area": city.grids[1].pk})) == {noise.pk}
    assert ids(street.get(CASES, {"area": city.streets[1].pk})) == {other_root.pk}
    assert ids(street.get(CASES, {"q": "噪音"})) == {noise.pk}
    assert ids(street.get(CASES, {"q": "幸福路"})) == {noise.pk}
    assert ids(street.get(CASES, {"q": noise.serial})) == {noise.pk}
    assert ids(street.get(CASES, {"external_ref": "H-001"})) == {noise.pk}
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert ids(street.get(CASES, {"reported_after": later})) == set()
    assert len(ids(street.get(CASES, {"reported_before": later}))) == 4
    assert ids(street.get(CASES, {"overdue": "true"})) == set()


def test_an_area_filter_out_of_scope_is_refused_like_a_missing_one(city, cases):
    api = api_as(city.users["street"])
    out_of_scope = api.get(CASES, {"area": city.streets[1].pk})
    missing = api.get(CASES, {"area": 999999})
    assert set(fields_of(out_of_scope)) == set(fields_of(missing)) == {"area"}


def test_the_overdue_filter_and_bucket(city):
    case, order = dispatched(city)
    DispatchOrder.objects.filter(pk=order.pk).update(accept_breached_at=timezone.now())
    api = api_as(city.users["street"])
    assert ids(api.get(CASES, {"overdue": "true"})) == {case.pk}
    assert ids(api.get(CASES, {"bucket": "overdue"})) == {case.pk}
    assert ids(api.get(CASES, {"overdue": "false"})) == set()


def test_buckets_list_the_inbox_and_the_counts_agree(city):
    waiting, _order = dispatched(city)
    to_accept = report(city)
    to_dispatch = accepted(city)
    api = api_as(city.users["street"])
    assert ids(api.get(CASES, {"bucket": "to_accept"})) == {to_accept.pk}
    assert ids(api.get(CASES, {"bucket": "to_dispatch"})) == {to_dispatch.pk}
    assert ids(api.get(CASES, {"bucket": "waiting", "q": waiting.serial})) == {waiting.pk}
    assert "bucket" in fields_of(api.get(CASES, {"bucket": "nonsense"}))

    counts = api.get(case_url_inbox()).json()
    assert counts == {
        "to_accept": 1,
        "to_dispatch": 1,
        "waiting": 1,
        "warnings": 0,
        "overdue": 0,
        "escalated": 0,
        "to_verify": 0,
        "to_close": 0,
    }
    # A department handler counts only the cases dispatched to the department.
    dept_counts = api_as(city.users["dept"]).get(case_url_inbox()).json()
    assert {bucket: n for bucket, n in dept_counts.items() if n} == {"waiting": 1}


def case_url_inbox() -> str:
    return f"{CASES}inbox/"


def test_duplicates_are_open_cases_of_the_category_nearby(city):
    here = report(city, longitude=121.4737, latitude=31.2304)
    near = report(city, longitude=121.4740, latitude=31.2306)
    report(city, longitude=121.60, latitude=31.30)  # far away
    report(city, longitude=121.4738, latitude=31.2305, category=city.categories[4])  # another category
    response = api_as(city.users["street"]).get(case_url(here, "duplicates"))
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [near.pk]


def test_route_proposes_the_most_specific_rule(city):
    RoutingRule.objects.create(category=city.categories[0], handling_level=HandlingLevel.GRID)
    rule = RoutingRule.objects.create(
        category=city.categories[1],
        area=city.streets[0],
        handling_level=HandlingLevel.DEPARTMENT,
        department=city.departments[1],
    )
    api = api_as(city.users["street"])
    route = f"{CASES}route/"
    body = api.get(route, {"category": city.categories[1].pk, "area": city.buildings[0].pk}).json()
    assert body["rule"]["id"] == rule.pk
    assert body["rule"]["department"] == {"id": city.departments[1].pk, "name": city.departments[1].name}
    fallback = api.get(route, {"category": city.categories[2].pk, "area": city.buildings[0].pk}).json()
    assert fallback["rule"]["handling_level"] == HandlingLevel.GRID
    assert api.get(route, {"category": city.categories[4].pk, "area": city.buildings[0].pk}).json() == {
        "rule": None
    }
    assert "area" in fields_of(
        api.get(route, {"category": city.categories[1].pk, "area": city.buildings[8].pk})
    )


# Intake


def intake(city, **overrides):
    return {
        "category": city.categories[1].pk,
        "area": city.buildings[0].pk,
        "channel": Channel.SYSTEM,
        "title": "井盖缺失",
        "description": "人行道井盖缺失，有坠落风险",
        "reporter_name": "李四",
        "reporter_phone": "13912345678",
        **overrides,
    }


def test_report_a_case(city):
    api = api_as(city.users["gridworker"])
    response = api.post(CASES, intake(city, longitude=121.47, latitude=31.23), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    case = Case.objects.get(pk=body["id"])
    assert (case.status, case.created_by, case.street_id) == (
        CaseStatus.REPORTED,
        city.users["gridworker"],
        city.streets[0].pk,
    )
    assert body["serial"] == case.serial
    # The answer has the list's shape; its url gives the detail.
    detail = api.get(body["url"]).json()
    assert detail["reporter_phone"] == "139****5678"
    assert [event["action"] for event in detail["events"]] == ["report"]


def test_the_same_idempotency_key_twice_reports_one_case(city):
    api = api_as(city.users["gridworker"])
    first = api.post(CASES, intake(city), format="json", HTTP_IDEMPOTENCY_KEY="visit-42")
    again = api.post(CASES, intake(city, title="重发"), format="json", HTTP_IDEMPOTENCY_KEY="visit-42")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Case.objects.count() == 1

    by_field = api.post(CASES, intake(city, idempotency_key="visit-43"), format="json")
    by_field_again = api.post(CASES, intake(city, idempotency_key="visit-43"), format="json")
    assert (by_field.status_code, by_field_again.status_code) == (201, 200)
    assert Case.objects.count() == 2
    # Another user's key is theirs.
    other = api_as(city.users["street"]).post(
        CASES, intake(city), format="json", HTTP_IDEMPOTENCY_KEY="visit-42"
    )
    assert other.status_code == 201
    too_long = api.post(CASES, intake(city), format="json", HTTP_IDEMPOTENCY_KEY="k" * 65)
    assert "idempotency_key" in fields_of(too_long)
    assert Case.objects.count() == 3


def test_an_external_reference_reported_twice_is_one_case(city):
    api = api_as(city.users["street"])
    fields = intake(city, external_system="12345", external_ref="H-9")
    assert api.post(CASES, fields, format="json").status_code == 201
    again = api.post(CASES, fields, format="json")
    assert again.status_code == 200
    assert Case.objects.count() == 1
    # Another reporter who sees the case gets it; one who does not learns only that the reference is taken.
    seen = api_as(city.users["party"]).post(CASES, fields, format="json")
    assert (seen.status_code, seen.json()["id"]) == (200, again.json()["id"])
    outsider = user_create(username="outsider", password=PASSWORD)
    role_grant(actor=None, user=outsider, role=Role.STREET_STAFF, area=city.streets[1])
    hidden = api_as(outsider).post(CASES, {**fields, "area": city.buildings[8].pk}, format="json")
    assert "external_ref" in fields_of(hidden)
    assert Case.objects.count() == 1


def test_a_report_with_photos_and_a_file(city, media):
    api = api_as(city.users["gridworker"])
    document = ("note.pdf", b"%PDF-1.4 a small document")
    response = api.post(
        CASES,
        {
            **intake(city),
            "photos": [photo("a.png"), photo("b.png")],
            "files": [SimpleUploadedFile(*document, content_type="application/pdf")],
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    case_id = response.json()["id"]
    attachments = api.get(response.json()["url"]).json()["attachments"]
    assert sorted(a["kind"] for a in attachments) == ["file", "photo", "photo"]
    assert attachments[0]["url"].endswith(f"/api/v1/cases/{case_id}/attachments/{attachments[0]['id']}/")
    # The URL serves the bytes to an API client (a token here), a file as a download, a photo inline.
    by_kind = {attachment["kind"]: attachment for attachment in attachments}
    pdf = api.get(by_kind["file"]["url"])
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert b"".join(pdf.streaming_content) == document[1]
    assert pdf["Content-Disposition"].startswith("attachment;")
    picture = api.get(by_kind["photo"]["url"])
    assert (picture.status_code, picture["Content-Type"]) == (200, "image/png")
    assert picture["Content-Disposition"].startswith("inline;")
    assert picture["Cache-Control"] == "private, max-age=3600"
    # Someone who does not see the case gets a 404, as does an attachment of another case.
    outsider = user_create(username="far-away", password=PASSWORD)
    role_grant(actor=None, user=outsider, role=Role.STREET_STAFF, area=city.streets[1])
    assert api_as(outsider).get(by_kind["file"]["url"]).status_code == 404
    other = api.post(CASES, intake(city), format="json").json()["id"]
    assert api.get(f"{CASES}{other}/attachments/{by_kind['file']['id']}/").status_code == 404


def test_bad_reports_are_400_with_field_errors_and_change_nothing(city, media):
    api = api_as(city.users["gridworker"])
    assert set(fields_of(api.post(CASES, {}, format="json"))) == {
        "category",
        "area",
        "channel",
        "title",
        "description",
    }
    assert "channel" in fields_of(api.post(CASES, intake(city, channel="fax"), format="json"))
    # A council resolution's case comes only from the councils' service.
    assert "channel" in fields_of(api.post(CASES, intake(city, channel="council"), format="json"))
    assert "reporter_phone" in fields_of(
        api.post(CASES, intake(city, reporter_phone="call me"), format="json")
    )
    assert "longitude" in fields_of(api.post(CASES, intake(city, longitude=121.4), format="json"))
    outside = api.post(CASES, intake(city, area=city.buildings[8].pk), format="json")
    missing = api.post(CASES, intake(city, area=999999), format="json")
    assert fields_of(outside)["area"] == [f'Invalid pk "{city.buildings[8].pk}" - object does not exist.']
    assert fields_of(missing)["area"] == ['Invalid pk "999999" - object does not exist.']
    fake = api.post(
        CASES,
        {**intake(city), "photos": [SimpleUploadedFile("x.png", b"not a photo", content_type="image/png")]},
        format="multipart",
    )
    assert "attachments" in fields_of(fake)
    assert Case.objects.count() == 0
    assert CaseAttachment.objects.count() == 0


def test_reporting_needs_case_report(city):
    response = api_as(city.users["dept"]).post(CASES, intake(city), format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert Case.objects.count() == 0


# Query counts


# token with user, role scope, COUNT, page with categories and areas
@pytest.mark.parametrize("params", [{}, {"bucket": "to_accept"}, {"status": "reported", "q": "垃圾"}])
def test_the_list_costs_the_same_queries_whatever_the_page_size(city, django_assert_num_queries, params):
    for n in range(50):
        report(
            city,
            actor="street",
            area=city.buildings[n % 8],
            category=city.categories[1 + n % 2],
            title=f"垃圾{n}",
        )
    assert_list_cost(django_assert_num_queries, api_as(city.users["street"]), CASES, 4, params)


def test_the_detail_costs_the_same_queries_however_long_the_timeline(city, django_assert_num_queries):
    api = api_as(city.users["street"])
    short, _order = dispatched(city)
    long, order = dispatched(city)
    order_accept(order=order, actor=city.users["dept"])
    for case in (short, long):
        # token, scope, case, events, orders, deadlines, attachments
        with django_assert_num_queries(7):
            assert api.get(case_url(case)).status_code == 200
