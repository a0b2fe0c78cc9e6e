"""The admin of cases and dispatch: every page renders for a superuser, categories and routing rules are
written through their services, an SLA policy edit writes a new version, the rest is read-only and
restricted to the user's scope."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from apps.accounts.services import user_create
from apps.cases.choices import HandlingLevel
from apps.cases.models import Category, RoutingRule
from apps.cases.services import case_accept
from apps.dispatch.choices import OrderKind, SupervisionLevel
from apps.dispatch.deadlines import sweep
from apps.dispatch.models import (
    Deadline,
    DispatchOrder,
    Escalation,
    ExtensionRequest,
    SlaPolicy,
    Supervision,
    Whistle,
)
from apps.dispatch.services import extension_request, supervise, whistle_blow
from apps.workcalendar.choices import Clock
from tests.builders import PASSWORD
from tests.cases.api_support import dispatched, report

pytestmark = pytest.mark.django_db


@pytest.fixture
def everything(city):
    """At least one row of every model the admin shows."""
    case, order = dispatched(city)
    extension_request(order=order, actor=city.users["dept"], minutes=60, reason="协调")
    supervise(case=case, actor=city.users["street"], level=SupervisionLevel.NORMAL, note="请尽快")
    urgent = case_accept(
        case=report(city, actor="community", area=city.grids[0], category=city.categories[4]),
        actor=city.users["community"],
    )
    whistle_blow(
        case=urgent,
        kind=OrderKind.EMERGENCY,
        departments=[city.departments[1]],
        actor=city.users["community"],
        reason="燃气",
    )
    sweep(now=timezone.now() + timedelta(minutes=31))
    RoutingRule.objects.create(category=city.categories[1], handling_level=HandlingLevel.GRID)
    return case


ADMINS = [
    ("cases", "category", Category),
    ("cases", "routingrule", RoutingRule),
    ("cases", "case", None),
    ("dispatch", "dispatchorder", DispatchOrder),
    ("dispatch", "deadline", Deadline),
    ("dispatch", "whistle", Whistle),
    ("dispatch", "escalation", Escalation),
    ("dispatch", "supervision", Supervision),
    ("dispatch", "extensionrequest", ExtensionRequest),
    ("dispatch", "slapolicy", SlaPolicy),
]


@pytest.mark.parametrize("page", ADMINS, ids=[model for _app, model, _cls in ADMINS])
def test_every_page_renders_for_a_superuser(client, superuser, everything, page):
    app, model, cls = page
    client.force_login(superuser)
    changelist = client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert changelist.status_code == 200
    pk = everything.pk if cls is None else cls.objects.order_by("pk").first().pk
    assert client.get(reverse(f"admin:{app}_{model}_change", args=[pk])).status_code == 200
    assert client.post(reverse(f"admin:{app}_{model}_delete", args=[pk])).status_code == 403


def test_only_categories_rules_and_policies_can_be_added(client, superuser, everything):
    client.force_login(superuser)
    for app, model, _cls in ADMINS:
        expected = 200 if model in {"category", "routingrule", "slapolicy"} else 403
        assert client.get(reverse(f"admin:{app}_{model}_add")).status_code == expected, model


def test_the_case_page_shows_the_phone_masked_and_the_timeline(client, superuser, city):
    case = report(city, reporter_phone="13800138000")
    client.force_login(superuser)
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert "138****8000" in page
    assert "13800138000" not in page
    assert case.follow_token not in page
    assert "report" in page


def test_a_policy_edit_writes_a_new_version_and_leaves_the_old_row(client, superuser, city):
    _case, order = dispatched(city)
    old = SlaPolicy.objects.get(kind=OrderKind.DISPATCH, is_active=True)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:dispatch_slapolicy_change", args=[old.pk]),
        {
            "accept_minutes": 90,
            "accept_clock": Clock.WORKING,
            "resolve_minutes": old.resolve_minutes,
            "resolve_clock": old.resolve_clock,
            "warn_percents": "[50, 75]",
            "note": "签收 1.5 工作小时",
        },
    )
    assert response.status_code == 302
    versions = list(SlaPolicy.objects.filter(kind=OrderKind.DISPATCH).order_by("version"))
    assert [(p.version, p.is_active, p.accept_minutes) for p in versions] == [(1, False, 120), (2, True, 90)]
    assert versions[1].warn_percents == [50, 75]
    assert versions[1].created_by == superuser
    assert DispatchOrder.objects.get(pk=order.pk).policy_id == old.pk


def test_a_policy_added_in_the_admin_is_version_one_of_a_new_line(client, superuser, city):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:dispatch_slapolicy_add"),
        {
            "kind": OrderKind.QUICK,
            "category": city.categories[0].pk,
            "level": 2,
            "accept_minutes": 30,
            "accept_clock": Clock.WORKING,
            "resolve_minutes": 900,
            "resolve_clock": Clock.WORKING,
            "warn_percents": "[50]",
            "note": "",
        },
    )
    assert response.status_code == 302
    added = SlaPolicy.objects.get(kind=OrderKind.QUICK, category=city.categories[0])
    assert (added.version, added.level, added.is_active) == (1, 2, True)


def test_a_bad_policy_is_refused_with_a_message_and_nothing_written(client, superuser):
    old = SlaPolicy.objects.get(kind=OrderKind.DISPATCH, is_active=True)
    client.force_login(superuser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the messages compare with their msgids
    response = client.post(
        reverse("admin:dispatch_slapolicy_change", args=[old.pk]),
        {
            "accept_minutes": 90,
            "accept_clock": Clock.WORKING,
            "resolve_minutes": 100,
            "resolve_clock": Clock.WORKING,
            "warn_percents": "[150]",
            "note": "",
        },
        follow=True,
    )
    assert "Warnings are percentages between 1 and 99." in response.content.decode()
    assert SlaPolicy.objects.filter(kind=OrderKind.DISPATCH).count() == 1


def test_categories_are_written_through_the_service(client, superuser, city):
    client.force_login(superuser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the messages compare with their msgids
    root = city.categories[0]
    response = client.post(
        reverse("admin:cases_category_add"),
        {"parent": root.pk, "code": "NEW1", "name": "新分类", "sort_order": 3, "is_active": "on"},
    )
    assert response.status_code == 302
    assert Category.objects.get(code="NEW1").parent == root
    # A category under its own subcategory is refused with the service's message.
    cycle = client.post(
        reverse("admin:cases_category_change", args=[root.pk]),
        {
            "parent": city.categories[1].pk,
            "code": root.code,
            "name": root.name,
            "sort_order": 0,
            "is_active": "on",
        },
        follow=True,
    )
    assert "A category cannot be placed under itself or its subcategories." in cycle.content.decode()
    assert Category.objects.get(pk=root.pk).parent is None


def test_routing_rules_replace_the_clashing_active_rule(client, superuser, city):
    first = RoutingRule.objects.create(category=city.categories[1], handling_level=HandlingLevel.GRID)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:cases_routingrule_add"),
        {
            "category": city.categories[1].pk,
            "handling_level": HandlingLevel.DEPARTMENT,
            "department": city.departments[0].pk,
            "is_active": "on",
            "note": "",
        },
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert not first.is_active
    assert (
        RoutingRule.objects.get(category=city.categories[1], is_active=True).department == city.departments[0]
    )


def test_a_staff_user_sees_only_the_cases_in_scope(client, city):
    here = report(city, title="本街道案件")
    there = report(city, actor=None, area=city.buildings[8], title="外街道案件")
    staff = city.users["street"]
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_case", "view_routingrule"]))
    client.force_login(staff)
    page = client.get(reverse("admin:cases_case_changelist")).content.decode()
    assert here.title in page
    assert there.title not in page
    assert client.get(reverse("admin:cases_case_change", args=[there.pk])).status_code == 302
    assert client.get(reverse("admin:cases_routingrule_add")).status_code == 403


def test_only_superusers_change_policies_and_categories(client, city):
    staff = user_create(username="ops", password=PASSWORD, is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_slapolicy", "change_slapolicy", "change_category"])
    )
    client.force_login(staff)
    policy = SlaPolicy.objects.filter(kind=OrderKind.DISPATCH).get()
    assert client.get(reverse("admin:dispatch_slapolicy_changelist")).status_code == 200
    response = client.post(
        reverse("admin:dispatch_slapolicy_change", args=[policy.pk]),
        {
            "accept_minutes": 1,
            "accept_clock": Clock.WORKING,
            "resolve_minutes": 1,
            "resolve_clock": Clock.WORKING,
        },
    )
    assert response.status_code == 403
    assert SlaPolicy.objects.filter(kind=OrderKind.DISPATCH).count() == 1
    assert client.get(reverse("admin:cases_category_add")).status_code == 403
