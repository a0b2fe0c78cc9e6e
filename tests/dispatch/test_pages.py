"""The departments' pages and the order actions of the case page, through the real views: the handler's
inbox, signing for and checking in, the resolution form with photos, returns, extensions and ratings."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.cases.choices import CaseStatus
from apps.cases.models import CaseAttachment
from apps.cases.services import case_accept
from apps.dispatch.choices import DeadlineKind, ExtensionStatus, OrderKind, OrderStatus
from apps.dispatch.deadlines import sweep
from apps.dispatch.models import Deadline, ExtensionRequest
from apps.dispatch.services import order_resolve, whistle_blow
from tests.cases.pages_support import (
    _media,  # noqa: F401 - an autouse fixture
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
INBOX = reverse("dispatch:inbox")


def titles(response) -> list[str]:
    assert response.status_code == 200
    return [order.case.title for order in response.context["page_obj"]]


def counts(response) -> dict[str, int]:
    return {name: count for name, _label, count in response.context["tabs"]}


def order_form(response, order, action: str):
    ((_order, _actions, forms),) = [row for row in response.context["orders"] if row[0].pk == order.pk]
    return forms[action]


# The inbox


def test_the_handlers_inbox_has_tabs_with_counts(city, as_user):
    dispatched(city, title="待签收")
    signed(city, title="办理中")
    case = report(city, title="吹哨")
    case_accept(case=case, actor=city.users["street"])
    whistle_blow(
        case=case,
        kind=OrderKind.EMERGENCY,
        departments=[city.departments[1]],
        actor=city.users["street"],
        reason="急",
    )
    client = as_user(city.users["dept"])
    response = client.get(INBOX)
    found = counts(response)
    assert {name: found[name] for name in ("to_sign", "to_check_in", "in_hand", "overdue")} == {
        "to_sign": 1,
        "to_check_in": 1,
        "in_hand": 1,
        "overdue": 0,
    }
    assert response.context["bucket"] == "to_sign"
    assert titles(response) == ["待签收"]
    response = client.get(INBOX, {"bucket": "to_check_in"})
    assert titles(response) == ["吹哨"]
    page = page_of(response)
    assert "order-whistle" in page
    assert "Check in" in page
    assert titles(client.get(INBOX, {"bucket": "in_hand"})) == ["办理中"]
    assert titles(as_user(other_handler(city)).get(INBOX)) == []


def test_an_empty_tab_leads_to_the_first_with_work(city, as_user):
    signed(city, title="办理中")
    response = as_user(city.users["dept"]).get(INBOX)
    assert response.context["bucket"] == "in_hand"


def test_only_handlers_get_the_inbox(city, as_user):
    assert as_user(city.users["street"]).get(INBOX).status_code == 403


def test_the_inbox_costs_the_same_whatever_the_page_size(city, as_user, django_assert_num_queries):
    for number in range(2):
        dispatched(city, title=f"派单{number}")
    client = as_user(city.users["dept"])
    client.get(INBOX)
    # session, user, roles and the areas their departments serve, tab counts, page count, page rows, their
    # deadlines, the session's refresh (in a savepoint)
    with django_assert_num_queries(11):
        assert len(titles(client.get(INBOX))) == 2
    for number in range(50):
        dispatched(city, title=f"更多{number}")
    with django_assert_num_queries(11):
        assert len(titles(client.get(INBOX))) == 50


def test_sign_for_from_the_inbox_comes_back_to_it(city, as_user):
    case, order = dispatched(city)
    client = as_user(city.users["dept"])
    back = f"{INBOX}?bucket=to_sign"
    response = client.post(reverse("dispatch:accept", args=[order.pk]), {"next": back}, follow=True)
    assert response.redirect_chain == [(back, 302)]
    assert messages_of(response) == ["Signed for."]
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED
    assert order.accepted_by == city.users["dept"]
    # A second click finds it signed: someone acted first.
    response = client.post(
        reverse("dispatch:accept", args=[order.pk]), {"next": "https://evil.example/"}, follow=True
    )
    assert response.redirect_chain == [(case_url(case), 302)]
    assert "Reload the page" in messages_of(response)[0]


def test_another_department_cannot_touch_the_order(city, as_user):
    _case, order = dispatched(city)
    client = as_user(other_handler(city))
    assert client.post(reverse("dispatch:accept", args=[order.pk])).status_code == 404
    assert client.get(reverse("dispatch:resolve", args=[order.pk])).status_code == 404
    assert as_user(city.users["street"]).get(reverse("dispatch:resolve", args=[order.pk])).status_code == 404
    response = as_user(city.users["street"]).post(reverse("dispatch:accept", args=[order.pk]), follow=True)
    assert messages_of(response) == [f"Only the handlers of {city.departments[1].name} may do this."]
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


# The resolution form


def test_resolve_with_photos(city, as_user):
    case, order = signed(city)
    client = as_user(city.users["dept"])
    url = reverse("dispatch:resolve", args=[order.pk])
    response = client.get(url)
    assert response.status_code == 200
    page = page_of(response)
    assert 'type="file"' in page
    assert "multiple" in page
    assert 'accept="image/*"' in page
    assert 'capture="environment"' in page

    response = client.post(url, {"account": "", "photos": [photo()]})
    assert response.context["form"].errors["account"] == ["Say what was done."]
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED

    response = client.post(url, {"account": "已清运", "photos": [photo(), photo("b.png")]}, follow=True)
    assert response.redirect_chain == [(case_url(case), 302)]
    assert messages_of(response) == ["The resolution has been reported."]
    order.refresh_from_db()
    case.refresh_from_db()
    assert order.status == OrderStatus.RESOLVED
    assert case.status == CaseStatus.RESOLVED
    assert CaseAttachment.objects.filter(case=case).count() == 2


def test_a_photo_that_is_not_one_changes_nothing(city, as_user):
    _case, order = signed(city)
    client = as_user(city.users["dept"])
    fake = photo("fake.png")
    fake.file.write(b"not an image")
    fake.file.seek(0)
    fake.file.truncate(12)
    response = client.post(
        reverse("dispatch:resolve", args=[order.pk]), {"account": "已处理", "photos": [fake]}
    )
    assert response.status_code == 200
    assert "is not a photo GridGov accepts" in str(response.context["form"].non_field_errors())
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED


def test_resolving_a_pending_order_says_to_sign_first(city, as_user):
    _case, order = dispatched(city)
    response = as_user(city.users["dept"]).get(reverse("dispatch:resolve", args=[order.pk]))
    assert 'data-testid="resolve-form"' not in page_of(response)
    response = as_user(city.users["dept"]).post(
        reverse("dispatch:resolve", args=[order.pk]), {"account": "已处理"}, follow=True
    )
    assert messages_of(response) == ["Sign for the order (or check in) before resolving it."]


# Return, extension, rating


def test_return_needs_grounds_and_a_suggested_owner(city, as_user):
    case, order = dispatched(city)
    client = as_user(city.users["dept"])
    url = reverse("dispatch:return", args=[order.pk])
    key = f"order{order.pk}-return"
    response = client.post(url, {f"{key}-grounds": ""})
    assert response.status_code == 200
    form = order_form(response, order, "return")
    assert form.errors["grounds"] == ["Give the grounds for returning the order."]
    assert form.errors["suggested_owner"] == ["Suggest who should handle it instead."]
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING

    response = client.post(
        url,
        {f"{key}-grounds": "不属于本部门职责", f"{key}-suggested_department": city.departments[0].pk},
        follow=True,
    )
    order.refresh_from_db()
    case.refresh_from_db()
    assert order.status == OrderStatus.RETURNED
    assert order.suggested_department == city.departments[0]
    assert case.status == CaseStatus.ACCEPTED
    assert "suggested owner: " + city.departments[0].name in page_of(response)


def test_extension_asked_and_decided(city, as_user):
    case, order = signed(city)
    handler = as_user(city.users["dept"])
    key = f"order{order.pk}-extend"
    response = handler.post(
        reverse("dispatch:extend", args=[order.pk]), {f"{key}-hours": "0", f"{key}-reason": "x"}
    )
    assert "hours" in order_form(response, order, "extend").errors
    handler.post(
        reverse("dispatch:extend", args=[order.pk]), {f"{key}-hours": "24", f"{key}-reason": "需协调物业"}
    )
    request = ExtensionRequest.objects.get()
    assert request.minutes == 24 * 60
    assert "extend" not in handler.get(case_url(case)).context["orders"][0][1]

    street = as_user(city.users["street"])
    response = street.get(case_url(case))
    assert response.context["orders"][0][1] == {"decide"}
    url = reverse("dispatch:decide", args=[request.pk])
    key = f"order{order.pk}-decide"
    response = street.post(url, {f"{key}-decision": "refuse", f"{key}-note": ""})
    assert order_form(response, order, "decide").errors["note"] == ["Say why the extension is refused."]
    due = Deadline.objects.get(order=order, kind=DeadlineKind.RESOLVE).due_at
    street.post(url, {f"{key}-decision": "approve", f"{key}-note": "同意"})
    request.refresh_from_db()
    assert request.status == ExtensionStatus.APPROVED
    assert Deadline.objects.get(order=order, kind=DeadlineKind.RESOLVE).due_at > due
    assert as_user(other_handler(city)).post(url).status_code == 404


def test_no_extension_once_the_deadline_has_passed(city, as_user):
    case, _order = signed(city)
    sweep(now=timezone.now() + timedelta(days=30))
    response = as_user(city.users["dept"]).get(case_url(case))
    assert "extend" not in response.context["orders"][0][1]


def test_rate_the_departments_response(city, as_user):
    case, order = signed(city)
    order_resolve(order=order, actor=city.users["dept"], account="已处理")
    street = as_user(city.users["street"])
    assert "rate" in street.get(case_url(case)).context["orders"][0][1]
    key = f"order{order.pk}-rate"
    response = street.post(reverse("dispatch:rate", args=[order.pk]), {f"{key}-rating": "9"})
    assert "rating" in order_form(response, order, "rate").errors
    street.post(reverse("dispatch:rate", args=[order.pk]), {f"{key}-rating": "4", f"{key}-comment": "及时"})
    order.refresh_from_db()
    assert order.response_rating == 4
    assert "rate" not in street.get(case_url(case)).context["orders"][0][1]
    response = as_user(city.users["dept"]).post(
        reverse("dispatch:rate", args=[order.pk]), {f"{key}-rating": "1"}
    )
    assert messages_of(response) == ["Only the level that called the department may rate it."]


def test_the_case_page_of_a_handler_costs_a_fixed_number_of_queries(city, as_user, django_assert_num_queries):
    case, _order = dispatched(city)
    client = as_user(city.users["dept"])
    client.get(case_url(case))
    # session, user, roles and the areas their departments serve, case, timeline, its attachments,
    # department names, orders, their deadlines, their pending extensions, visible ancestors, the case's
    # deadlines, the work calendar, the departments of the return form, and the session's refresh (in a
    # savepoint)
    with django_assert_num_queries(18):
        assert client.get(case_url(case)).status_code == 200
