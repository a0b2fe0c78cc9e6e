"""Receiving hotline orders, triage, withdrawal and rating through the services."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from apps.areas.models import Area
from apps.cases.choices import CaseAction, CaseStatus, Channel, Rating
from apps.cases.models import Case, CaseEvent
from apps.cases.services import case_accept
from apps.cases.states import ConflictError
from apps.core.crypto import decrypt
from apps.hotline.choices import MappingKind, OrderState, TriageReason
from apps.hotline.models import CodeMapping, HotlineOrder
from apps.hotline.services import (
    WITHDRAW,
    order_rate,
    order_receive,
    order_triage_reject,
    order_triage_resolve,
    order_withdraw,
)
from apps.integrations.services import client_update
from tests.hotline.support import body, close, hotline_for, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def hotline(city):
    return hotline_for(city)


def test_a_mapped_order_becomes_a_hotline_case(city, hotline):
    receipt = receive(hotline)
    order = receipt.order
    assert receipt.created
    assert order.state == OrderState.MAPPED
    case = order.case
    assert case.channel == Channel.HOTLINE
    assert (case.external_system, case.external_ref) == ("12345", "12345-0001")
    assert case.created_by == hotline.client.user
    assert case.category == city.categories[1]
    assert case.area == city.communities[0]
    assert case.status == CaseStatus.REPORTED
    assert decrypt(case.reporter_phone_encrypted) == "13800138000"
    # The order is placed with its case, and its caller's phone is stored encrypted only.
    assert (order.area_id, order.street_id, order.community_id) == (
        case.area_id,
        city.streets[0].pk,
        city.communities[0].pk,
    )
    assert order.caller_phone_masked.endswith("8000")
    assert "13800138000" not in str(order.payload)
    assert HotlineOrder.objects.get().caller_phone_encrypted != "13800138000"


def test_the_same_serial_twice_writes_nothing_new_and_the_first_payload_wins(city, hotline):
    first = receive(hotline)
    again = receive(hotline)
    assert not again.created
    assert not again.payload_differs
    assert again.order.pk == first.order.pk
    changed = receive(hotline, description="完全不同的内容", area_code="SQ-21")
    assert not changed.created
    assert changed.payload_differs
    assert changed.order.description == "小区南门垃圾三天未清运"
    assert (HotlineOrder.objects.count(), Case.objects.count()) == (1, 1)
    assert CaseEvent.objects.filter(action=CaseAction.REPORT).count() == 1


def test_a_retry_after_the_clients_area_limit_moved_still_finds_the_first_order(city, hotline):
    first = receive(hotline)
    client = hotline.client
    client_update(
        actor=None,
        client=client,
        name=client.name,
        area=city.streets[1],
        scopes=client.scopes,
        rate_limit=client.rate_limit,
        is_active=True,
    )
    again = receive(hotline)
    assert not again.created
    assert again.order.pk == first.order.pk
    assert (HotlineOrder.objects.count(), Case.objects.count()) == (1, 1)


def test_another_client_may_use_the_same_serial(city, hotline):
    other = hotline_for(city, code="city-platform")
    receive(hotline)
    assert receive(other).created
    assert HotlineOrder.objects.count() == 2


@pytest.mark.parametrize(
    ("codes", "reason", "placed"),
    [
        ({"category_code": "XX-99"}, TriageReason.UNKNOWN_CATEGORY, "community"),
        ({"area_code": "QT-000"}, TriageReason.UNKNOWN_AREA, "district"),
        ({"category_code": "", "area_code": ""}, TriageReason.UNKNOWN_BOTH, "district"),
    ],
)
def test_an_order_that_does_not_map_waits_for_triage_where_it_can_be_placed(
    city, hotline, codes, reason, placed
):
    receipt = receive(hotline, **codes)
    order = receipt.order
    assert receipt.created
    assert order.state == OrderState.TRIAGE
    assert order.triage_reason == reason
    assert order.case is None
    expected = {"community": city.communities[0], "district": city.district}[placed]
    assert order.area == expected
    assert order.district_id == city.district.pk
    assert Case.objects.count() == 0


def test_an_order_mapped_outside_the_clients_limit_waits_at_the_limit(city):
    hotline = hotline_for(city, area=city.streets[0])
    # A mapping written before the limit was narrowed: the table's check refuses new ones like it.
    CodeMapping.objects.create(
        client=hotline.client, kind=MappingKind.AREA, code="SQ-22", area=city.communities[3]
    )
    order = receive(hotline, area_code="SQ-22").order
    assert order.triage_reason == TriageReason.AREA_OUTSIDE_LIMIT
    assert order.area == city.streets[0]
    with pytest.raises(ValidationError) as error:
        CodeMapping(
            client=hotline.client, kind=MappingKind.AREA, code="SQ-23", area=city.communities[3]
        ).full_clean()
    assert "area" in error.value.message_dict


def test_a_retired_category_or_area_waits_for_triage(city, hotline):
    city.categories[1].is_active = False
    city.categories[1].save()
    assert receive(hotline).order.triage_reason == TriageReason.CATEGORY_RETIRED
    Area.objects.filter(pk=city.communities[2].pk).update(is_active=False)
    order = receive(hotline, serial="12345-0002", category_code="AQ-01", area_code="SQ-21").order
    assert order.triage_reason == TriageReason.AREA_RETIRED
    assert order.area == city.district


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"serial": ""}, "serial"),
        ({"serial": "has spaces"}, "serial"),
        ({"serial": "a/b"}, "serial"),
        ({"serial": "x" * 65}, "serial"),
        ({"description": "  "}, "description"),
        ({"title": "题" * 101}, "title"),
        ({"category_code": "c" * 65}, "category_code"),
        ({"caller_phone": "call me"}, "caller_phone"),
        ({"urgency": "whenever"}, "urgency"),
        ({"longitude": 121.4}, "longitude"),
        ({"longitude": 500.0, "latitude": 31.2}, "longitude"),
        ({"longitude": float("nan"), "latitude": 31.2}, "longitude"),
        ({"address": "路" * 201}, "address"),
        ({"caller_name": "名" * 51}, "caller_name"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(city, hotline, fields, field):
    with pytest.raises(ValidationError) as error:
        order_receive(client=hotline.client, **body(**fields))
    assert field in error.value.message_dict
    assert (HotlineOrder.objects.count(), Case.objects.count(), CaseEvent.objects.count()) == (0, 0, 0)


def test_an_order_without_title_takes_the_start_of_its_description(city, hotline):
    order = receive(hotline, title="", description="路灯不亮 " * 20).order
    assert order.title.startswith("路灯不亮")
    assert len(order.title) <= 30


# Triage


def test_staff_map_a_waiting_order_and_may_remember_the_mapping(city, hotline):
    order = receive(hotline, category_code="XX-99", area_code="QT-000").order
    done = order_triage_resolve(
        actor=city.users["district"],
        order=order,
        category=city.categories[2],
        area=city.grids[0],
        remember=True,
    )
    assert done.state == OrderState.MAPPED
    assert done.case.category == city.categories[2]
    assert done.case.area == city.grids[0]
    assert done.case.created_by == hotline.client.user
    assert done.case.external_ref == order.serial
    assert (done.resolved_by, done.grid_id) == (city.users["district"], city.grids[0].pk)
    assert done.triage_reason == ""
    mappings = CodeMapping.objects.filter(client=hotline.client, code__in=["XX-99", "QT-000"])
    assert {(m.kind, m.category_id or m.area_id) for m in mappings} == {
        (MappingKind.CATEGORY, city.categories[2].pk),
        (MappingKind.AREA, city.grids[0].pk),
    }
    # The next order with those codes maps on its own.
    assert receive(hotline, serial="12345-0002", category_code="XX-99", area_code="QT-000").order.case


def test_without_remember_no_mapping_is_saved(city, hotline):
    order = receive(hotline, category_code="XX-99").order
    order_triage_resolve(
        actor=city.users["street"], order=order, category=city.categories[2], area=city.grids[0]
    )
    assert not CodeMapping.objects.filter(code="XX-99").exists()


def test_triage_is_refused_outside_the_users_area_and_outside_the_clients_limit(city, hotline):
    waiting = receive(hotline, area_code="QT-000").order  # at the district: the street may not triage it
    with pytest.raises(ValidationError):
        order_triage_resolve(
            actor=city.users["street"], order=waiting, category=city.categories[1], area=city.grids[0]
        )
    in_street = receive(hotline, serial="12345-0002", category_code="XX-99").order
    with pytest.raises(ValidationError) as error:
        order_triage_resolve(
            actor=city.users["street"], order=in_street, category=city.categories[1], area=city.grids[4]
        )
    assert "area" in error.value.message_dict
    limited = hotline_for(city, area=city.streets[0], code="street-line")
    order = receive(limited, category_code="XX-99").order
    with pytest.raises(ValidationError) as error:
        order_triage_resolve(
            actor=city.users["district"], order=order, category=city.categories[1], area=city.grids[4]
        )
    assert "outside the area of the hotline" in error.value.message_dict["area"][0]
    assert HotlineOrder.objects.waiting().count() == 3
    assert Case.objects.count() == 0


def test_a_handled_order_cannot_be_triaged_again(city, hotline):
    order = receive(hotline, category_code="XX-99").order
    order_triage_reject(actor=city.users["street"], order=order, reason="非本辖区事项")
    with pytest.raises(ConflictError):
        order_triage_resolve(
            actor=city.users["street"], order=order, category=city.categories[1], area=city.grids[0]
        )
    rejected = HotlineOrder.objects.get(pk=order.pk)
    assert (rejected.state, rejected.note, rejected.resolved_by) == (
        OrderState.REJECTED,
        "非本辖区事项",
        city.users["street"],
    )


def test_a_rejection_needs_a_reason(city, hotline):
    order = receive(hotline, category_code="XX-99").order
    with pytest.raises(ValidationError) as error:
        order_triage_reject(actor=city.users["street"], order=order, reason=" ")
    assert "reason" in error.value.message_dict
    assert HotlineOrder.objects.get(pk=order.pk).state == OrderState.TRIAGE


# Withdrawal and rating


def test_withdrawing_an_order_whose_case_waits_for_acceptance_rejects_the_case(city, hotline):
    order = receive(hotline).order
    withdrawn = order_withdraw(client=hotline.client, serial=order.serial, reason="市民来电撤诉")
    assert withdrawn.state == OrderState.WITHDRAWN
    case = Case.objects.get(pk=order.case_id)
    assert case.status == CaseStatus.REJECTED
    assert "市民来电撤诉" in case.events.get(action=CaseAction.REJECT).reason
    # Twice changes nothing.
    order_withdraw(client=hotline.client, serial=order.serial, reason="again")
    assert case.events.count() == 2


def test_withdrawing_a_case_in_progress_leaves_a_note_on_its_timeline(city, hotline):
    order = receive(hotline).order
    case_accept(case=order.case, actor=city.users["street"])
    order_withdraw(client=hotline.client, serial=order.serial, reason="问题已自行解决")
    case = Case.objects.get(pk=order.case_id)
    assert case.status == CaseStatus.ACCEPTED
    note = case.events.get(action=WITHDRAW)
    assert "问题已自行解决" in note.reason
    assert note.actor == hotline.client.user


def test_a_waiting_order_can_be_withdrawn_and_leaves_the_queue(city, hotline):
    order = receive(hotline, category_code="XX-99").order
    order_withdraw(client=hotline.client, serial=order.serial, reason="重复来电")
    assert not HotlineOrder.objects.waiting().exists()


def test_a_closed_case_or_a_rejected_order_cannot_be_withdrawn(city, hotline):
    order = receive(hotline, area_code="WG-111").order
    close(order.case, city)
    with pytest.raises(ConflictError):
        order_withdraw(client=hotline.client, serial=order.serial, reason="太迟")
    waiting = receive(hotline, serial="12345-0002", category_code="XX-99").order
    order_triage_reject(actor=city.users["street"], order=waiting, reason="无效")
    with pytest.raises(ConflictError):
        order_withdraw(client=hotline.client, serial=waiting.serial, reason="撤回")
    with pytest.raises(ValidationError):
        order_withdraw(client=hotline.client, serial=order.serial, reason="")


def test_only_the_clients_own_serials_are_found(city, hotline):
    receive(hotline)
    other = hotline_for(city, code="city-platform")
    with pytest.raises(Http404):
        order_withdraw(client=other.client, serial="12345-0001", reason="不是我的")


def test_the_callers_rating_is_recorded_on_the_closed_case(city, hotline):
    order = receive(hotline, area_code="WG-111").order
    with pytest.raises(ConflictError):
        order_rate(client=hotline.client, serial=order.serial, rating=Rating.SATISFIED)
    close(order.case, city)
    rated = order_rate(
        client=hotline.client, serial=order.serial, rating=Rating.DISSATISFIED, comment="没处理好"
    )
    assert rated.case.status == CaseStatus.ACCEPTED  # dissatisfied reopens
    assert rated.case.reopen_count == 1
    with pytest.raises(ValidationError):
        order_rate(client=hotline.client, serial=order.serial, rating="meh")


def test_an_order_without_a_case_cannot_be_rated(city, hotline):
    order = receive(hotline, category_code="XX-99").order
    with pytest.raises(ConflictError):
        order_rate(client=hotline.client, serial=order.serial, rating=Rating.SATISFIED)
