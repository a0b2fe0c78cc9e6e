"""The servicerequestupdates extension: the public steps of the cases a key sees, in both formats."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from apps.cases.models import CaseEvent
from apps.cases.services import case_reject
from apps.dispatch.services import order_accept
from apps.open311.formats import w3c
from tests.cases.api_support import dispatched, report
from tests.integrations.support import register

from .support import FORMATS, body, georeport, text, url, xml_of

pytestmark = pytest.mark.django_db

UPDATE_FIELDS = [
    "update_id",
    "service_request_id",
    "status",
    "external_status_code",
    "updated_datetime",
    "description",
    "media_url",
]


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()


@pytest.fixture
def key(city):
    _client, raw = register(city.streets[0], code="citizen-app")
    return raw


def updates(key, fmt="json", **params):
    response = georeport().get(url("servicerequestupdates", fmt), {"api_key": key, **params})
    assert response.status_code == 200, response.content
    return body(response, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_updates_are_the_public_timeline_with_the_status_at_each_step(city, key, fmt):
    case, order = dispatched(city)
    order_accept(order=order, actor=city.users["dept"])
    rejected = report(city)
    case_reject(case=rejected, actor=city.users["street"], reason="请拨打 13912345678 咨询")
    elsewhere = report(city, area=city.buildings[8], actor=None)

    rows = updates(key, fmt)
    assert all(list(row) == UPDATE_FIELDS for row in rows)
    assert elsewhere.serial not in {row["service_request_id"] for row in rows}
    mine = [row for row in rows if row["service_request_id"] == case.serial]
    events = list(CaseEvent.objects.filter(case=case).order_by("created_at", "id"))
    assert [text(row["update_id"]) for row in mine] == [str(event.pk) for event in events]
    assert [row["description"] for row in mine] == [
        "reported",
        "accepted",
        "dispatched",
        "signed for by a department",
    ]
    assert [row["external_status_code"] for row in mine] == [
        "reported",
        "accepted",
        "dispatched",
        "dispatched",
    ]
    assert {row["status"] for row in mine} == {"open"}
    assert mine[0]["updated_datetime"] == w3c(events[0].created_at)
    last = [row for row in rows if row["service_request_id"] == rejected.serial][-1]
    assert last["status"] == "closed"
    assert last["description"].startswith("rejected: 请拨打")
    assert "13912345678" not in last["description"]
    if fmt == "xml":
        response = georeport().get(url("servicerequestupdates", fmt), {"api_key": key})
        root = xml_of(response)
        assert root.tag == "service_request_updates"
        assert {child.tag for child in root} == {"request_update"}
        assert [element.tag for element in root[0]] == UPDATE_FIELDS


def test_updates_follow_start_and_end_date(city, key):
    case = report(city)
    case_reject(case=case, actor=city.users["street"], reason="不属实")
    reported, rejected = CaseEvent.objects.filter(case=case).order_by("created_at", "id")
    assert len(updates(key)) == 2
    # Any offset, down to the microsecond.
    after = (reported.created_at + timedelta(microseconds=1)).isoformat()
    assert [row["update_id"] for row in updates(key, start_date=after)] == [rejected.pk]
    assert [row["update_id"] for row in updates(key, end_date=reported.created_at.isoformat())] == [
        reported.pk
    ]
    long_ago = timezone.now() - timedelta(days=20)
    assert updates(key, start_date=w3c(long_ago), end_date=w3c(long_ago + timedelta(days=1))) == []
    assert updates(key, end_date=w3c(long_ago)) == []


def test_updates_need_a_key_with_the_read_scope(city):
    response = georeport().get(url("servicerequestupdates", "xml"))
    assert response.status_code == 401
    assert xml_of(response).find("error/code").text == "401"
    response = georeport().get(url("servicerequestupdates", "json"), {"start_date": "soon", "api_key": "x"})
    assert response.status_code == 401
