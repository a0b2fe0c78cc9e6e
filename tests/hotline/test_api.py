"""The hotline's API: delivering orders with an API key, asking about them, withdrawing and rating them,
and the staff's triage queue."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import RoleAssignment
from apps.accounts.services import role_revoke
from apps.cases.choices import CaseStatus, Rating
from apps.cases.models import Case, CaseEvent
from apps.hotline.choices import OrderState
from apps.hotline.models import CodeMapping, HotlineOrder
from apps.hotline.services import orders_map
from apps.integrations.models import ApiKey
from apps.integrations.scopes import KeyScope
from apps.integrations.services import key_revoke
from tests.api_helpers import api_as, fields_of
from tests.hotline.support import ORDERS, TRIAGE, body, close, hotline_for, order_url, receive, triage_url
from tests.integrations.support import api_with_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def hotline(city):
    return hotline_for(city)


@pytest.fixture
def api(hotline):
    return api_with_key(hotline.key)


def nothing_written():
    return (HotlineOrder.objects.count(), Case.objects.count(), CaseEvent.objects.count()) == (0, 0, 0)


def test_an_order_is_received_at_once_and_its_case_follows_from_the_mapping(city, api):
    response = api.post(ORDERS, body(), format="json")
    assert response.status_code == 202, response.json()
    answer = response.json()
    assert (answer["state"], answer["case"], answer["duplicate"]) == ("received", None, False)
    assert "received" in answer["message"]
    assert "13800138000" not in response.content.decode()
    assert Case.objects.count() == 0
    assert orders_map() == 1
    case = Case.objects.get()
    status = api.get(order_url("12345-0001")).json()
    assert status["state"] == "mapped"
    assert status["case"]["serial"] == case.serial
    assert status["case"]["status"] == CaseStatus.REPORTED
    assert (case.external_ref, case.channel) == ("12345-0001", "hotline")


def test_an_order_with_unknown_codes_is_mapped_into_the_triage_queue(city, api):
    response = api.post(ORDERS, body(category_code="XX-99", area_code="QT-000"), format="json")
    assert response.status_code == 202, response.json()
    assert orders_map() == 1
    answer = api.get(order_url("12345-0001")).json()
    assert (answer["state"], answer["triage_reason"], answer["case"]) == ("triage", "unknown_both", None)
    assert HotlineOrder.objects.waiting().count() == 1


def test_a_received_order_is_in_no_triage_queue_and_the_hotline_can_withdraw_it(city, api, superuser):
    api.post(ORDERS, body(), format="json")
    for staff in (api_as(city.users["district"]), api_as(superuser)):
        for state in ("", "triage", "mapped"):
            assert staff.get(TRIAGE, {"state": state} if state else {}).json()["count"] == 0
        assert "state" in fields_of(staff.get(TRIAGE, {"state": "received"}))
    response = api.post(order_url("12345-0001", "withdraw"), {"reason": "市民撤诉"}, format="json")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["case"]) == (OrderState.WITHDRAWN, None)
    assert orders_map() == 0
    order = HotlineOrder.objects.get()
    assert (order.area, order.district_id) == (city.district, city.district.pk)
    assert Case.objects.count() == 0


def test_an_order_whose_case_is_refused_waits_for_triage_with_the_reason(city, hotline, api):
    # Between the delivery and the mapping, the hotline's system account lost its role.
    api.post(ORDERS, body(), format="json")
    role_revoke(actor=None, assignment=RoleAssignment.objects.get(user=hotline.client.user))
    assert orders_map() == 1
    order = HotlineOrder.objects.get()
    assert (order.state, order.triage_reason, order.case) == (OrderState.TRIAGE, "not_reportable", None)
    assert order.note
    assert order.area == city.district
    queue = api_as(city.users["district"]).get(TRIAGE).json()["results"]
    assert [row["serial"] for row in queue] == ["12345-0001"]


def test_a_retry_answers_200_with_the_order_as_it_stands_and_says_when_the_payload_differs(city, api):
    api.post(ORDERS, body(), format="json")
    again = api.post(ORDERS, body(), format="json")
    assert again.status_code == 200
    assert (again.json()["state"], again.json()["duplicate"], again.json()["payload_differs"]) == (
        "received",
        True,
        False,
    )
    orders_map()
    mapped = api.post(ORDERS, body(), format="json")
    assert mapped.status_code == 200
    assert mapped.json()["case"]["serial"] == Case.objects.get().serial
    changed = api.post(ORDERS, body(description="另一件事"), format="json")
    assert changed.status_code == 200
    assert changed.json()["payload_differs"] is True
    assert "first one is kept" in changed.json()["message"]
    assert (HotlineOrder.objects.count(), Case.objects.count()) == (1, 1)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"description": ""}, "description"),
        ({"serial": ""}, "serial"),
        ({"serial": "含 空格"}, "serial"),
        ({"urgency": "someday"}, "urgency"),
        ({"longitude": "east"}, "longitude"),
        ({"longitude": 121.47}, "longitude"),
        ({"caller_phone": "abc"}, "caller_phone"),
        ({"title": "x" * 101}, "title"),
    ],
)
def test_a_malformed_order_answers_400_and_writes_nothing(city, api, payload, field):
    response = api.post(ORDERS, body(**payload), format="json")
    assert field in fields_of(response)
    assert nothing_written()


def test_a_body_that_is_not_a_json_object_answers_400(city, api):
    assert api.post(ORDERS, "{not json", content_type="application/json").status_code == 400
    assert api.post(ORDERS, [body()], format="json").status_code == 400
    assert api.post(ORDERS, "serial=1", content_type="application/x-www-form-urlencoded").status_code == 415
    assert nothing_written()


def test_a_wrong_or_revoked_key_answers_401(city, hotline):
    assert api_with_key("gg_000000000000_wrong").post(ORDERS, body(), format="json").status_code == 401
    key_revoke(actor=None, key=ApiKey.objects.get(client=hotline.client))
    response = api_with_key(hotline.key).post(ORDERS, body(), format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
    assert nothing_written()


def test_the_hotline_endpoints_take_only_api_keys(city):
    response = api_as(city.users["district"]).post(ORDERS, body(), format="json")
    assert response.status_code == 401
    assert nothing_written()


def test_a_key_without_the_scope_answers_403(city):
    read_only = hotline_for(city, scopes=[KeyScope.CASES_READ])
    response = api_with_key(read_only.key).post(ORDERS, body(), format="json")
    assert response.status_code == 403
    assert "cases.create" in response.json()["error"]["message"]
    assert nothing_written()


def test_an_area_outside_the_keys_limit_waits_for_triage_at_the_limit(city):
    # The documented choice: the hotline sends codes, not places; an order it cannot place is kept.
    limited = hotline_for(city, area=city.streets[0])
    response = api_with_key(limited.key).post(ORDERS, body(area_code="SQ-21"), format="json")
    assert response.status_code == 202
    orders_map()
    order = HotlineOrder.objects.get()
    assert (order.triage_reason, order.area) == ("area_outside_limit", city.streets[0])
    assert Case.objects.count() == 0


def test_the_hotline_reads_where_its_order_stands(city, hotline, api):
    order = receive(hotline).order
    response = api.get(order_url(order.serial))
    assert response.status_code == 200
    answer = response.json()
    assert (answer["state"], answer["case"]["serial"], answer["deadline"]) == (
        "mapped",
        order.case.serial,
        None,
    )
    assert api.get(order_url("no-such-serial")).status_code == 404


def test_another_clients_serial_answers_404(city, hotline):
    receive(hotline)
    other = hotline_for(city, code="city-platform")
    other_api = api_with_key(other.key)
    assert other_api.get(order_url("12345-0001")).status_code == 404
    assert (
        other_api.post(order_url("12345-0001", "withdraw"), {"reason": "x"}, format="json").status_code == 404
    )


def test_the_hotline_withdraws_an_order(city, hotline, api):
    order = receive(hotline).order
    response = api.post(order_url(order.serial, "withdraw"), {"reason": "市民撤诉"}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == OrderState.WITHDRAWN
    assert response.json()["case"]["status"] == CaseStatus.REJECTED
    assert "reason" in fields_of(api.post(order_url(order.serial, "withdraw"), {}, format="json"))


def test_withdrawing_a_closed_case_answers_409(city, hotline, api):
    order = receive(hotline, area_code="WG-111").order
    close(order.case, city)
    response = api.post(order_url(order.serial, "withdraw"), {"reason": "太迟"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_the_hotline_relays_the_callers_rating(city, hotline, api):
    order = receive(hotline, area_code="WG-111").order
    url = order_url(order.serial, "rating")
    assert api.post(url, {"rating": Rating.SATISFIED}, format="json").status_code == 409
    close(order.case, city)
    assert "rating" in fields_of(api.post(url, {"rating": "meh"}, format="json"))
    response = api.post(url, {"rating": Rating.SATISFIED, "comment": "满意"}, format="json")
    assert response.status_code == 200
    assert response.json()["rating"] == Rating.SATISFIED
    assert api.post(url, {"rating": Rating.SATISFIED}, format="json").status_code == 409


def test_withdraw_and_rating_need_the_update_scope(city):
    creating = hotline_for(city, scopes=[KeyScope.CASES_CREATE, KeyScope.CASES_READ])
    receive(creating)
    api = api_with_key(creating.key)
    assert api.post(order_url("12345-0001", "withdraw"), {"reason": "x"}, format="json").status_code == 403
    assert (
        api.post(order_url("12345-0001", "rating"), {"rating": "satisfied"}, format="json").status_code == 403
    )
    assert api.get(order_url("12345-0001")).status_code == 200


def test_one_intake_writes_the_order_and_the_call_log_only(city, api):
    """The order (in a savepoint: a repeated serial is refused by the database) and the call log; the key
    is read from the database once, then kept by the process. A retry: the refused insert (its savepoint
    rolled back and released), the known serial and the call log."""
    api.post(ORDERS, body("warm-up"), format="json")  # the key is found and its last use written
    with CaptureQueriesContext(connection) as first:
        assert api.post(ORDERS, body("12345-0002"), format="json").status_code == 202
    with CaptureQueriesContext(connection) as retry:
        assert api.post(ORDERS, body("12345-0002"), format="json").status_code == 200
    sql = [q["sql"][:90] for q in first.captured_queries + retry.captured_queries]
    assert (len(first), len(retry)) == (4, 6), sql


def test_the_mapping_costs_a_fixed_number_of_queries_per_order(city, api):
    """Per batch: the claim and the batch's transaction (a savepoint here). Per order, 15: its savepoint,
    the code table (one query for both codes), the roles of the client's system account, the case's report
    (the tree's shared locks, insert, serial, timeline, time limits) and the order."""

    def mapping(count: int, prefix: str) -> int:
        for n in range(count):
            api.post(ORDERS, body(f"{prefix}-{n}"), format="json")
        with CaptureQueriesContext(connection) as queries:
            assert orders_map() == count
        return len(queries)

    mapping(1, "warm-up")
    assert (mapping(1, "one"), mapping(3, "three")) == (3 + 15, 3 + 3 * 15)


# The triage queue (staff)


def test_staff_list_the_orders_waiting_in_their_areas(city, hotline):
    in_community = receive(hotline, "A-1", category_code="XX-99").order  # the first community
    in_other_street = receive(hotline, "A-2", category_code="XX-99", area_code="SQ-21").order
    at_district = receive(hotline, "A-3", area_code="QT-000").order
    receive(hotline, "A-4")  # mapped: not in the queue

    def listed(user):
        response = api_as(city.users[user]).get(TRIAGE)
        assert response.status_code == 200
        return {row["serial"] for row in response.json()["results"]}

    assert listed("district") == {in_community.serial, in_other_street.serial, at_district.serial}
    assert listed("street") == {in_community.serial}
    assert listed("community") == {in_community.serial}
    row = api_as(city.users["street"]).get(TRIAGE).json()["results"][0]
    assert row["caller_phone"].endswith("8000")
    assert "13800138000" not in str(row)
    assert api_as(city.users["gridworker"]).get(TRIAGE).status_code == 403


def test_staff_resolve_a_waiting_order_through_the_api(city, hotline):
    order = receive(hotline, category_code="XX-99").order
    api = api_as(city.users["street"])
    payload = {"category": city.categories[2].pk, "area": city.grids[0].pk, "remember": True}
    response = api.post(triage_url(order, "resolve"), payload, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "mapped"
    assert response.json()["case"]["serial"] == Case.objects.get().serial
    assert CodeMapping.objects.filter(client=hotline.client, code="XX-99").exists()
    assert api.post(triage_url(order, "resolve"), payload, format="json").status_code == 409


def test_a_place_outside_the_users_scope_is_refused(city, hotline):
    order = receive(hotline, category_code="XX-99").order
    api = api_as(city.users["street"])
    response = api.post(
        triage_url(order, "resolve"),
        {"category": city.categories[2].pk, "area": city.grids[4].pk},
        format="json",
    )
    assert "area" in fields_of(response)
    assert Case.objects.count() == 0


def test_staff_reject_a_waiting_order_and_orders_outside_their_areas_are_404(city, hotline):
    order = receive(hotline, category_code="XX-99").order
    elsewhere = receive(hotline, "A-2", category_code="XX-99", area_code="SQ-21").order
    api = api_as(city.users["street"])
    assert "reason" in fields_of(api.post(triage_url(order, "reject"), {}, format="json"))
    response = api.post(triage_url(order, "reject"), {"reason": "非政务事项"}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "rejected"
    assert api.post(triage_url(elsewhere, "reject"), {"reason": "x"}, format="json").status_code == 404
    assert api.get(triage_url(elsewhere)).status_code == 404


def test_api_keys_cannot_use_the_triage_queue(city, hotline, api):
    order = receive(hotline, category_code="XX-99").order
    assert api.get(TRIAGE).status_code == 403
    assert api.post(triage_url(order, "reject"), {"reason": "x"}, format="json").status_code == 403


def test_the_triage_list_costs_the_same_whatever_its_length(city, hotline, django_assert_num_queries):
    api = api_as(city.users["district"])
    for n in range(3):
        receive(hotline, f"B-{n}", category_code="XX-99")
    with django_assert_num_queries(4):
        assert len(api.get(TRIAGE).json()["results"]) == 3
    for n in range(3, 12):
        receive(hotline, f"B-{n}", category_code="XX-99")
    with django_assert_num_queries(4):
        assert len(api.get(TRIAGE).json()["results"]) == 12
