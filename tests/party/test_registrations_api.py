"""Member registrations and service records through the API: scoped lists with pinned costs, registering,
assigning, ending and logging service, with 400s that name the field and change nothing."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.party.choices import RegistrationAction, RegistrationSource, RegistrationState
from apps.party.models import MemberRegistration, PartyOrganisation, RegistrationEvent, ServiceRecord
from apps.party.services import registration_create, service_log
from tests.api_helpers import api_as, assert_list_cost, fields_of, ids
from tests.dispatch.support import city_per_module
from tests.party.registration_support import organisation_secretary, other_community_worker, working_member

pytestmark = pytest.mark.django_db
REGISTRATIONS = reverse("api:party-registration-list")
RECORDS = reverse("api:party-service-record-list")

city = city_per_module()


def register(city, name: str = "在职党员甲", **kwargs):
    kwargs.setdefault("community", city.communities[0])
    kwargs.setdefault("source", RegistrationSource.COMMUNITY)
    return registration_create(actor=None, member=working_member(city, name), **kwargs)


def url_of(registration, action: str = "") -> str:
    if action:
        return reverse(f"api:party-registration-{action}", args=[registration.pk])
    return reverse("api:party-registration-detail", args=[registration.pk])


def test_both_sides_list_the_registration_and_others_do_not(city):
    registration = register(city, area=city.grids[0])
    service_log(actor=None, registration=registration, title="x", served_on=timezone.localdate(), hours=2)
    for user in (city.users["community"], city.users["gridworker"], organisation_secretary(city)):
        assert ids(api_as(user).get(REGISTRATIONS)) == {registration.pk}
    outsider = api_as(other_community_worker(city))
    assert ids(outsider.get(REGISTRATIONS)) == set()
    assert ids(outsider.get(RECORDS)) == set()
    body = api_as(city.users["community"]).get(REGISTRATIONS).json()["results"][0]
    assert list(body)[:3] == ["id", "url", "display"]
    assert body["member_name"] == "在职党员甲"
    assert body["grid"] == city.grids[0].pk
    assert (body["hours_this_year"], body["is_active"], body["state"]) == ("2.0", True, "active")


def test_out_of_scope_registrations_are_not_found(city):
    registration = register(city)
    api = api_as(other_community_worker(city))
    assert api.get(url_of(registration)).status_code == 404
    assert api.post(url_of(registration, "end"), {"reason": "x"}).status_code == 404
    assert api.post(url_of(registration, "assign"), {"area": city.grids[2].pk}).status_code == 404


def test_the_list_filters(city):
    serving = register(city, "甲", area=city.grids[0])
    register(city, "乙", area=city.grids[1])
    service_log(actor=None, registration=serving, title="x", served_on=timezone.localdate(), hours=2)
    api = api_as(city.users["community"])
    assert ids(api.get(REGISTRATIONS, {"active": "true"})) == {serving.pk}
    assert ids(api.get(REGISTRATIONS, {"q": "甲"})) == {serving.pk}
    assert ids(api.get(REGISTRATIONS, {"grid": city.grids[0].pk})) == {serving.pk}
    assert len(ids(api.get(REGISTRATIONS, {"active": "false"}))) == 1
    assert ids(api.get(RECORDS, {"registration": serving.pk})) == set(
        serving.service_records.values_list("pk", flat=True)
    )


def local_member(city, name: str = "在职党员乙", **kwargs):
    """A working member of the first community's first grid branch, whom the community's worker sees."""
    return working_member(
        city, name, organisation=PartyOrganisation.objects.get(area=city.grids[0]), **kwargs
    )


def test_a_member_is_registered_and_assigned_and_ended(city):
    member = local_member(city)
    api = api_as(city.users["community"])
    response = api.post(
        REGISTRATIONS,
        {"member": member.pk, "community": city.communities[0].pk, "source": RegistrationSource.COMMUNITY},
        format="json",
    )
    assert response.status_code == 201, response.json()
    registration = MemberRegistration.objects.get(member=member)
    assert response.json()["id"] == registration.pk
    assert [event["action"] for event in response.json()["events"]] == [RegistrationAction.REGISTERED]
    response = api.post(url_of(registration, "assign"), {"area": city.buildings[3].pk}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["area"], response.json()["building"]) == (
        city.buildings[3].pk,
        city.buildings[3].pk,
    )
    response = api.post(url_of(registration, "end"), {"reason": "搬家"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == RegistrationState.ENDED
    assert len(response.json()["events"]) == 3


def test_bad_registrations_are_400s_that_change_nothing(city):
    member = local_member(city)
    retired = local_member(city, "退休党员", working=False)
    api = api_as(city.users["community"])
    data = {"member": member.pk, "community": city.communities[0].pk, "source": RegistrationSource.COMMUNITY}
    assert "member" in fields_of(api.post(REGISTRATIONS, {**data, "member": retired.pk}, format="json"))
    assert "community" in fields_of(
        api.post(REGISTRATIONS, {**data, "community": city.streets[0].pk}, format="json")
    )
    assert "area" in fields_of(api.post(REGISTRATIONS, {**data, "area": city.grids[2].pk}, format="json"))
    assert "source" in fields_of(api.post(REGISTRATIONS, {**data, "source": "x"}, format="json"))
    assert MemberRegistration.objects.count() == 0
    assert api.post(REGISTRATIONS, data, format="json").status_code == 201
    again = fields_of(api.post(REGISTRATIONS, data, format="json"))
    assert "already registered" in again["member"][0]
    assert MemberRegistration.objects.count() == 1
    assert RegistrationEvent.objects.count() == 1


def test_a_member_the_user_does_not_see_cannot_be_named(city):
    member = working_member(city)
    data = {"member": member.pk, "community": city.communities[0].pk, "source": RegistrationSource.COMMUNITY}
    assert "member" in fields_of(api_as(city.users["community"]).post(REGISTRATIONS, data, format="json"))
    # The member's organisation registers them from its side.
    data["source"] = RegistrationSource.ORGANISATION
    assert api_as(organisation_secretary(city)).post(REGISTRATIONS, data, format="json").status_code == 201


def test_registering_needs_a_changing_role(city):
    member = local_member(city)
    data = {"member": member.pk, "community": city.communities[0].pk, "source": RegistrationSource.COMMUNITY}
    assert api_as(city.users["gridworker"]).post(REGISTRATIONS, data, format="json").status_code == 403


def test_service_is_logged_and_bad_service_refused(city):
    registration = register(city, area=city.grids[0])
    api = api_as(city.users["community"])
    today = timezone.localdate()
    good = {
        "registration": registration.pk,
        "title": "交通文明劝导",
        "served_on": today.isoformat(),
        "hours": "2.5",
    }
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    for bad, field in (
        ({"hours": "0"}, "hours"),
        ({"hours": "25"}, "hours"),
        ({"served_on": tomorrow}, "served_on"),
    ):
        assert field in fields_of(api.post(RECORDS, {**good, **bad}, format="json")), bad
    assert ServiceRecord.objects.count() == 0
    response = api.post(RECORDS, good, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["grid"] == city.grids[0].pk
    assert ServiceRecord.objects.get().hours == Decimal("2.5")
    # The organisation side reads the log but does not write it.
    secretary = api_as(organisation_secretary(city))
    assert ids(secretary.get(RECORDS)) == {response.json()["id"]}
    assert secretary.post(RECORDS, good, format="json").status_code in (400, 403)
    assert ServiceRecord.objects.count() == 1


def test_lists_cost_the_same_queries_whatever_the_page_size(city, django_assert_num_queries):
    today = timezone.localdate()
    for n in range(50):
        registration = register(city, f"党员{n:02d}", area=city.grids[n % 2])
        service_log(actor=None, registration=registration, title="x", served_on=today, hours=1)
    api = api_as(city.users["community"])
    # token with user, role scope, COUNT, page
    assert_list_cost(django_assert_num_queries, api, REGISTRATIONS, 4)
    assert_list_cost(django_assert_num_queries, api, RECORDS, 4)
