"""The member registration pages through the real views: the list tab with its filters and pinned query
count, registering, the detail with its forms (assign, log service, end), and the organisation's view of
where its members serve."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.roles import Role
from apps.party.choices import RegistrationSource, RegistrationState
from apps.party.models import MemberRegistration, PartyOrganisation, RegistrationEvent, ServiceRecord
from apps.party.services import registration_create, registration_end, service_log
from tests.dispatch.support import city_per_module
from tests.party.registration_support import (
    organisation_secretary,
    other_community_worker,
    user_with,
    working_member,
)

pytestmark = pytest.mark.django_db
LIST = reverse("party:registration_list")
CREATE = reverse("party:registration_create")

city = city_per_module()


def register(city, name: str = "在职党员甲", *, area=None, community=None):
    return registration_create(
        actor=None,
        member=working_member(city, name),
        community=community or city.communities[0],
        source=RegistrationSource.COMMUNITY,
        area=area,
    )


def detail(registration) -> str:
    return reverse("party:registration_detail", args=[registration.pk])


def names(response) -> list[str]:
    return [row.member.name for row in response.context["page_obj"]]


def test_the_list_shows_who_is_registered_and_active(city, as_user):
    serving = register(city, "甲", area=city.grids[0])
    register(city, "乙")
    service_log(actor=None, registration=serving, title="x", served_on=timezone.localdate(), hours=Decimal(2))
    response = as_user(city.users["community"]).get(LIST)
    assert response.status_code == 200
    assert sorted(names(response)) == ["乙", "甲"]
    assert response.context["may_register"] is True
    html = response.content.decode()
    assert reverse("party:registration_create") in html
    assert html.count('data-testid="registration-row"') == 2
    row = next(row for row in response.context["page_obj"] if row.pk == serving.pk)
    assert (row.hours_this_year, row.is_serving) == (Decimal(2), True)


def test_the_list_filters(city, as_user):
    serving = register(city, "甲", area=city.grids[0])
    register(city, "乙", area=city.grids[1])
    ended = register(city, "丙")
    registration_end(actor=None, registration=ended, reason="x")
    service_log(actor=None, registration=serving, title="x", served_on=timezone.localdate(), hours=Decimal(2))
    # A member of another organisation of the same community as the first three members' organisation.
    other_org = working_member(city, "丁", organisation=PartyOrganisation.objects.get(area=city.grids[5]))
    registration_create(
        actor=None, member=other_org, community=city.communities[0], source=RegistrationSource.COMMUNITY
    )
    client = as_user(city.users["community"])
    assert names(client.get(LIST, {"q": "甲"})) == ["甲"]
    assert names(client.get(LIST, {"state": RegistrationState.ENDED})) == ["丙"]
    assert names(client.get(LIST, {"activity": "serving"})) == ["甲"]
    assert sorted(names(client.get(LIST, {"activity": "idle"}))) == ["丁", "丙", "乙"]
    assert names(client.get(LIST, {"grid": city.grids[1].pk})) == ["乙"]
    secretary = as_user(organisation_secretary(city))
    assert len(names(secretary.get(LIST))) == 4
    response = secretary.get(LIST, {"organisation": serving.member.organisation_id})
    assert sorted(names(response)) == ["丙", "乙", "甲"]
    assert response.context["organisation"] == serving.member.organisation
    # A grid nobody is registered in is not a choice: the filter is ignored, not an error page.
    assert client.get(LIST, {"grid": city.grids[2].pk}).status_code == 200


def test_the_list_is_scoped(city, as_user):
    register(city, "甲")
    assert names(as_user(other_community_worker(city)).get(LIST)) == []
    assert names(as_user(organisation_secretary(city)).get(LIST)) == ["甲"]
    assert as_user(city.users["dept"]).get(LIST).status_code == 403


def test_the_list_costs_the_same_queries_for_5_and_30_rows(city, as_user, django_assert_num_queries):
    client = as_user(city.users["community"])
    for n in range(5):
        registration = register(city, f"党员{n:02d}", area=city.grids[n % 2])
        service_log(actor=None, registration=registration, title="x", served_on=timezone.localdate(), hours=1)
    # session, user, scope, count, grid choices, page, and the session saved (savepoint, update, release)
    with django_assert_num_queries(9):
        assert len(client.get(LIST).context["page_obj"]) == 5
    for n in range(5, 30):
        register(city, f"党员{n:02d}", area=city.buildings[n % 4])
    with django_assert_num_queries(9):
        assert len(client.get(LIST).context["page_obj"]) == 30


def test_a_member_is_registered_through_the_form(city, as_user):
    member = working_member(city)
    client = as_user(organisation_secretary(city))
    form = client.get(CREATE).context["form"]
    assert member in form.fields["member"].queryset
    assert city.communities[0] in form.fields["community"].queryset
    response = client.post(
        CREATE,
        {"member": member.pk, "community": city.communities[0].pk, "source": RegistrationSource.ORGANISATION},
    )
    registration = MemberRegistration.objects.get(member=member)
    assert response.status_code == 302
    assert response.url == detail(registration)
    assert registration.source == RegistrationSource.ORGANISATION


def test_registration_errors_are_shown_and_nothing_is_written(city, as_user):
    member = working_member(city)
    not_working = working_member(city, "退休党员", working=False)
    client = as_user(organisation_secretary(city))
    data = {
        "member": member.pk,
        "community": city.communities[0].pk,
        "source": RegistrationSource.ORGANISATION,
    }
    response = client.post(CREATE, {**data, "member": not_working.pk})
    assert response.status_code == 200
    assert "member" in response.context["form"].errors
    # The secretary holds nothing at the community: registering from its side is refused.
    response = client.post(CREATE, {**data, "source": RegistrationSource.COMMUNITY})
    assert "source" in response.context["form"].errors
    client.post(CREATE, data)
    response = client.post(CREATE, {**data, "community": city.communities[1].pk})
    assert "member" in response.context["form"].errors
    assert "already registered" in response.content.decode()
    assert MemberRegistration.objects.count() == 1


def test_registering_needs_a_changing_role(city, as_user):
    assert as_user(city.users["gridworker"]).get(CREATE).status_code == 403
    assert as_user(city.users["community"]).get(CREATE).status_code == 200


def test_the_detail_shows_forms_by_side(city, as_user):
    registration = register(city, area=city.grids[0])
    service_log(
        actor=None, registration=registration, title="政策宣讲", served_on=timezone.localdate(), hours=1
    )
    response = as_user(city.users["community"]).get(detail(registration))
    assert response.status_code == 200
    html = response.content.decode()
    for testid in ("assign-form", "log-form", "end-form", "service-row", "timeline"):
        assert f'data-testid="{testid}"' in html, testid
    assert "政策宣讲" in html
    context = as_user(organisation_secretary(city)).get(detail(registration)).context
    assert (context["may_assign"], context["may_log"], context["may_end"]) == (False, False, True)
    context = as_user(city.users["gridworker"]).get(detail(registration)).context
    assert (context["may_assign"], context["may_log"], context["may_end"]) == (False, False, False)
    assert as_user(other_community_worker(city)).get(detail(registration)).status_code == 404


def test_assigning_through_the_page(city, as_user):
    registration = register(city)
    client = as_user(city.users["community"])
    url = reverse("party:registration_assign", args=[registration.pk])
    response = client.post(url, {"area": city.buildings[1].pk})
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.area == city.buildings[1]
    response = client.post(url, {"area": city.grids[2].pk})
    assert response.status_code == 200
    assert "area" in response.context["assign_form"].errors
    registration.refresh_from_db()
    assert registration.area == city.buildings[1]
    assert as_user(organisation_secretary(city)).post(url, {"area": city.grids[0].pk}).status_code == 403
    assert as_user(other_community_worker(city)).post(url, {"area": city.grids[0].pk}).status_code == 404


def test_the_service_log_form_sent_twice_logs_once(city, as_user):
    registration = register(city, area=city.grids[0])
    client = as_user(city.users["community"])
    page = client.get(reverse("party:registration_detail", args=[registration.pk]))
    key = page.context["log_form"]["submission_key"].value()
    assert f'name="submission_key" value="{key}"' in page.content.decode()
    url = reverse("party:service_log", args=[registration.pk])
    data = {
        "title": "陪伴独居老人",
        "served_on": timezone.localdate().isoformat(),
        "hours": "1",
        "submission_key": key,
    }
    assert [client.post(url, data).status_code for _ in range(2)] == [302, 302]
    assert ServiceRecord.objects.filter(registration=registration).count() == 1


def test_logging_service_through_the_page(city, as_user):
    registration = register(city, area=city.grids[0])
    client = as_user(city.users["community"])
    url = reverse("party:service_log", args=[registration.pk])
    today = timezone.localdate()
    response = client.post(url, {"title": "陪伴独居老人", "served_on": today.isoformat(), "hours": "1.5"})
    assert response.status_code == 302
    assert ServiceRecord.objects.get(registration=registration).hours == Decimal("1.5")
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    for bad, field in (
        ({"hours": "25"}, "hours"),
        ({"hours": "0"}, "hours"),
        ({"served_on": tomorrow}, "served_on"),
    ):
        data = {"title": "x", "served_on": today.isoformat(), "hours": "1", **bad}
        response = client.post(url, data)
        assert response.status_code == 200
        assert field in response.context["log_form"].errors, bad
        assert "invalid-feedback" in response.content.decode()
    assert ServiceRecord.objects.count() == 1
    assert as_user(organisation_secretary(city)).post(url, {"title": "x"}).status_code == 403


def test_ending_through_the_page(city, as_user):
    registration = register(city)
    client = as_user(organisation_secretary(city))
    url = reverse("party:registration_end", args=[registration.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["end_form"].errors
    events = RegistrationEvent.objects.count()
    assert client.post(url, {"reason": "调动"}).status_code == 302
    registration.refresh_from_db()
    assert registration.state == RegistrationState.ENDED
    assert RegistrationEvent.objects.count() == events + 1
    # Ended: no more actions.
    assert client.post(url, {"reason": "again"}).status_code == 403


def test_the_organisation_sees_where_its_members_serve(city, as_user):
    registration = register(city, "甲")
    register(city, "乙", community=city.communities[3])
    organisation = registration.member.organisation
    client = as_user(organisation_secretary(city))
    page = client.get(reverse("party:organisation_detail", args=[organisation.pk])).content.decode()
    places_url = reverse("party:organisation_service_places", args=[organisation.pk])
    assert places_url in page
    assert f"{LIST}?organisation={organisation.pk}" in page
    response = client.get(places_url)
    assert [(p.community_id, p.registered) for p in response.context["places"]] == [
        (city.communities[0].pk, 1),
        (city.communities[3].pk, 1),
    ]
    assert response.content.decode().count('data-testid="service-place-row"') == 2
    outsider = user_with("outsider", Role.COMMUNITY_WORKER, city.communities[1])
    assert as_user(outsider).get(places_url).status_code == 404


def test_the_admin_shows_registrations_and_service_read_only(city, client, superuser):
    registration = register(city, area=city.grids[0])
    record = service_log(
        actor=None, registration=registration, title="x", served_on=timezone.localdate(), hours=1
    )
    client.force_login(superuser)
    for url in (
        reverse("admin:party_memberregistration_changelist"),
        reverse("admin:party_memberregistration_change", args=[registration.pk]),
        reverse("admin:party_servicerecord_changelist"),
        reverse("admin:party_servicerecord_change", args=[record.pk]),
    ):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("admin:party_memberregistration_add")).status_code == 403
