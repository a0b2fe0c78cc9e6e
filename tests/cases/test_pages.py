"""The staff's case pages through the real views: the inbox, the case page and each of its action forms,
attachments, the whistle and supervision forms, the supervision overview and the workbench's tiles."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.cases.choices import CaseAction, CaseStatus, Rating
from apps.cases.models import Case, CaseAttachment
from apps.cases.services import case_accept, case_close, case_verify
from apps.dispatch.choices import DeadlineState, OrderKind, OrderStatus, SupervisionLevel
from apps.dispatch.deadlines import sweep
from apps.dispatch.models import Deadline, DispatchOrder, Supervision, Whistle
from apps.dispatch.services import order_resolve
from tests.cases.pages_support import (
    _media,  # noqa: F401 - an autouse fixture
    accepted,
    act_url,
    case_url,
    dispatched,
    messages_of,
    other_handler,
    page_of,
    photo,
    report,
    signed,
)

pytestmark = pytest.mark.django_db
INBOX = reverse("cases:inbox")


def rows(response) -> list[str]:
    assert response.status_code == 200
    return [case.title for case in response.context["page_obj"]]


def tab_counts(response) -> dict[str, int]:
    return {name: count for name, _label, count in response.context["tabs"]}


# The inbox


def test_the_inbox_shows_the_users_cases_in_tabs_with_counts(city, as_user):
    fresh = report(city, title="新报")
    accepted(city, title="已受理")
    dispatched(city, title="已派遣")
    report(city, area=city.buildings[-1], actor=None, title="别的街道")
    client = as_user(city.users["street"])

    response = client.get(INBOX)
    assert rows(response) == ["已派遣", "已受理", "新报"]
    counts = tab_counts(response)
    assert counts["to_accept"] == 1
    assert counts["to_dispatch"] == 1
    assert counts["waiting"] == 1
    assert counts["overdue"] == 0
    assert rows(client.get(INBOX, {"bucket": "to_accept"})) == ["新报"]
    assert rows(client.get(INBOX, {"bucket": "waiting"})) == ["已派遣"]
    page = page_of(response)
    assert fresh.serial in page
    assert "别的街道" not in page
    assert 'href="?bucket=to_accept"' in page


def test_the_inbox_filters(city, as_user):
    report(city, title="垃圾堆放")
    report(city, title="楼道堆物", category=city.categories[2], urgency="urgent")
    report(city, title="燃气隐患", category=city.categories[4], area=city.grids[1], actor=None)
    client = as_user(city.users["street"])
    assert rows(client.get(INBOX, {"q": "堆"})) == ["楼道堆物", "垃圾堆放"]
    assert rows(client.get(INBOX, {"category": city.categories[0].pk})) == ["楼道堆物", "垃圾堆放"]
    assert rows(client.get(INBOX, {"urgency": "urgent"})) == ["楼道堆物"]
    assert rows(client.get(INBOX, {"area": city.grids[1].pk})) == ["燃气隐患"]
    assert rows(client.get(INBOX, {"channel": "hotline"})) == []
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert rows(client.get(INBOX, {"reported_after": tomorrow})) == []
    assert len(rows(client.get(INBOX, {"reported_before": tomorrow}))) == 3
    # An area out of scope is "not a valid choice", exactly like a missing one: nothing is filtered by it.
    response = client.get(INBOX, {"area": city.streets[1].pk})
    assert response.status_code == 200
    assert response.context["filters"].form.errors


def test_overdue_and_warned_cases_are_marked(city, as_user):
    _case, _order = dispatched(city, title="超期了")
    sweep(now=timezone.now() + timedelta(days=30))
    client = as_user(city.users["street"])
    response = client.get(INBOX, {"bucket": "overdue"})
    assert rows(response) == ["超期了"]
    assert tab_counts(response)["overdue"] == 1
    assert "case-row-overdue" in page_of(response)
    assert rows(client.get(INBOX, {"overdue": "true"})) == ["超期了"]
    assert rows(client.get(INBOX, {"overdue": "false"})) == []


def test_only_case_viewers_get_the_inbox(city, as_user):
    assert as_user(city.users["dept"]).get(INBOX).status_code == 403
    assert as_user(city.users["building"]).get(INBOX).status_code == 200


def test_the_inbox_costs_the_same_whatever_the_page_size(city, as_user, django_assert_num_queries):
    for number in range(3):
        report(city, title=f"事件{number}")
    client = as_user(city.users["street"])
    client.get(INBOX)
    # session, user, roles, area roots, areas below them, categories, tab counts (one for the statuses,
    # one each for warnings, overdue and escalated), page count, page rows, and the session's refresh
    # (in a savepoint)
    with django_assert_num_queries(15):
        assert len(rows(client.get(INBOX))) == 3
    for number in range(55):
        report(city, title=f"更多{number}")
    with django_assert_num_queries(15):
        assert len(rows(client.get(INBOX))) == 50


# The case page


def test_the_case_page_shows_the_facts_with_the_phone_masked(city, as_user):
    case = report(
        city,
        address="幸福路1号",
        longitude=121.45,
        latitude=31.22,
        external_system="12345",
        external_ref="HX-1",
    )
    client = as_user(city.users["street"])
    response = client.get(case_url(case))
    assert response.status_code == 200
    page = page_of(response)
    for text in (case.serial, "幸福路1号", "121.45", "张三", "138****8000", "HX-1", city.grids[0].name):
        assert text in page
    assert "13800138000" not in page
    assert response.context["actions"] == {
        CaseAction.ACCEPT,
        CaseAction.REJECT,
        CaseAction.MERGE,
        CaseAction.LEADER_CLAIM,
        CaseAction.SUPERVISE,
    }
    assert 'data-testid="action-accept"' in page
    assert 'data-testid="action-dispatch"' not in page


def test_a_case_out_of_scope_is_not_found(city, as_user):
    case = report(city)
    elsewhere = report(city, area=city.buildings[-1], actor=None)
    client = as_user(city.users["street"])
    assert client.get(case_url(elsewhere)).status_code == 404
    assert client.get(reverse("cases:whistle", args=[elsewhere.pk])).status_code == 404
    assert client.get(reverse("cases:supervise", args=[elsewhere.pk])).status_code == 404
    assert client.post(act_url(elsewhere, "accept")).status_code == 404
    assert as_user(city.users["dept"]).get(case_url(case)).status_code == 404
    assert as_user(city.users["building"]).get(case_url(case)).status_code == 200
    assert as_user(city.users["community"]).get(case_url(elsewhere)).status_code == 404


def test_a_department_handler_sees_its_cases_without_the_reporters_phone(city, as_user):
    case, order = dispatched(city)
    client = as_user(city.users["dept"])
    response = client.get(case_url(case))
    assert response.status_code == 200
    page = page_of(response)
    assert "138****8000" not in page
    assert response.context["actions"] == set()
    ((shown, actions, _forms),) = response.context["orders"]
    assert shown == order
    assert actions == {"accept", "return", "extend"}
    assert reverse("dispatch:accept", args=[order.pk]) in page
    assert as_user(other_handler(city)).get(case_url(case)).status_code == 404


def test_the_timeline_and_deadlines_are_explained(city, as_user):
    case, order = signed(city)
    Deadline.objects.filter(order=order, kind="resolve").update(provisional=True)
    response = as_user(city.users["street"]).get(case_url(case))
    page = page_of(response)
    actions = [event.action for event, _details in response.context["timeline"]]
    assert actions == ["report", "accept", "dispatch", "sign"]
    dispatch_details = response.context["timeline"][2][1]
    assert f"departments: {city.departments[1].name}" in dispatch_details
    assert [deadline.kind for deadline, _lines in response.context["deadlines"]] == ["accept", "resolve"]
    lines = response.context["deadlines"][1][1]
    assert lines[0].startswith("Time limit 5 working days")
    assert any(line.startswith("Due ") for line in lines)
    assert 'data-testid="provisional"' in page
    assert "How this deadline was computed" in page


def test_the_case_page_costs_the_same_whatever_the_timeline(city, as_user, django_assert_num_queries):
    case, order = signed(city)
    client = as_user(city.users["street"])
    client.get(case_url(case))
    # session, user, roles, case, timeline, its attachments, department names, orders, their deadlines,
    # their pending extensions, visible ancestors, the case's deadlines, the work calendar, the departments
    # of the dispatch form, and the session's refresh (in a savepoint)
    with django_assert_num_queries(17):
        assert client.get(case_url(case)).status_code == 200
    order_resolve(order=order, actor=city.users["dept"], account="已清运", photos=[photo(), photo("b.png")])
    case_verify(case=case, actor=city.users["gridworker"], passed=False, note="还有")
    with django_assert_num_queries(17):
        assert client.get(case_url(case)).status_code == 200


# The action forms


def test_accept(city, as_user):
    case = report(city)
    response = as_user(city.users["street"]).post(act_url(case, "accept"), follow=True)
    assert response.redirect_chain == [(case_url(case), 302)]
    assert messages_of(response) == ["The case has been accepted."]
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED


def test_a_stale_accept_shows_who_acted_first(city, as_user):
    case = report(city)
    client = as_user(city.users["street"])
    case_accept(case=case, actor=city.users["district"])
    response = client.post(act_url(case, "accept"), follow=True)
    assert response.redirect_chain == [(case_url(case), 302)]
    (message,) = messages_of(response)
    assert "Reload the page to see who acted" in message
    assert case.events.filter(action=CaseAction.ACCEPT).count() == 1


def test_reject_needs_a_reason_and_keeps_the_form(city, as_user):
    case = report(city)
    client = as_user(city.users["street"])
    response = client.post(act_url(case, "reject"), {"reject-reason": "  "})
    assert response.status_code == 200
    form = response.context["forms"]["reject"]
    assert form.errors["reason"] == ["Say why the case is not accepted."]
    assert "open" in page_of(response).split('data-testid="action-reject"')[0][-40:]
    case.refresh_from_db()
    assert case.status == CaseStatus.REPORTED
    client.post(act_url(case, "reject"), {"reject-reason": "不属于本辖区"})
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED


def test_someone_without_the_permission_changes_nothing(city, as_user):
    case = report(city)
    response = as_user(city.users["gridworker"]).post(act_url(case, "accept"), follow=True)
    assert messages_of(response) == ["You may not do this on this case."]
    case.refresh_from_db()
    assert case.status == CaseStatus.REPORTED
    assert as_user(city.users["street"]).post(act_url(case, "fly")).status_code == 404


def test_dispatch_offers_the_departments_serving_the_case(city, as_user):
    case = accepted(city)
    client = as_user(city.users["street"])
    form = client.get(case_url(case)).context["forms"]["dispatch"]
    assert set(form.fields["department"].queryset) == {city.departments[0], city.departments[1]}
    response = client.post(act_url(case, "dispatch"), {"dispatch-department": city.departments[2].pk})
    assert "department" in response.context["forms"]["dispatch"].errors
    assert not DispatchOrder.objects.exists()
    client.post(
        act_url(case, "dispatch"),
        {"dispatch-department": city.departments[1].pk, "dispatch-instructions": "尽快"},
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED
    assert case.lead_department == city.departments[1]
    assert DispatchOrder.objects.get().instructions == "尽快"


def test_handled_in_the_grid_resolved_with_photos_verified_closed_and_rated(city, as_user):
    case = accepted(city)
    street, grid = as_user(city.users["street"]), city.users["gridworker"]
    street.post(act_url(case, "handle_in_grid"), {"handle_in_grid-note": "网格处理"})
    case.refresh_from_db()
    assert case.status == CaseStatus.HANDLING

    client = as_user(grid)
    response = client.post(act_url(case, "resolve"), {"resolve-account": ""})
    assert response.context["forms"]["resolve"].errors["account"] == ["Say what was done."]
    response = client.post(
        act_url(case, "resolve"),
        {"resolve-account": "已清运", "resolve-photos": [photo(), photo("b.png")]},
        follow=True,
    )
    assert messages_of(response) == ["The resolution has been recorded."]
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED
    assert CaseAttachment.objects.filter(case=case, kind="photo").count() == 2
    assert len(response.context["photos"]) == 2

    client.post(act_url(case, "verify"), {"verify-note": "现场已干净"})
    case.refresh_from_db()
    assert case.status == CaseStatus.VERIFIED
    street = as_user(city.users["street"])
    street.post(act_url(case, "close"), {"close-note": ""})
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    response = street.post(act_url(case, "rate"), {"rate-rating": "great"})
    assert "rating" in response.context["forms"]["rate"].errors
    street.post(act_url(case, "rate"), {"rate-rating": Rating.SATISFIED, "rate-comment": "回访满意"})
    case.refresh_from_db()
    assert case.rating == Rating.SATISFIED
    assert CaseAction.RATE not in street.get(case_url(case)).context["actions"]


def test_send_back_needs_a_note(city, as_user):
    case, order = signed(city)
    order_resolve(order=order, actor=city.users["dept"], account="已处理")
    client = as_user(city.users["gridworker"])
    response = client.post(act_url(case, "send_back"), {"send_back-note": ""})
    assert response.context["forms"]["send_back"].errors["note"] == ["Say what is still wrong."]
    client.post(act_url(case, "send_back"), {"send_back-note": "还有垃圾"})
    case.refresh_from_db()
    order.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED
    assert order.status == OrderStatus.ACCEPTED


def test_suspend_and_resume(city, as_user):
    case, _order = dispatched(city)
    client = as_user(city.users["street"])
    client.post(act_url(case, "suspend"), {"suspend-reason": ""})
    case.refresh_from_db()
    assert case.suspended_at is None
    response = client.post(act_url(case, "suspend"), {"suspend-reason": "等待产权认定"}, follow=True)
    case.refresh_from_db()
    assert case.suspended_at is not None
    assert 'data-testid="banner-suspended"' in page_of(response)
    assert Deadline.objects.filter(case=case, state=DeadlineState.PAUSED).count() == 2
    assert response.context["actions"] >= {CaseAction.RESUME}
    client.post(act_url(case, "resume"), {"resume-note": ""})
    case.refresh_from_db()
    assert case.suspended_at is None


def test_merge_by_serial(city, as_user):
    duplicate, original = report(city, title="重复"), report(city, title="原件")
    elsewhere = report(city, area=city.buildings[-1], actor=None)
    client = as_user(city.users["street"])
    response = client.post(act_url(duplicate, "merge"), {"merge-into": elsewhere.serial})
    assert response.context["forms"]["merge"].errors["into"] == ["No case with this serial number."]
    response = client.post(act_url(duplicate, "merge"), {"merge-into": original.serial}, follow=True)
    duplicate.refresh_from_db()
    assert duplicate.status == CaseStatus.MERGED
    assert duplicate.merged_into == original
    assert 'data-testid="banner-merged"' in page_of(response)


def test_leader_claim(city, as_user):
    case = report(city)
    client = as_user(city.users["district"])
    response = client.post(act_url(case, "leader_claim"), {"leader_claim-note": "我来督办"}, follow=True)
    case.refresh_from_db()
    assert case.leader_claimed_by == city.users["district"]
    assert 'data-testid="banner-claimed"' in page_of(response)
    assert CaseAction.LEADER_CLAIM not in response.context["actions"]
    response = as_user(city.users["street"]).post(act_url(case, "leader_claim"), follow=True)
    assert messages_of(response) == ["district has already claimed this case."]


def test_a_refused_form_no_longer_offered_comes_back_as_a_message(city, as_user):
    case, _order = dispatched(city)
    response = as_user(city.users["gridworker"]).post(act_url(case, "resolve"), {"resolve-account": ""})
    assert response.status_code == 200
    assert "resolve" not in response.context["forms"]
    assert messages_of(response) == ["Say what was done."]


# Attachments


def test_attachments_are_served_only_to_those_who_see_the_case(city, as_user):
    case = report(city, photos=[photo()])
    item = CaseAttachment.objects.get(case=case)
    url = reverse("cases:attachment", args=[case.pk, item.pk])
    response = as_user(city.users["street"]).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert url in page_of(as_user(city.users["street"]).get(case_url(case)))
    assert "/media/" not in page_of(as_user(city.users["street"]).get(case_url(case)))
    other = report(city)
    assert (
        as_user(city.users["street"]).get(reverse("cases:attachment", args=[other.pk, item.pk])).status_code
        == 404
    )
    assert as_user(city.users["dept"]).get(url).status_code == 404
    assert as_user(other_handler(city)).get(url).status_code == 404


# The whistle form


def test_the_whistle_form_shows_the_limits_and_keeps_the_input(city, as_user):
    case = accepted(city)
    client = as_user(city.users["street"])
    url = reverse("cases:whistle", args=[case.pk])
    response = client.get(url)
    assert response.status_code == 200
    limits = {option.data["value"]: text for option, text in response.context["kinds"]}
    assert (
        limits[OrderKind.EMERGENCY]
        == "check in within 30 minutes around the clock; resolve within 24 hours around the clock"
    )
    assert limits[OrderKind.QUICK] == "check in within 1 working hour; resolve within 3 working days"
    assert set(response.context["form"].fields["departments"].queryset) == {
        city.departments[0],
        city.departments[1],
    }

    response = client.post(
        url, {"kind": OrderKind.JOINT, "departments": [city.departments[1].pk], "reason": "多部门"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["departments"] == [
        "A joint whistle calls at least two departments."
    ]
    assert "多部门" in page_of(response)
    assert not Whistle.objects.exists()

    response = client.post(
        url,
        {
            "kind": OrderKind.JOINT,
            "departments": [city.departments[0].pk, city.departments[1].pk],
            "lead": city.departments[0].pk,
            "reason": "多部门",
        },
        follow=True,
    )
    assert response.redirect_chain == [(case_url(case), 302)]
    whistle = Whistle.objects.get()
    assert whistle.kind == OrderKind.JOINT
    assert case.orders.count() == 2
    assert case.orders.get(is_lead=True).department == city.departments[0]


def test_only_whistlers_get_the_whistle_form(city, as_user):
    case = accepted(city)
    response = as_user(city.users["gridworker"]).get(reverse("cases:whistle", args=[case.pk]), follow=True)
    assert response.redirect_chain == [(case_url(case), 302)]
    assert messages_of(response) == ["You cannot blow a whistle on this case now."]


# Supervision


def test_supervise_and_the_supervision_page(city, as_user):
    case, order = dispatched(city)
    overdue, _late = dispatched(city, title="超期")
    sweep(now=timezone.now() + timedelta(days=30))
    client = as_user(city.users["district"])
    url = reverse("cases:supervise", args=[case.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"level": SupervisionLevel.YELLOW, "note": ""})
    assert response.context["form"].errors["note"] == ["Say what must be done."]
    client.post(url, {"level": SupervisionLevel.YELLOW, "note": "三天内办结", "order": order.pk})
    supervision = Supervision.objects.get()
    assert supervision.order == order
    assert supervision.level == SupervisionLevel.YELLOW

    response = client.get(reverse("cases:supervision"))
    assert response.status_code == 200
    assert [item.note for item in response.context["page_obj"]] == ["三天内办结"]
    lists = {bucket: cases for bucket, _label, _count, cases in response.context["lists"]}
    assert {c.pk for c in lists["overdue"]} >= {overdue.pk}
    assert reverse("cases:supervise", args=[overdue.pk]) in page_of(response)


def test_only_superiors_get_the_supervision_pages(city, as_user):
    case = report(city)
    assert as_user(city.users["community"]).get(reverse("cases:supervision")).status_code == 403
    response = as_user(city.users["community"]).get(reverse("cases:supervise", args=[case.pk]), follow=True)
    assert messages_of(response) == ["You cannot supervise this case now."]
    assert as_user(city.users["street"]).get(reverse("cases:supervision")).status_code == 200


# The workbench


def test_the_workbench_shows_the_inbox_counts(city, as_user):
    report(city)
    dispatched(city)
    response = as_user(city.users["street"]).get(reverse("core:home"))
    # The cases inbox first; street staff also log visits, so "my grid today" follows it.
    (_title, tiles), _visits = response.context["inboxes"]
    counts = {name: count for _label, count, _url, name in tiles}
    assert counts["to_accept"] == 1
    assert counts["waiting"] == 1
    assert f"{INBOX}?bucket=to_accept" in page_of(response)

    response = as_user(city.users["dept"]).get(reverse("core:home"))
    ((_title, tiles),) = response.context["inboxes"]
    assert {name: count for _label, count, _url, name in tiles}["to_sign"] == 1
    assert as_user(city.users["building"]).get(reverse("core:home")).context["inboxes"][0][1]


def test_closed_cases_offer_only_the_call_back(city, as_user):
    case, order = signed(city)
    order_resolve(order=order, actor=city.users["dept"], account="已处理")
    case_verify(case=case, actor=city.users["gridworker"], passed=True)
    case_close(case=case, actor=city.users["street"])
    response = as_user(city.users["street"]).get(case_url(case))
    assert response.context["actions"] == {CaseAction.RATE}
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED
