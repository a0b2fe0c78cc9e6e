"""The dispatch API: orders and the departments' actions on them, extension requests, whistles,
supervisions, escalations and versioned SLA policies."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.roles import Role
from apps.accounts.services import role_grant, user_create
from apps.cases.choices import CaseStatus
from apps.cases.models import Case
from apps.cases.services import case_accept
from apps.dispatch.choices import DeadlineKind, ExtensionStatus, OrderKind, OrderStatus, SupervisionLevel
from apps.dispatch.deadlines import sweep
from apps.dispatch.models import Deadline, DispatchOrder, SlaPolicy
from apps.dispatch.services import (
    case_dispatch,
    extension_request,
    order_accept,
    order_resolve,
    sla_policy_revise,
    supervise,
    whistle_blow,
)
from apps.workcalendar.choices import Clock
from tests.api_helpers import api_as, assert_list_cost, fields_of, ids
from tests.builders import PASSWORD
from tests.cases.api_support import accepted, dispatched, photo, report

pytestmark = pytest.mark.django_db
ORDERS = reverse("api:order-list")
EXTENSIONS = reverse("api:extension-request-list")
WHISTLES = reverse("api:whistle-list")
SUPERVISIONS = reverse("api:supervision-list")
POLICIES = reverse("api:sla-policy-list")
ESCALATIONS = reverse("api:escalation-list")


def order_url(order, action: str = "") -> str:
    return reverse(f"api:order-{action or 'detail'}", args=[order.pk])


def post(user, url, data=None, **kwargs):
    return api_as(user).post(url, data or {}, format=kwargs.pop("format", "json"), **kwargs)


def assert_conflict(response):
    assert response.status_code == 409, response.json()
    assert response.json()["error"]["code"] == "conflict"


def assert_refused(response):
    assert response.status_code == 403, response.json()
    assert response.json()["error"]["code"] == "permission_denied"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def other_handler(city):
    """The handler of the other street's department."""
    user = user_create(username="dept2", password=PASSWORD)
    role_grant(actor=None, user=user, role=Role.DEPARTMENT_HANDLER, department=city.departments[2])
    return user


@pytest.fixture
def orders(city):
    """Orders on a case of the first street (to its department and the district's) and of the second."""
    here, own = dispatched(city)
    district_order = case_dispatch(case=here, department=city.departments[0], actor=city.users["district"])
    there = case_accept(case=report(city, actor=None, area=city.buildings[8]), actor=city.users["district"])
    far = case_dispatch(case=there, department=city.departments[2], actor=city.users["district"])
    return {"own": own, "district": district_order, "far": far}


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("district", {"own", "district", "far"}),
        ("street", {"own", "district"}),
        ("auditor", {"own", "district"}),
        ("gridworker", {"own", "district"}),
        ("dept", {"own"}),
        ("building", {"own", "district"}),
    ],
)
def test_each_user_lists_the_orders_in_scope(city, orders, username, expected):
    assert ids(api_as(city.users[username]).get(ORDERS)) == {orders[name].pk for name in expected}


def test_a_handler_of_another_department_sees_only_its_own(city, orders, other_handler):
    api = api_as(other_handler)
    assert ids(api.get(ORDERS)) == {orders["far"].pk}
    response = api.get(order_url(orders["own"]))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert post(other_handler, order_url(orders["own"], "accept")).status_code == 404


def test_order_filters_and_buckets(city, orders):
    district = api_as(city.users["district"])
    assert ids(district.get(ORDERS, {"department": city.departments[0].pk})) == {orders["district"].pk}
    assert ids(district.get(ORDERS, {"case": orders["far"].case_id})) == {orders["far"].pk}
    assert ids(district.get(ORDERS, {"kind": OrderKind.QUICK})) == set()
    order_accept(order=orders["own"], actor=city.users["dept"])
    assert ids(district.get(ORDERS, {"status": OrderStatus.ACCEPTED})) == {orders["own"].pk}

    dept = api_as(city.users["dept"])
    assert ids(dept.get(ORDERS, {"bucket": "in_hand"})) == {orders["own"].pk}
    assert ids(dept.get(ORDERS, {"bucket": "to_sign"})) == set()
    assert "bucket" in fields_of(dept.get(ORDERS, {"bucket": "later"}))
    counts = dept.get(reverse("api:order-inbox")).json()
    assert counts == {"to_sign": 0, "to_check_in": 0, "in_hand": 1, "due_soon": 0, "overdue": 0}


def test_the_order_detail_has_its_deadlines(city, orders):
    body = api_as(city.users["dept"]).get(order_url(orders["own"])).json()
    assert body["case"]["id"] == orders["own"].case_id
    assert body["policy_version"] == 1
    deadlines = {d["kind"]: d for d in body["deadlines"]}
    assert set(deadlines) == {DeadlineKind.ACCEPT, DeadlineKind.RESOLVE}
    assert deadlines[DeadlineKind.ACCEPT]["minutes"] == 120
    assert deadlines[DeadlineKind.ACCEPT]["clock"] == Clock.WORKING
    assert "events" not in body


def test_sign_for_an_order_once(city, orders):
    order = orders["own"]
    response = post(city.users["dept"], order_url(order, "accept"), {"note": "已签收"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["accepted_at"] is not None) == (OrderStatus.ACCEPTED, True)
    accept_deadline = next(d for d in body["deadlines"] if d["kind"] == DeadlineKind.ACCEPT)
    assert accept_deadline["state"] == "met"
    assert_conflict(post(city.users["dept"], order_url(order, "accept")))
    assert_refused(post(city.users["street"], order_url(orders["district"], "accept")))


def test_resolve_an_order(city, orders, media):
    order, dept = orders["own"], city.users["dept"]
    assert_conflict(post(dept, order_url(order, "resolve"), {"account": "已处理"}))
    order_accept(order=order, actor=dept)
    assert "account" in fields_of(post(dept, order_url(order, "resolve"), {}))
    response = post(
        dept, order_url(order, "resolve"), {"account": "已清运", "photos": [photo()]}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == OrderStatus.RESOLVED
    assert response.json()["resolution"] == "已清运"
    # The district's order is still open: the case waits for it.
    assert Case.objects.get(pk=order.case_id).status == CaseStatus.DISPATCHED
    assert_conflict(post(dept, order_url(order, "resolve"), {"account": "again"}))


def test_return_an_order_with_grounds_and_a_suggested_owner(city, orders):
    order, dept = orders["own"], city.users["dept"]
    assert set(fields_of(post(dept, order_url(order, "return"), {}))) >= {"grounds"}
    assert "suggested_owner" in fields_of(post(dept, order_url(order, "return"), {"grounds": "非本部门职责"}))
    own = post(
        dept, order_url(order, "return"), {"grounds": "x", "suggested_department": city.departments[1].pk}
    )
    assert "suggested_department" in fields_of(own)
    assert DispatchOrder.objects.get(pk=order.pk).status == OrderStatus.PENDING
    response = post(
        dept,
        order_url(order, "return"),
        {"grounds": "属区级职责", "suggested_department": city.departments[0].pk},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["suggested_department"]["id"]) == (
        OrderStatus.RETURNED,
        city.departments[0].pk,
    )
    assert_conflict(post(dept, order_url(order, "return"), {"grounds": "x", "suggested_owner": "y"}))


def test_ask_for_more_time_and_decide(city, orders):
    order, dept, street = orders["own"], city.users["dept"], city.users["street"]
    assert "minutes" in fields_of(post(dept, order_url(order, "extension"), {"minutes": 0, "reason": "x"}))
    response = post(dept, order_url(order, "extension"), {"minutes": 600, "reason": "需协调物业"})
    assert response.status_code == 201, response.json()
    asked = response.json()
    assert (asked["status"], asked["minutes"], asked["department"]["id"]) == (
        ExtensionStatus.PENDING,
        600,
        city.departments[1].pk,
    )
    assert_conflict(post(dept, order_url(order, "extension"), {"minutes": 60, "reason": "再延"}))
    assert_refused(post(street, order_url(order, "extension"), {"minutes": 60, "reason": "x"}))

    assert ids(api_as(street).get(EXTENSIONS)) == {asked["id"]}
    assert ids(api_as(dept).get(EXTENSIONS, {"status": "pending"})) == {asked["id"]}
    outsider = user_create(username="outsider", password=PASSWORD)
    role_grant(actor=None, user=outsider, role=Role.STREET_STAFF, area=city.streets[1])
    assert ids(api_as(outsider).get(EXTENSIONS)) == set()

    decide = reverse("api:extension-request-decide", args=[asked["id"]])
    assert_refused(post(dept, decide, {"approve": True}))
    assert api_as(outsider).post(decide, {"approve": True}, format="json").status_code == 404
    assert "note" in fields_of(post(street, decide, {"approve": False}))
    before = Deadline.objects.get(order=order, kind=DeadlineKind.RESOLVE).due_at
    decided = post(street, decide, {"approve": True, "note": "同意"})
    assert decided.status_code == 200, decided.json()
    assert decided.json()["status"] == ExtensionStatus.APPROVED
    deadline = Deadline.objects.get(order=order, kind=DeadlineKind.RESOLVE)
    assert (deadline.extended_minutes, deadline.due_at > before) == (600, True)
    assert_conflict(post(street, decide, {"approve": False, "note": "改变主意"}))


def test_rate_a_department_response(city, orders):
    order, street = orders["own"], city.users["street"]
    assert_conflict(post(street, order_url(order, "rate"), {"rating": 4}))
    order_accept(order=order, actor=city.users["dept"])
    order_resolve(order=order, actor=city.users["dept"], account="已处理")
    assert "rating" in fields_of(post(street, order_url(order, "rate"), {"rating": 5}))
    assert_refused(post(city.users["dept"], order_url(order, "rate"), {"rating": 4}))
    # The community did not dispatch this order: the street did.
    assert_refused(post(city.users["community"], order_url(order, "rate"), {"rating": 4}))
    response = post(street, order_url(order, "rate"), {"rating": 4, "comment": "响应迅速"})
    assert response.status_code == 200, response.json()
    assert response.json()["response_rating"] == 4
    assert_conflict(post(street, order_url(order, "rate"), {"rating": 3}))


def test_whistles_are_listed_in_scope(city):
    case = accepted(city)
    whistle = whistle_blow(
        case=case,
        kind=OrderKind.QUICK,
        departments=[city.departments[1]],
        actor=city.users["community"],
        reason="楼道堆物",
    )
    community = api_as(city.users["community"])
    assert ids(community.get(WHISTLES)) == {whistle.pk}
    assert ids(community.get(WHISTLES, {"kind": OrderKind.EMERGENCY})) == set()
    assert ids(community.get(WHISTLES, {"level": 3, "case": case.pk})) == {whistle.pk}
    body = community.get(reverse("api:whistle-detail", args=[whistle.pk])).json()
    assert (body["kind"], body["area"]["id"]) == (OrderKind.QUICK, city.communities[0].pk)
    assert [o["department"]["id"] for o in body["orders"]] == [city.departments[1].pk]
    outsider = user_create(username="outsider", password=PASSWORD)
    role_grant(actor=None, user=outsider, role=Role.COMMUNITY_WORKER, area=city.communities[1])
    assert api_as(outsider).get(reverse("api:whistle-detail", args=[whistle.pk])).status_code == 404


def test_supervisions_are_listed_in_scope(city, orders):
    case = Case.objects.get(pk=orders["own"].case_id)
    supervision = supervise(
        case=case, actor=city.users["street"], level=SupervisionLevel.RED, note="限期办结"
    )
    assert ids(api_as(city.users["street"]).get(SUPERVISIONS)) == {supervision.pk}
    assert ids(api_as(city.users["street"]).get(SUPERVISIONS, {"level": SupervisionLevel.YELLOW})) == set()
    assert ids(api_as(city.users["gridworker"]).get(SUPERVISIONS)) == {supervision.pk}
    outsider = user_create(username="outsider", password=PASSWORD)
    role_grant(actor=None, user=outsider, role=Role.STREET_STAFF, area=city.streets[1])
    assert ids(api_as(outsider).get(SUPERVISIONS)) == set()


def test_escalations_are_listed_through_their_orders(city):
    community = city.users["community"]
    case = case_accept(
        case=report(city, actor="community", area=city.grids[0], category=city.categories[4]), actor=community
    )
    whistle_blow(
        case=case, kind=OrderKind.EMERGENCY, departments=[city.departments[1]], actor=community, reason="燃气"
    )
    sweep(now=timezone.now() + timedelta(minutes=31))
    rows = api_as(city.users["street"]).get(ESCALATIONS).json()["results"]
    assert [(row["from_level"], row["to_level"], row["case"]) for row in rows] == [(3, 2, case.pk)]
    outsider = user_create(username="outsider", password=PASSWORD)
    role_grant(actor=None, user=outsider, role=Role.STREET_STAFF, area=city.streets[1])
    assert ids(api_as(outsider).get(ESCALATIONS)) == set()


# SLA policies


def new_limits(**overrides):
    return {
        "kind": OrderKind.DISPATCH,
        "accept_minutes": 60,
        "accept_clock": Clock.WORKING,
        "resolve_minutes": 900,
        "resolve_clock": Clock.WORKING,
        "warn_percents": [50, 90],
        "note": "签收 1 工作小时",
        **overrides,
    }


def test_everyone_reads_the_policies_and_only_superusers_write_them(city, superuser):
    dept = api_as(city.users["dept"])
    listed = dept.get(POLICIES, {"kind": OrderKind.DISPATCH}).json()["results"]
    assert [(row["kind"], row["version"], row["is_active"]) for row in listed] == [
        (OrderKind.DISPATCH, 1, True)
    ]
    for username in ("street", "sysadmin", "dept"):
        assert_refused(post(city.users[username], POLICIES, new_limits()))
    assert SlaPolicy.objects.filter(kind=OrderKind.DISPATCH).count() == 1

    admin = api_as(superuser)
    bad = admin.post(POLICIES, new_limits(warn_percents=[150], accept_clock="lunar"), format="json")
    assert set(fields_of(bad)) >= {"warn_percents", "accept_clock"}
    dispatch_level = admin.post(POLICIES, new_limits(level=2), format="json")
    assert "level" in fields_of(dispatch_level)
    assert SlaPolicy.objects.filter(kind=OrderKind.DISPATCH).count() == 1


def test_a_new_version_applies_to_new_orders_and_old_orders_keep_theirs(city, superuser):
    _case, before = dispatched(city)
    response = api_as(superuser).post(POLICIES, new_limits(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["version"], body["is_active"], body["created_by"]["id"]) == (2, True, superuser.pk)
    assert ids(api_as(city.users["street"]).get(POLICIES, {"kind": "dispatch", "is_active": "false"})) == {
        before.policy_id
    }

    _case, after = dispatched(city)
    api = api_as(city.users["street"])
    old = api.get(order_url(before)).json()
    new = api.get(order_url(after)).json()
    assert (old["policy_version"], new["policy_version"]) == (1, 2)
    old_accept = next(d for d in old["deadlines"] if d["kind"] == DeadlineKind.ACCEPT)
    new_accept = next(d for d in new["deadlines"] if d["kind"] == DeadlineKind.ACCEPT)
    assert (old_accept["minutes"], new_accept["minutes"]) == (120, 60)
    assert DispatchOrder.objects.get(pk=before.pk).policy.version == 1
    assert SlaPolicy.objects.get(pk=before.policy_id).accept_minutes == 120


def test_policies_per_category_and_level(city, superuser):
    clock = Clock.AROUND_THE_CLOCK
    limits = new_limits(
        kind=OrderKind.EMERGENCY,
        category=city.categories[3].pk,
        level=3,
        accept_clock=clock,
        resolve_clock=clock,
    )
    response = api_as(superuser).post(POLICIES, limits, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["category"], body["level"], body["version"]) == (city.categories[3].pk, 3, 1)
    # Its own line of versions: the emergency policy for every category stays in force.
    assert SlaPolicy.objects.filter(kind=OrderKind.EMERGENCY, is_active=True).count() == 2


# Query counts


def test_lists_cost_the_same_queries_whatever_the_page_size(city, django_assert_num_queries):
    street = city.users["street"]
    for n in range(50):
        case = accepted(city, actor="street", area=city.buildings[n % 8], title=f"垃圾{n}")
        order = case_dispatch(case=case, department=city.departments[1], actor=street)
        extension_request(order=order, actor=city.users["dept"], minutes=60, reason="协调")
        supervise(case=case, actor=street, level=SupervisionLevel.NORMAL, note="请尽快")
        other = accepted(city, actor="street", area=city.buildings[n % 8], title=f"哨{n}")
        whistle_blow(
            case=other, kind=OrderKind.QUICK, departments=[city.departments[0]], actor=street, reason="快"
        )
    api = api_as(street)
    # token with user, role scope, COUNT, page with its related rows (+1 per prefetch)
    assert_list_cost(django_assert_num_queries, api, ORDERS, 4)
    assert_list_cost(django_assert_num_queries, api, EXTENSIONS, 4)
    assert_list_cost(django_assert_num_queries, api, WHISTLES, 5)
    assert_list_cost(django_assert_num_queries, api, SUPERVISIONS, 4)
    # A department handler's scope reads the areas the department serves too.
    assert_list_cost(django_assert_num_queries, api_as(city.users["dept"]), ORDERS, 5, {"bucket": "to_sign"})


def test_the_policy_list_costs_the_same_queries_whatever_the_page_size(
    city, superuser, django_assert_num_queries
):
    for minutes in range(1, 51):
        limits = new_limits(accept_minutes=minutes)
        limits.pop("kind")
        sla_policy_revise(actor=superuser, kind=OrderKind.QUICK, category=None, level=None, **limits)
    # token with user, COUNT, page with the authors: policies are the same for everyone, no scope is read
    assert_list_cost(django_assert_num_queries, api_as(city.users["dept"]), POLICIES, 3)
