"""The case lifecycle services: each action's happy path and each way it is refused.

A refusal is a ValidationError (bad input, wrong role, out of scope) or a ConflictError (the case is not
in a state that allows the action now), and it writes nothing.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone, translation
from PIL import Image

from apps.cases.choices import CaseAction, CaseStatus, Channel, Rating
from apps.cases.models import Case, CaseAttachment, CaseEvent
from apps.cases.services import (
    case_accept,
    case_close,
    case_handle_in_grid,
    case_leader_claim,
    case_merge,
    case_rate,
    case_reject,
    case_report,
    case_resolve_in_grid,
    case_resume,
    case_suspend,
    case_verify,
)
from apps.cases.states import ConflictError
from apps.dispatch.choices import DeadlineState, OrderStatus
from apps.dispatch.models import Deadline
from apps.dispatch.services import case_dispatch, order_accept, order_resolve
from tests.dispatch.support import accepted, city_per_module, report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """The services' messages are compared with their msgids, whatever language an earlier test left on."""
    with translation.override("en"):
        yield


city = city_per_module()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def photo(name: str = "现场.png", size: tuple[int, int] = (8, 8)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def actions(case: Case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))


def refused(error_class, action, *, case: Case | None = None):
    """Run an action expected to be refused, and check that it wrote nothing."""
    before = (Case.objects.count(), CaseEvent.objects.count(), Deadline.objects.count())
    status = Case.objects.get(pk=case.pk).status if case else None
    with pytest.raises(error_class) as caught:
        action()
    assert (Case.objects.count(), CaseEvent.objects.count(), Deadline.objects.count()) == before
    if case:
        assert Case.objects.get(pk=case.pk).status == status
    return caught.value


def resolved_by_department(city) -> Case:
    case = accepted(city)
    order = case_dispatch(case=case, department=city.departments[1], actor=city.users["street"])
    order_accept(order=order, actor=city.users["dept"])
    order_resolve(order=order, actor=city.users["dept"], account="已清理")
    case.refresh_from_db()
    return case


def closed(city) -> Case:
    case = resolved_by_department(city)
    case_verify(case=case, actor=city.users["gridworker"], passed=True)
    return case_close(case=case, actor=city.users["street"])


# Reporting.


def test_a_report_is_placed_with_its_ancestors_numbered_and_recorded(city):
    case, created = case_report(
        actor=city.users["gridworker"],
        channel=Channel.GRID_WORKER,
        category=city.categories[1],
        area=city.buildings[0],
        title=" 楼道堆物 ",
        description="楼道里堆满杂物",
        reporter_name="张大爷",
        reporter_phone="138 0013 8000",
        longitude=121.47,
        latitude=31.23,
        photos=[photo()],
    )
    assert created
    assert case.status == CaseStatus.REPORTED
    assert case.title == "楼道堆物"
    assert (case.district_id, case.street_id, case.community_id, case.grid_id, case.building_id) == (
        city.district.pk,
        city.streets[0].pk,
        city.communities[0].pk,
        city.grids[0].pk,
        city.buildings[0].pk,
    )
    assert case.serial == f"{timezone.localdate(case.created_at):%Y%m%d}{case.pk:07d}"
    assert "13800138000" not in case.reporter_phone_encrypted
    assert case.reporter_phone_masked == "138****8000"
    event = CaseEvent.objects.get(case=case)
    assert (event.action, event.to_status, event.actor) == (
        CaseAction.REPORT,
        CaseStatus.REPORTED,
        case.created_by,
    )
    attachment = CaseAttachment.objects.get(case=case)
    assert (attachment.event, attachment.content_type, attachment.kind) == (event, "image/png", "photo")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"description": ""}, "description"),
        ({"channel": "fax"}, "channel"),
        ({"urgency": "whenever"}, "urgency"),
        ({"reporter_phone": "call me"}, "reporter_phone"),
        ({"longitude": 121.4}, "longitude"),
        ({"longitude": 200.0, "latitude": 31.2}, "longitude"),
        ({"external_ref": "12345-1"}, "external_system"),
    ],
)
def test_a_bad_report_is_refused_field_by_field(city, changes, field):
    values = {
        "actor": city.users["gridworker"],
        "channel": Channel.GRID_WORKER,
        "category": city.categories[1],
        "area": city.buildings[0],
        "title": "楼道堆物",
        "description": "楼道里堆满杂物",
        **changes,
    }
    error = refused(ValidationError, lambda: case_report(**values))
    assert field in error.message_dict


@pytest.mark.parametrize(
    ("user", "building"),
    [("gridworker", 2), ("dept", 0), ("auditor", 0)],
    ids=["out of the grid worker's grid", "department handler", "auditor"],
)
def test_reporting_needs_the_right_role_in_the_area(city, user, building):
    error = refused(
        ValidationError, lambda: report(city, actor=city.users[user], area=city.buildings[building])
    )
    assert "area" in error.message_dict


def test_a_text_file_named_like_a_photo_is_refused(city):
    fake = SimpleUploadedFile("现场.jpg", b"not a picture at all", content_type="image/jpeg")
    error = refused(ValidationError, lambda: report(city, photos=[fake]))
    assert "not a photo" in error.message_dict["attachments"][0]


@override_settings(GRIDGOV_MAX_PHOTO_BYTES=100)
def test_a_photo_over_the_size_limit_is_refused(city):
    error = refused(ValidationError, lambda: report(city, photos=[photo(size=(64, 64))]))
    assert "the limit is 100" in error.message_dict["attachments"][0]


def test_repeating_an_idempotency_key_returns_the_same_case(city):
    first = report(city, idempotency_key="form-7f3a")
    again, created = case_report(
        actor=city.users["gridworker"],
        channel=Channel.GRID_WORKER,
        category=city.categories[1],
        area=city.buildings[0],
        title="楼道堆物（重复提交）",
        description="双击了提交",
        idempotency_key="form-7f3a",
    )
    assert (again.pk, created) == (first.pk, False)
    assert CaseEvent.objects.filter(case=first).count() == 1
    # The key is the reporter's own: someone else's same key is another case.
    other = report(city, actor=city.users["community"], idempotency_key="form-7f3a")
    assert other.pk != first.pk


def test_repeating_an_external_reference_returns_the_same_case(city):
    first = report(city, actor=city.users["street"], external_system="12345", external_ref="GD-2026-1")
    again = report(city, actor=city.users["district"], external_system="12345", external_ref="GD-2026-1")
    assert again.pk == first.pk
    third = report(city, actor=city.users["street"], external_system="city", external_ref="GD-2026-1")
    assert third.pk != first.pk


# Triage.


def test_accept_and_its_refusals(city):
    case = report(city)
    refused(ValidationError, lambda: case_accept(case=case, actor=city.users["gridworker"]), case=case)
    elsewhere = report(city, actor=city.users["district"], area=city.buildings[8])
    refused(ValidationError, lambda: case_accept(case=elsewhere, actor=city.users["street"]), case=elsewhere)
    case = case_accept(case=case, actor=city.users["street"])
    assert case.status == CaseStatus.ACCEPTED
    assert case.accepted_at
    error = refused(ConflictError, lambda: case_accept(case=case, actor=city.users["community"]), case=case)
    assert error.code == "conflict"
    assert actions(case) == [CaseAction.REPORT, CaseAction.ACCEPT]


def test_reject_needs_a_reason_and_ends_the_case(city):
    case = report(city)
    error = refused(ValidationError, lambda: case_reject(case=case, actor=city.users["street"], reason=" "))
    assert "reason" in error.message_dict
    case = case_reject(case=case, actor=city.users["community"], reason="不属于受理范围")
    assert case.status == CaseStatus.REJECTED
    refused(ConflictError, lambda: case_accept(case=case, actor=city.users["street"]), case=case)


def test_the_grid_handles_a_case_resolves_it_and_it_is_verified_and_closed(city):
    case = accepted(city)
    refused(
        ValidationError, lambda: case_handle_in_grid(case=case, actor=city.users["gridworker"]), case=case
    )
    case = case_handle_in_grid(case=case, actor=city.users["community"], note="网格员处理")
    assert case.status == CaseStatus.HANDLING
    assert case.handled_in_grid
    refused(
        ValidationError,
        lambda: case_resolve_in_grid(case=case, actor=city.users["gridworker"], account=""),
        case=case,
    )
    case = case_resolve_in_grid(
        case=case, actor=city.users["gridworker"], account="已清理楼道", photos=[photo()]
    )
    assert case.status == CaseStatus.RESOLVED
    assert case.resolved_at
    refused(ConflictError, lambda: case_close(case=case, actor=city.users["street"]), case=case)
    case = case_verify(case=case, actor=city.users["gridworker"], passed=True)
    assert case.status == CaseStatus.VERIFIED
    assert case.verified_at
    case = case_close(case=case, actor=city.users["street"])
    assert case.status == CaseStatus.CLOSED
    assert case.closed_at
    assert actions(case)[1:] == [
        CaseAction.ACCEPT,
        CaseAction.HANDLE_IN_GRID,
        CaseAction.RESOLVE,
        CaseAction.VERIFY,
        CaseAction.CLOSE,
    ]


def test_a_case_without_a_grid_cannot_be_kept_in_the_grid(city):
    case = accepted(city, actor=city.users["community"], area=city.communities[0])
    error = refused(
        ValidationError, lambda: case_handle_in_grid(case=case, actor=city.users["street"]), case=case
    )
    assert "not placed in a grid" in error.messages[0]


def test_the_grid_cannot_resolve_a_case_that_departments_hold(city):
    case = accepted(city)
    case_dispatch(case=case, department=city.departments[1], actor=city.users["street"])
    error = refused(
        ConflictError,
        lambda: case_resolve_in_grid(case=case, actor=city.users["gridworker"], account="已处理"),
        case=case,
    )
    assert "Departments are handling" in error.messages[0]


def test_a_failed_verification_needs_a_note_and_sends_the_work_back(city):
    case = resolved_by_department(city)
    refused(
        ValidationError,
        lambda: case_verify(case=case, actor=city.users["gridworker"], passed=False),
        case=case,
    )
    case = case_verify(case=case, actor=city.users["gridworker"], passed=False, note="杂物仍在")
    # The department that resolved it works on: its order and its resolve clock run again.
    assert case.status == CaseStatus.DISPATCHED
    assert case.resolved_at is None
    order = case.orders.get()
    assert order.status == OrderStatus.ACCEPTED
    assert order.deadlines.get(kind="resolve").state == DeadlineState.ACTIVE
    event = CaseEvent.objects.filter(case=case).last()
    assert (event.action, event.data["orders"]) == (CaseAction.SEND_BACK, [order.pk])


def test_a_failed_verification_of_the_grids_work_goes_back_to_the_grid(city):
    case = accepted(city)
    case_handle_in_grid(case=case, actor=city.users["street"])
    case_resolve_in_grid(case=case, actor=city.users["gridworker"], account="已清理")
    case = case_verify(case=case, actor=city.users["community"], passed=False, note="没有清理干净")
    assert case.status == CaseStatus.HANDLING


# The resident's rating.


@pytest.mark.parametrize("rating", [Rating.SATISFIED, Rating.BASICALLY_SATISFIED])
def test_a_rating_is_kept_once(city, rating):
    case = closed(city)
    refused(ValidationError, lambda: case_rate(case=case, rating="great"), case=case)
    case = case_rate(case=case, rating=rating, comment="很及时")
    assert (case.status, case.rating, case.rating_comment) == (CaseStatus.CLOSED, rating, "很及时")
    error = refused(ConflictError, lambda: case_rate(case=case, rating=Rating.DISSATISFIED), case=case)
    assert "already been rated" in error.messages[0]


def test_a_dissatisfied_rating_reopens_the_case_against_its_handlers(city):
    case = closed(city)
    case = case_rate(case=case, rating=Rating.DISSATISFIED, comment="又堆满了")
    assert case.status == CaseStatus.ACCEPTED
    assert case.reopen_count == 1
    assert (case.rating, case.rated_at, case.closed_at, case.resolved_at) == ("", None, None, None)
    rate, reopen = CaseEvent.objects.filter(case=case).order_by("-id")[:2][::-1]
    handlers = {"departments": [city.departments[1].pk], "grid": None}
    assert rate.action == CaseAction.RATE
    assert rate.data == {"rating": Rating.DISSATISFIED, "handlers": handlers}
    assert reopen.action == CaseAction.REOPEN
    assert reopen.to_status == CaseStatus.ACCEPTED
    assert reopen.data["against"] == handlers


def test_a_dissatisfied_rating_of_the_grids_work_counts_against_the_grid(city):
    case = accepted(city)
    case_handle_in_grid(case=case, actor=city.users["street"])
    case_resolve_in_grid(case=case, actor=city.users["gridworker"], account="已清理")
    case_verify(case=case, actor=city.users["gridworker"], passed=True)
    case_close(case=case, actor=city.users["street"])
    case = case_rate(case=case, rating=Rating.DISSATISFIED, actor=city.users["street"])
    reopen = CaseEvent.objects.filter(case=case).last()
    assert reopen.data["against"] == {"departments": [], "grid": city.grids[0].pk}
    assert not case.handled_in_grid


def test_only_triage_staff_take_down_a_rating_on_a_call_back(city):
    case = closed(city)
    refused(
        ValidationError,
        lambda: case_rate(case=case, rating=Rating.SATISFIED, actor=city.users["gridworker"]),
        case=case,
    )


# Suspend, resume, merge, leader claim.


def test_suspend_needs_a_reason_blocks_other_actions_and_resume_lifts_it(city):
    case = accepted(city)
    refused(
        ValidationError, lambda: case_suspend(case=case, actor=city.users["street"], reason=""), case=case
    )
    refused(ConflictError, lambda: case_resume(case=case, actor=city.users["street"]), case=case)
    case = case_suspend(case=case, actor=city.users["street"], reason="等待业主回国")
    assert case.suspended_at
    assert case.status == CaseStatus.ACCEPTED
    error = refused(
        ConflictError,
        lambda: case_dispatch(case=case, department=city.departments[1], actor=city.users["street"]),
        case=case,
    )
    assert "suspended" in error.messages[0]
    refused(
        ConflictError, lambda: case_suspend(case=case, actor=city.users["street"], reason="再次"), case=case
    )
    refused(ValidationError, lambda: case_resume(case=case, actor=city.users["gridworker"]), case=case)
    case = case_resume(case=case, actor=city.users["street"])
    assert case.suspended_at is None
    assert actions(case)[-2:] == [CaseAction.SUSPEND, CaseAction.RESUME]


def test_merging_a_duplicate_cancels_its_orders_and_notes_both_cases(city):
    duplicate, keeper = accepted(city), report(city)
    order = case_dispatch(case=duplicate, department=city.departments[1], actor=city.users["street"])
    refused(ValidationError, lambda: case_merge(case=duplicate, into=duplicate, actor=city.users["street"]))
    refused(
        ValidationError,
        lambda: case_merge(case=duplicate, into=keeper, actor=city.users["gridworker"]),
        case=duplicate,
    )
    merged = case_merge(case=duplicate, into=keeper, actor=city.users["street"], note="同一堆杂物")
    assert merged.status == CaseStatus.MERGED
    assert merged.merged_into == keeper
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert set(order.deadlines.values_list("state", flat=True)) == {DeadlineState.CANCELLED}
    assert CaseEvent.objects.filter(case=keeper).last().data == {
        "merged": duplicate.pk,
        "serial": duplicate.serial,
    }
    refused(ConflictError, lambda: case_merge(case=duplicate, into=keeper, actor=city.users["street"]))


def test_a_case_is_merged_only_into_an_open_case(city):
    case, finished = report(city), closed(city)
    error = refused(ValidationError, lambda: case_merge(case=case, into=finished, actor=city.users["street"]))
    assert "into" in error.message_dict


def test_a_leader_claims_a_case_once(city):
    case = report(city)
    refused(ValidationError, lambda: case_leader_claim(case=case, actor=city.users["community"]), case=case)
    case = case_leader_claim(case=case, actor=city.users["street"], note="我来督办")
    assert case.leader_claimed_by == city.users["street"]
    assert case.leader_claimed_at
    error = refused(
        ConflictError, lambda: case_leader_claim(case=case, actor=city.users["district"]), case=case
    )
    assert "already claimed" in error.messages[0]
    finished = closed(city)
    refused(
        ConflictError, lambda: case_leader_claim(case=finished, actor=city.users["district"]), case=finished
    )
