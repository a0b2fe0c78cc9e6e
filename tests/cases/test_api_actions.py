"""One endpoint per lifecycle action: the happy path, bad input (400, nothing changes), a refused user
(403), a case out of scope (404), and an action that no longer fits the case (409)."""

import pytest

from apps.cases.choices import CaseStatus, Rating
from apps.cases.models import Case, CaseEvent
from apps.cases.services import case_close, case_handle_in_grid, case_resolve_in_grid, case_verify
from apps.dispatch.choices import OrderKind, SupervisionLevel
from apps.dispatch.models import DispatchOrder, Supervision, Whistle
from tests.api_helpers import api_as, fields_of
from tests.cases.api_support import accepted, case_url, dispatched, photo, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def post(user, case, action, data=None, **kwargs):
    return api_as(user).post(
        case_url(case, action), data or {}, format=kwargs.pop("format", "json"), **kwargs
    )


def status_of(case) -> str:
    return Case.objects.get(pk=case.pk).status


def assert_conflict(response):
    assert response.status_code == 409, response.json()
    assert response.json()["error"]["code"] == "conflict"


def assert_refused(response):
    assert response.status_code == 403, response.json()
    assert response.json()["error"]["code"] == "permission_denied"


def test_a_case_goes_round_the_grid_through_the_api(city, media):
    street, gridworker = city.users["street"], city.users["gridworker"]
    case = report(city)
    assert post(street, case, "accept").json()["status"] == CaseStatus.ACCEPTED
    body = post(street, case, "handle-in-grid", {"note": "网格内处置"}).json()
    assert (body["status"], body["handled_in_grid"]) == (CaseStatus.HANDLING, True)
    resolved = post(
        gridworker, case, "resolve", {"account": "已清运", "photos": [photo()]}, format="multipart"
    )
    assert resolved.status_code == 200, resolved.json()
    assert resolved.json()["status"] == CaseStatus.RESOLVED
    assert [a["kind"] for a in resolved.json()["attachments"]] == ["photo"]
    assert post(gridworker, case, "verify", {"passed": True}).json()["status"] == CaseStatus.VERIFIED
    assert post(street, case, "close", {"note": "办结"}).json()["status"] == CaseStatus.CLOSED
    rated = post(street, case, "rate", {"rating": Rating.SATISFIED, "comment": "满意"}).json()
    assert (rated["status"], rated["rating"]) == (CaseStatus.CLOSED, Rating.SATISFIED)
    assert [event["action"] for event in rated["events"]] == [
        "report",
        "accept",
        "handle_in_grid",
        "resolve",
        "verify",
        "close",
        "rate",
    ]


def test_accept_twice_is_a_conflict(city):
    case = report(city)
    assert post(city.users["street"], case, "accept").status_code == 200
    again = post(city.users["community"], case, "accept")
    assert_conflict(again)
    assert "accepted, to be assigned" in again.json()["error"]["message"]
    assert CaseEvent.objects.filter(case=case, action="accept").count() == 1


def test_accept_refused_and_out_of_scope(city):
    case = report(city)
    assert_refused(post(city.users["auditor"], case, "accept"))
    assert_refused(post(city.users["dept"], case, "accept"))
    elsewhere = report(city, actor=None, area=city.buildings[8])
    response = post(city.users["street"], elsewhere, "accept")
    assert response.status_code == 404
    assert status_of(case) == status_of(elsewhere) == CaseStatus.REPORTED


def test_scope_follows_the_area_of_the_case(city):
    # In the second grid of the first community: the grid worker of the first grid does not see it, the
    # community worker accepts it, the worker of the other community does not see it either.
    case = report(city, actor="street", area=city.buildings[2])
    assert post(city.users["gridworker"], case, "accept").status_code == 403  # no triage anywhere
    assert post(city.users["gridworker"], case, "leader-claim").status_code == 403
    assert api_as(city.users["gridworker"]).get(case_url(case)).status_code == 404
    assert post(city.users["community"], case, "accept").status_code == 200
    elsewhere = report(city, actor="street", area=city.buildings[4])
    assert post(city.users["community"], elsewhere, "accept").status_code == 404


def test_reject_needs_a_reason(city):
    case = report(city)
    assert "reason" in fields_of(post(city.users["street"], case, "reject", {}))
    assert "reason" in fields_of(post(city.users["street"], case, "reject", {"reason": "  "}))
    assert status_of(case) == CaseStatus.REPORTED
    body = post(city.users["street"], case, "reject", {"reason": "不属于受理范围"}).json()
    assert body["status"] == CaseStatus.REJECTED
    assert body["events"][-1]["reason"] == "不属于受理范围"
    assert_conflict(post(city.users["street"], case, "reject", {"reason": "再次"}))


def test_handle_in_grid_needs_an_accepted_case(city):
    assert_conflict(post(city.users["street"], report(city), "handle-in-grid"))
    assert_refused(post(city.users["gridworker"], accepted(city), "handle-in-grid"))


def test_dispatch_to_a_department(city):
    case = accepted(city)
    response = post(
        city.users["street"],
        case,
        "dispatch",
        {"department": city.departments[1].pk, "instructions": "请尽快处理"},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    order = DispatchOrder.objects.get(pk=body["id"])
    assert (order.case_id, order.department_id, order.kind) == (
        case.pk,
        city.departments[1].pk,
        OrderKind.DISPATCH,
    )
    assert {d["kind"] for d in body["deadlines"]} == {"accept", "resolve"}
    assert body["case"]["status"] == CaseStatus.DISPATCHED


def test_dispatch_bad_input_changes_nothing(city):
    case = accepted(city)
    street = city.users["street"]
    assert "department" in fields_of(post(street, case, "dispatch", {}))
    # The other street's department is not in this user's scope: exactly like a missing one.
    outside = post(street, case, "dispatch", {"department": city.departments[2].pk})
    assert fields_of(outside)["department"] == [
        f'Invalid pk "{city.departments[2].pk}" - object does not exist.'
    ]
    assert status_of(case) == CaseStatus.ACCEPTED
    assert not DispatchOrder.objects.exists()
    assert_conflict(post(street, report(city), "dispatch", {"department": city.departments[1].pk}))


def test_whistle(city):
    case = accepted(city)
    community = city.users["community"]
    joint_of_one = post(
        community,
        case,
        "whistle",
        {"kind": OrderKind.JOINT, "departments": [city.departments[1].pk], "reason": "x"},
    )
    assert "departments" in fields_of(joint_of_one)
    not_a_whistle = post(
        community,
        case,
        "whistle",
        {"kind": OrderKind.DISPATCH, "departments": [city.departments[1].pk], "reason": "x"},
    )
    assert "kind" in fields_of(not_a_whistle)
    assert not Whistle.objects.exists()

    response = post(
        community,
        case,
        "whistle",
        {
            "kind": OrderKind.JOINT,
            "departments": [city.departments[0].pk, city.departments[1].pk],
            "lead": city.departments[1].pk,
            "reason": "多部门联合处置",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["level"], body["area"]["id"]) == (OrderKind.JOINT, 3, city.communities[0].pk)
    assert {(o["department"]["id"], o["is_lead"]) for o in body["orders"]} == {
        (city.departments[0].pk, False),
        (city.departments[1].pk, True),
    }
    assert status_of(case) == CaseStatus.DISPATCHED
    assert_refused(
        post(city.users["gridworker"], case, "whistle", {"kind": "quick", "departments": [], "reason": "x"})
    )


def test_resolve_in_grid(city, media):
    case = case_handle_in_grid(case=accepted(city), actor=city.users["street"])
    gridworker = city.users["gridworker"]
    assert "account" in fields_of(post(gridworker, case, "resolve", {}))
    assert status_of(case) == CaseStatus.HANDLING
    # Departments resolve dispatched cases through their orders.
    sent, _order = dispatched(city)
    assert_conflict(post(gridworker, sent, "resolve", {"account": "已处理"}))
    assert_refused(post(city.users["auditor"], case, "resolve", {"account": "已处理"}))


def _resolved(city):
    case = case_handle_in_grid(case=accepted(city), actor=city.users["street"])
    return case_resolve_in_grid(case=case, actor=city.users["gridworker"], account="已处理")


def test_verify_sent_back_needs_a_note(city):
    case = _resolved(city)
    gridworker = city.users["gridworker"]
    assert "note" in fields_of(post(gridworker, case, "verify", {"passed": False}))
    assert "passed" in fields_of(post(gridworker, case, "verify", {}))
    assert status_of(case) == CaseStatus.RESOLVED
    body = post(gridworker, case, "verify", {"passed": False, "note": "仍有垃圾"}).json()
    assert body["status"] == CaseStatus.HANDLING
    assert body["events"][-1]["action"] == "send_back"


def test_close_and_rate(city):
    case = case_verify(case=_resolved(city), actor=city.users["gridworker"], passed=True)
    street = city.users["street"]
    assert_conflict(post(street, case, "rate", {"rating": Rating.SATISFIED}))
    assert post(street, case, "close").json()["status"] == CaseStatus.CLOSED
    assert "rating" in fields_of(post(street, case, "rate", {"rating": "great"}))
    dissatisfied = post(street, case, "rate", {"rating": Rating.DISSATISFIED, "comment": "没解决"}).json()
    assert (dissatisfied["status"], dissatisfied["reopen_count"]) == (CaseStatus.ACCEPTED, 1)
    assert_refused(post(city.users["gridworker"], case, "close"))


def test_rate_twice_is_a_conflict(city):
    case = case_close(
        case=case_verify(case=_resolved(city), actor=city.users["gridworker"], passed=True),
        actor=city.users["street"],
    )
    assert post(city.users["street"], case, "rate", {"rating": Rating.SATISFIED}).status_code == 200
    assert_conflict(post(city.users["street"], case, "rate", {"rating": Rating.SATISFIED}))


def test_suspend_and_resume(city):
    case, _order = dispatched(city)
    street = city.users["street"]
    assert "reason" in fields_of(post(street, case, "suspend", {}))
    assert_conflict(post(street, case, "resume"))
    body = post(street, case, "suspend", {"reason": "等待业主回复"}).json()
    assert body["suspended_at"] is not None
    assert {d["state"] for d in body["orders"][0]["deadlines"]} == {"paused"}
    assert_conflict(post(street, case, "suspend", {"reason": "again"}))
    resumed = post(street, case, "resume", {"note": "业主已回复"}).json()
    assert resumed["suspended_at"] is None
    assert {d["state"] for d in resumed["orders"][0]["deadlines"]} == {"active"}


def test_merge_a_duplicate(city):
    street = city.users["street"]
    original, duplicate = report(city), report(city, title="同一处垃圾")
    assert "into" in fields_of(post(street, duplicate, "merge", {"into": duplicate.pk}))
    elsewhere = report(city, actor=None, area=city.buildings[8])
    assert "does not exist" in fields_of(post(street, duplicate, "merge", {"into": elsewhere.pk}))["into"][0]
    body = post(street, duplicate, "merge", {"into": original.pk, "note": "重复"}).json()
    assert (body["status"], body["merged_into"]) == (CaseStatus.MERGED, original.pk)
    assert_conflict(post(street, duplicate, "merge", {"into": original.pk}))


def test_leader_claim(city):
    case = accepted(city)
    assert_refused(post(city.users["community"], case, "leader-claim"))
    body = post(city.users["street"], case, "leader-claim", {"note": "我来督办"}).json()
    assert body["leader_claimed_by"]["id"] == city.users["street"].pk
    assert_conflict(post(city.users["district"], case, "leader-claim"))


def test_supervise(city):
    case, order = dispatched(city)
    street = city.users["street"]
    assert "level" in fields_of(post(street, case, "supervise", {"level": "purple", "note": "x"}))
    assert "note" in fields_of(post(street, case, "supervise", {"level": SupervisionLevel.YELLOW}))
    other, other_order = dispatched(city)
    wrong_order = post(street, case, "supervise", {"level": "yellow", "note": "x", "order": other_order.pk})
    assert "order" in fields_of(wrong_order)
    assert not Supervision.objects.exists()
    response = post(
        street, case, "supervise", {"level": SupervisionLevel.YELLOW, "note": "三日内办结", "order": order.pk}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["level"], body["order"], body["case"]["id"]) == (SupervisionLevel.YELLOW, order.pk, case.pk)
    assert body["issuing_area"]["id"] == city.streets[0].pk
    assert_refused(post(city.users["community"], other, "supervise", {"level": "normal", "note": "x"}))
