"""Dispatch, whistles and the departments' and superiors' actions: each happy path and each refusal.

Time is placed with the test clock: Tuesday 24 November 2026, 09:00 in Shanghai, a working day.
"""

import pytest
from django.core.exceptions import ValidationError

from apps.areas.choices import AreaLevel
from apps.cases.choices import CaseAction, CaseStatus
from apps.cases.models import Case, CaseEvent
from apps.cases.services import case_suspend
from apps.cases.states import ConflictError
from apps.departments.models import Department
from apps.dispatch.choices import (
    DeadlineKind,
    DeadlineState,
    ExtensionStatus,
    OrderKind,
    OrderStatus,
    ResponseRating,
    SupervisionLevel,
)
from apps.dispatch.models import Deadline, DispatchOrder, ExtensionRequest, SlaPolicy, Supervision, Whistle
from apps.dispatch.services import (
    case_dispatch,
    extension_decide,
    extension_request,
    order_accept,
    order_rate_response,
    order_resolve,
    order_return,
    sla_policy_revise,
    supervise,
    whistle_blow,
)
from apps.notifications.models import Notification
from apps.workcalendar.choices import Clock
from apps.workcalendar.clock import minutes_between
from tests.dispatch.support import accepted, at, city_per_module, district_handler, install_clock, report

pytestmark = pytest.mark.django_db
city = city_per_module()


@pytest.fixture
def clock(monkeypatch):
    return install_clock(monkeypatch, at(2026, 11, 24, 9, 0))


def refused(error_class, action, *, case: Case | None = None):
    """Run an action expected to be refused, and check that it wrote nothing."""

    def written():
        return (
            CaseEvent.objects.count(),
            DispatchOrder.objects.count(),
            Deadline.objects.count(),
            Whistle.objects.count(),
            ExtensionRequest.objects.count(),
            Supervision.objects.count(),
        )

    before = written()
    status = Case.objects.get(pk=case.pk).status if case else None
    with pytest.raises(error_class) as caught:
        action()
    assert written() == before
    if case:
        assert Case.objects.get(pk=case.pk).status == status
    return caught.value


def dispatched(city) -> tuple[Case, DispatchOrder]:
    case = accepted(city)
    order = case_dispatch(case=case, department=city.departments[1], actor=city.users["street"])
    return case, order


# Ordinary dispatch.


def test_dispatch_opens_an_order_with_the_policy_in_force_and_tells_the_department(city, clock):
    case = accepted(city)
    order = case_dispatch(
        case=case, department=city.departments[1], actor=city.users["street"], instructions="今天清运"
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED
    assert case.lead_department == city.departments[1]
    assert (order.kind, order.status, order.dispatching_area) == (
        OrderKind.DISPATCH,
        OrderStatus.PENDING,
        city.streets[0],
    )
    assert order.policy == SlaPolicy.objects.get(kind=OrderKind.DISPATCH, is_active=True)
    sign, resolve = (
        order.deadlines.get(kind=DeadlineKind.ACCEPT),
        order.deadlines.get(kind=DeadlineKind.RESOLVE),
    )
    # Two working hours to sign (09:00 to 11:00) and five working days to resolve.
    assert sign.due_at == at(2026, 11, 24, 11, 0)
    assert minutes_between(start=resolve.started_at, end=resolve.due_at, clock=Clock.WORKING) == 5 * 450
    notice = Notification.objects.get(recipient=city.users["dept"], key=f"order:{order.pk}:new")
    assert case.serial in notice.title


def test_dispatch_refusals(city):
    case = report(city)
    street = city.users["street"]
    refused(
        ConflictError,
        lambda: case_dispatch(case=case, department=city.departments[1], actor=street),
        case=case,
    )
    case = accepted(city)
    refused(
        ValidationError,
        lambda: case_dispatch(case=case, department=city.departments[1], actor=city.users["gridworker"]),
        case=case,
    )
    elsewhere = accepted(city, by="district", actor=city.users["district"], area=city.buildings[8])
    refused(
        ValidationError,
        lambda: case_dispatch(case=elsewhere, department=city.departments[2], actor=street),
        case=elsewhere,
    )
    error = refused(
        ValidationError,
        lambda: case_dispatch(case=case, department=city.departments[2], actor=street),
        case=case,
    )
    assert "does not serve" in error.message_dict["department"][0]
    case_dispatch(case=case, department=city.departments[1], actor=street)
    error = refused(
        ValidationError,
        lambda: case_dispatch(case=case, department=city.departments[1], actor=street),
        case=case,
    )
    assert "already has an open order" in error.message_dict["department"][0]


def test_dispatch_refuses_an_inactive_department_and_a_missing_policy(city):
    case = accepted(city)
    Department.objects.filter(pk=city.departments[0].pk).update(is_active=False)
    department = Department.objects.get(pk=city.departments[0].pk)
    refused(
        ValidationError,
        lambda: case_dispatch(case=case, department=department, actor=city.users["street"]),
        case=case,
    )
    SlaPolicy.objects.filter(kind=OrderKind.DISPATCH).update(is_active=False)
    error = refused(
        ValidationError,
        lambda: case_dispatch(case=case, department=city.departments[1], actor=city.users["street"]),
        case=case,
    )
    assert "No time limits" in error.messages[0]


def test_a_revised_policy_applies_to_new_orders_only(city, superuser):
    _case, before = dispatched(city)
    refused(
        ValidationError,
        lambda: sla_policy_revise(
            kind=OrderKind.DISPATCH,
            category=None,
            level=None,
            accept_minutes=60,
            accept_clock=Clock.WORKING,
            resolve_minutes=900,
            resolve_clock=Clock.WORKING,
            warn_percents=[50],
            actor=city.users["street"],
        ),
    )
    with pytest.raises(ValidationError) as caught:
        sla_policy_revise(
            kind=OrderKind.DISPATCH,
            category=None,
            level=AreaLevel.STREET,
            accept_minutes=60,
            accept_clock=Clock.WORKING,
            resolve_minutes=900,
            resolve_clock=Clock.WORKING,
            warn_percents=[100],
            actor=superuser,
        )
    assert {"level", "warn_percents"} <= set(caught.value.message_dict)
    revised = sla_policy_revise(
        kind=OrderKind.DISPATCH,
        category=None,
        level=None,
        accept_minutes=60,
        accept_clock=Clock.WORKING,
        resolve_minutes=900,
        resolve_clock=Clock.WORKING,
        warn_percents=[80, 50, 80],
        actor=superuser,
    )
    assert (revised.version, revised.warn_percents) == (before.policy.version + 1, [50, 80])
    before.policy.refresh_from_db()
    assert not before.policy.is_active
    _case, after = dispatched(city)
    assert after.policy == revised
    assert after.deadlines.get(kind=DeadlineKind.ACCEPT).minutes == 60
    before.refresh_from_db()
    assert before.deadlines.get(kind=DeadlineKind.ACCEPT).minutes == 120


# Whistles.


@pytest.mark.parametrize(
    ("user", "level"),
    [("community", AreaLevel.COMMUNITY), ("street", AreaLevel.STREET), ("district", AreaLevel.DISTRICT)],
)
def test_a_whistle_is_blown_at_the_level_of_whoever_blows_it(city, user, level):
    case = accepted(city)
    whistle = whistle_blow(
        case=case,
        kind=OrderKind.QUICK,
        departments=[city.departments[1]],
        actor=city.users[user],
        reason="速来",
    )
    assert (whistle.level, whistle.area.level) == (level, level)
    order = whistle.orders.get()
    assert (order.kind, order.dispatching_area_id, order.is_lead) == (OrderKind.QUICK, whistle.area_id, True)
    assert CaseEvent.objects.filter(case=case).last().action == CaseAction.WHISTLE


def test_a_joint_whistle_calls_at_least_two_departments_and_leads_with_one_of_them(city):
    case = accepted(city)
    district = district_handler(city)
    street = city.users["street"]

    def blow(departments, lead=None, kind=OrderKind.JOINT, reason="联合整治"):
        return whistle_blow(
            case=case, kind=kind, departments=departments, actor=street, reason=reason, lead=lead
        )

    error = refused(ValidationError, lambda: blow([city.departments[1]]), case=case)
    assert "at least two" in error.message_dict["departments"][0]
    error = refused(
        ValidationError,
        lambda: blow([city.departments[1], city.departments[0]], lead=city.departments[2]),
        case=case,
    )
    assert "lead" in error.message_dict
    error = refused(ValidationError, lambda: blow([], kind="loud", reason=""), case=case)
    assert {"kind", "departments", "reason"} <= set(error.message_dict)
    whistle = blow([city.departments[1], city.departments[0]], lead=city.departments[0])
    leads = dict(whistle.orders.values_list("department_id", "is_lead"))
    assert leads == {city.departments[0].pk: True, city.departments[1].pk: False}
    case.refresh_from_db()
    assert case.lead_department == city.departments[0]
    assert Notification.objects.filter(recipient=district, key__startswith="order:").count() == 1


def test_whistle_refusals_by_role_and_state(city):
    case = report(city)
    community = city.users["community"]
    refused(
        ConflictError,
        lambda: whistle_blow(
            case=case,
            kind=OrderKind.EMERGENCY,
            departments=[city.departments[1]],
            actor=community,
            reason="紧急",
        ),
        case=case,
    )
    case = accepted(city)
    refused(
        ValidationError,
        lambda: whistle_blow(
            case=case,
            kind=OrderKind.EMERGENCY,
            departments=[city.departments[1]],
            actor=city.users["gridworker"],
            reason="紧急",
        ),
        case=case,
    )


# The department's side.


def test_signing_for_an_order_and_checking_in_to_a_whistle(city, clock):
    case, order = dispatched(city)
    dept = city.users["dept"]
    refused(ValidationError, lambda: order_accept(order=order, actor=city.users["street"]), case=case)
    clock.advance(minutes=30)
    order = order_accept(order=order, actor=dept, note="收到")
    assert (order.status, order.accepted_at, order.accepted_by, order.minutes_over) == (
        OrderStatus.ACCEPTED,
        clock.now,
        dept,
        0,
    )
    assert order.deadlines.get(kind=DeadlineKind.ACCEPT).state == DeadlineState.MET
    refused(ConflictError, lambda: order_accept(order=order, actor=dept), case=case)
    whistle = whistle_blow(
        case=accepted(city),
        kind=OrderKind.QUICK,
        departments=[city.departments[1]],
        actor=city.users["community"],
        reason="速来",
    )
    # An hour to check in; the department comes 90 working minutes later: 30 over.
    clock.advance(minutes=90)
    checked_in = order_accept(order=whistle.orders.get(), actor=dept)
    assert checked_in.minutes_over == 30
    assert CaseEvent.objects.filter(case=whistle.case).last().action == CaseAction.CHECK_IN


def test_a_suspended_case_cannot_be_signed_for(city):
    case, order = dispatched(city)
    case_suspend(case=case, actor=city.users["street"], reason="等待鉴定")
    error = refused(ConflictError, lambda: order_accept(order=order, actor=city.users["dept"]), case=case)
    assert "suspended" in error.messages[0]


def test_resolving_an_order_and_the_case_with_it(city):
    case = accepted(city)
    dept, other = city.users["dept"], district_handler(city)
    whistle = whistle_blow(
        case=case,
        kind=OrderKind.JOINT,
        departments=[city.departments[1], city.departments[0]],
        actor=city.users["street"],
        reason="联合整治",
    )
    first, second = (
        whistle.orders.get(department=city.departments[1]),
        whistle.orders.get(department=city.departments[0]),
    )
    refused(ConflictError, lambda: order_resolve(order=first, actor=dept, account="已处理"), case=case)
    order_accept(order=first, actor=dept)
    order_accept(order=second, actor=other)
    refused(ValidationError, lambda: order_resolve(order=first, actor=dept, account=" "), case=case)
    refused(ValidationError, lambda: order_resolve(order=second, actor=dept, account="不是我的"), case=case)
    order_resolve(order=first, actor=dept, account="已拆除")
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED  # the other department is still at work
    order_resolve(order=second, actor=other, account="已清运")
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    assert case.resolved_at
    refused(ConflictError, lambda: order_resolve(order=first, actor=dept, account="再次"), case=case)


def test_returning_an_order_needs_grounds_and_another_owner(city):
    case, order = dispatched(city)
    dept = city.users["dept"]
    error = refused(ValidationError, lambda: order_return(order=order, actor=dept, grounds=""), case=case)
    assert {"grounds", "suggested_owner"} <= set(error.message_dict)
    refused(
        ValidationError,
        lambda: order_return(
            order=order, actor=dept, grounds="不归我们", suggested_department=city.departments[1]
        ),
        case=case,
    )
    order = order_return(order=order, actor=dept, grounds="属于物业", suggested_owner="物业公司")
    assert order.status == OrderStatus.RETURNED
    assert set(order.deadlines.values_list("state", flat=True)) == {DeadlineState.CANCELLED}
    case.refresh_from_db()
    # No department is left on the case: back to the street to dispatch again.
    assert case.status == CaseStatus.ACCEPTED
    assert case.lead_department is None
    assert Notification.objects.filter(
        recipient=city.users["street"], key=f"order:{order.pk}:returned"
    ).exists()
    refused(
        ConflictError,
        lambda: order_return(order=order, actor=dept, grounds="再退", suggested_owner="物业"),
        case=case,
    )


def test_a_return_leaves_the_case_with_the_departments_still_on_it(city):
    case = accepted(city)
    district_handler(city)
    whistle = whistle_blow(
        case=case,
        kind=OrderKind.JOINT,
        departments=[city.departments[1], city.departments[0]],
        actor=city.users["street"],
        reason="联合整治",
    )
    order_return(
        order=whistle.orders.get(department=city.departments[1]),
        actor=city.users["dept"],
        grounds="主责在区局",
        suggested_department=city.departments[0],
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED
    assert CaseEvent.objects.filter(case=case).last().action == CaseAction.RETURN


# Extensions.


def test_an_extension_is_asked_before_the_deadline_and_decided_by_the_level_that_dispatched(city, clock):
    _case, order = dispatched(city)
    dept = city.users["dept"]
    order_accept(order=order, actor=dept)
    error = refused(ValidationError, lambda: extension_request(order=order, actor=dept, minutes=0, reason=""))
    assert {"minutes", "reason"} <= set(error.message_dict)
    refused(
        ValidationError,
        lambda: extension_request(order=order, actor=city.users["street"], minutes=450, reason="要等材料"),
    )
    request = extension_request(order=order, actor=dept, minutes=450, reason="要等材料")
    refused(ConflictError, lambda: extension_request(order=order, actor=dept, minutes=60, reason="再要"))
    resolve = order.deadlines.get(kind=DeadlineKind.RESOLVE)
    refused(
        ValidationError,
        lambda: extension_decide(request=request, actor=city.users["community"], approve=True),
    )
    refused(
        ValidationError, lambda: extension_decide(request=request, actor=city.users["street"], approve=False)
    )
    extension_decide(request=request, actor=city.users["street"], approve=True, note="同意")
    request.refresh_from_db()
    assert request.status == ExtensionStatus.APPROVED
    extended = order.deadlines.get(kind=DeadlineKind.RESOLVE)
    assert minutes_between(start=resolve.due_at, end=extended.due_at, clock=Clock.WORKING) == 450
    assert extended.extended_minutes == 450
    refused(
        ConflictError, lambda: extension_decide(request=request, actor=city.users["street"], approve=True)
    )
    assert Notification.objects.filter(recipient=dept, key=f"extension:{request.pk}:decided").exists()
    # Past the deadline it is too late to ask.
    clock.set(extended.due_at)
    error = refused(
        ValidationError, lambda: extension_request(order=order, actor=dept, minutes=60, reason="还要")
    )
    assert "before the deadline" in error.messages[0]


def test_a_refused_extension_needs_a_note_and_moves_nothing(city):
    _case, order = dispatched(city)
    request = extension_request(order=order, actor=city.users["dept"], minutes=600, reason="人手不足")
    due = order.deadlines.get(kind=DeadlineKind.RESOLVE).due_at
    extension_decide(request=request, actor=city.users["street"], approve=False, note="请按时办结")
    request.refresh_from_db()
    assert request.status == ExtensionStatus.REFUSED
    assert order.deadlines.get(kind=DeadlineKind.RESOLVE).due_at == due


# The superiors' side.


def test_supervision_by_a_superior_notifies_the_departments_and_the_levels_below(city):
    case, _order = dispatched(city)
    refused(
        ValidationError,
        lambda: supervise(case=case, actor=city.users["community"], level=SupervisionLevel.RED, note="快办"),
        case=case,
    )
    error = refused(
        ValidationError, lambda: supervise(case=case, actor=city.users["district"], level="purple", note="")
    )
    assert {"level"} <= set(error.message_dict)
    refused(
        ValidationError, lambda: supervise(case=case, actor=city.users["district"], level="red", note=" ")
    )
    supervision = supervise(
        case=case, actor=city.users["district"], level=SupervisionLevel.YELLOW, note="三日内办结"
    )
    assert (supervision.issuing_area, supervision.level) == (city.district, SupervisionLevel.YELLOW)
    told = set(
        Notification.objects.filter(key=f"supervision:{supervision.pk}").values_list("recipient", flat=True)
    )
    assert told == {city.users["dept"].pk, city.users["street"].pk, city.users["community"].pk}
    _other_case, other_order = dispatched(city)
    refused(
        ValidationError,
        lambda: supervise(case=case, actor=city.users["district"], level="red", note="快", order=other_order),
        case=case,
    )


def test_the_calling_level_rates_a_response_once_the_department_has_finished(city):
    case = accepted(city)
    whistle = whistle_blow(
        case=case,
        kind=OrderKind.QUICK,
        departments=[city.departments[1]],
        actor=city.users["community"],
        reason="速来",
    )
    order = whistle.orders.get()
    community = city.users["community"]
    refused(
        ConflictError, lambda: order_rate_response(order=order, actor=community, rating=ResponseRating.GOOD)
    )
    order_accept(order=order, actor=city.users["dept"])
    order_resolve(order=order, actor=city.users["dept"], account="已处理")
    refused(ValidationError, lambda: order_rate_response(order=order, actor=community, rating=7))
    refused(
        ValidationError,
        lambda: order_rate_response(order=order, actor=city.users["gridworker"], rating=ResponseRating.GOOD),
    )
    order = order_rate_response(order=order, actor=community, rating=ResponseRating.EXCELLENT, comment="很快")
    assert (order.response_rating, order.rated_by) == (ResponseRating.EXCELLENT, community)
    refused(
        ConflictError, lambda: order_rate_response(order=order, actor=community, rating=ResponseRating.POOR)
    )
