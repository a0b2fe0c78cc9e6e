"""Member registration (在职党员到社区报到) and service logs through the services: each action's happy
path, each refusal (a clear error, nothing changed), both sides' access and the scoping of the rows."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from apps.accounts.roles import Role
from apps.accounts.scope import VIEW, user_scope
from apps.party.choices import RegistrationAction, RegistrationSource, RegistrationState
from apps.party.demo import demo_registrations
from apps.party.models import MemberRegistration, RegistrationEvent, ServiceRecord
from apps.party.selectors import organisation_service_places, registration_communities, registrations
from apps.party.services import registration_assign, registration_create, registration_end, service_log
from tests.dispatch.support import city_per_module
from tests.party.registration_support import (
    organisation_secretary,
    other_community_worker,
    user_with,
    working_member,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate

city = city_per_module()


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def register(city, member, *, actor=None, source=RegistrationSource.COMMUNITY, area=None, community=None):
    return registration_create(
        actor=actor, member=member, community=community or city.communities[0], source=source, area=area
    )


def counts() -> tuple[int, int, int]:
    return (
        MemberRegistration.objects.count(),
        RegistrationEvent.objects.count(),
        ServiceRecord.objects.count(),
    )


def refused(field: str | None, action) -> ValidationError:
    """The action is refused (on `field`, or as a whole when None) and changes nothing."""
    before = counts()
    with pytest.raises(ValidationError) as caught:
        action()
    assert counts() == before
    if field is None:
        assert not hasattr(caught.value, "error_dict")
    else:
        assert field in caught.value.message_dict, caught.value
    return caught.value


def test_the_community_registers_a_working_member_and_assigns_them(city):
    member = working_member(city)
    registration = register(city, member, actor=city.users["community"], area=city.grids[0])
    assert registration.state == RegistrationState.ACTIVE
    assert (registration.community_id, registration.grid_id, registration.building_id) == (
        city.communities[0].pk,
        city.grids[0].pk,
        None,
    )
    assert registration.registered_by == city.users["community"]
    event = registration.events.get()
    assert (event.action, event.to_state, event.actor) == (
        RegistrationAction.REGISTERED,
        RegistrationState.ACTIVE,
        city.users["community"],
    )


def test_the_organisation_registers_its_member_with_a_community_elsewhere(city):
    secretary = organisation_secretary(city)
    registration = register(
        city, working_member(city), actor=secretary, source=RegistrationSource.ORGANISATION
    )
    assert registration.area == city.communities[0]
    assert registration.grid_id is None
    assert registration.source == RegistrationSource.ORGANISATION


def test_each_side_registers_only_as_itself(city):
    member = working_member(city)
    # The organisation's secretary holds nothing at the community; the community worker nothing over
    # the organisation.
    refused("source", lambda: register(city, member, actor=organisation_secretary(city)))
    refused(
        "source",
        lambda: register(city, member, actor=city.users["community"], source=RegistrationSource.ORGANISATION),
    )
    refused("source", lambda: register(city, member, actor=city.users["gridworker"]))


def test_a_member_who_is_not_a_working_member_is_refused(city):
    member = working_member(city, "退休党员", working=False)
    error = refused("member", lambda: register(city, member, actor=city.users["community"]))
    assert "working members" in error.message_dict["member"][0]


def test_members_register_with_a_community_only(city):
    member = working_member(city)
    refused("community", lambda: register(city, member, community=city.streets[0]))
    refused("community", lambda: register(city, member, community=city.grids[0]))


def test_a_second_active_registration_is_refused_until_the_first_ends(city):
    member = working_member(city)
    first = register(city, member)
    refused("member", lambda: register(city, member, community=city.communities[1]))
    registration_end(actor=None, registration=first, reason="搬家")
    second = register(city, member, community=city.communities[1])
    assert second.community_id == city.communities[1].pk


def test_assigning_outside_the_community_is_refused(city):
    registration = register(city, working_member(city))
    worker = city.users["community"]
    for outside in (city.grids[2], city.buildings[4], city.communities[0], city.streets[0]):
        refused(
            "area",
            lambda area=outside: registration_assign(actor=worker, registration=registration, area=area),
        )
    registration.refresh_from_db()
    assert registration.area == city.communities[0]


def test_the_community_assigns_to_a_building_and_the_timeline_says_so(city):
    registration = register(city, working_member(city), area=city.grids[0])
    registration_assign(actor=city.users["community"], registration=registration, area=city.buildings[2])
    registration.refresh_from_db()
    assert (registration.grid_id, registration.building_id) == (city.grids[1].pk, city.buildings[2].pk)
    event = registration.events.last()
    assert event.action == RegistrationAction.ASSIGNED
    assert event.data == {"from_area": city.grids[0].pk, "to_area": city.buildings[2].pk}
    refused(
        "area", lambda: registration_assign(actor=None, registration=registration, area=city.buildings[2])
    )


def test_only_the_community_side_assigns(city):
    registration = register(city, working_member(city))
    secretary = organisation_secretary(city)
    refused(None, lambda: registration_assign(actor=secretary, registration=registration, area=city.grids[0]))
    refused(
        None,
        lambda: registration_assign(
            actor=other_community_worker(city), registration=registration, area=city.grids[0]
        ),
    )


def test_either_side_ends_a_registration_once_with_a_reason(city):
    registration = register(city, working_member(city))
    secretary = organisation_secretary(city)
    refused("reason", lambda: registration_end(actor=secretary, registration=registration, reason="  "))
    refused(
        None,
        lambda: registration_end(actor=other_community_worker(city), registration=registration, reason="x"),
    )
    registration_end(actor=secretary, registration=registration, reason="调动到外地工作")
    registration.refresh_from_db()
    assert registration.state == RegistrationState.ENDED
    assert registration.ended_at is not None
    assert registration.end_reason == "调动到外地工作"
    event = registration.events.last()
    assert (event.from_state, event.to_state) == (RegistrationState.ACTIVE, RegistrationState.ENDED)
    refused(None, lambda: registration_end(actor=None, registration=registration, reason="again"))
    refused(
        None,
        lambda: registration_assign(actor=None, registration=registration, area=city.grids[0]),
    )


def test_the_community_logs_service_placed_where_the_member_serves(city):
    registration = register(city, working_member(city), area=city.buildings[0])
    record = service_log(
        actor=city.users["community"],
        registration=registration,
        title="清理楼道杂物",
        served_on=TODAY(),
        hours=Decimal("2.5"),
    )
    assert (record.building_id, record.grid_id, record.community_id) == (
        city.buildings[0].pk,
        city.grids[0].pk,
        city.communities[0].pk,
    )
    assert record.recorded_by == city.users["community"]
    event = registration.events.last()
    assert event.action == RegistrationAction.SERVICE_LOGGED
    assert event.data["hours"] == "2.5"


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("hours", {"hours": Decimal(0)}),
        ("hours", {"hours": Decimal(25)}),
        ("hours", {"hours": Decimal("-1")}),
        ("hours", {"hours": Decimal("1.25")}),
        ("served_on", {"served_on": "tomorrow"}),
        ("title", {"title": "  "}),
    ],
)
def test_bad_service_is_refused(city, field, changes):
    registration = register(city, working_member(city))
    data = {"title": "政策宣讲", "served_on": TODAY(), "hours": Decimal(2), **changes}
    if data["served_on"] == "tomorrow":
        data["served_on"] = TODAY() + datetime.timedelta(days=1)
    refused(field, lambda: service_log(actor=city.users["community"], registration=registration, **data))


def test_twenty_four_hours_is_the_most(city):
    registration = register(city, working_member(city))
    record = service_log(
        actor=None, registration=registration, title="值守", served_on=TODAY(), hours=Decimal(24)
    )
    assert record.hours == 24


def test_service_is_logged_by_the_community_side_on_active_registrations_only(city):
    registration = register(city, working_member(city))
    data = {"title": "政策宣讲", "served_on": TODAY(), "hours": Decimal(1)}
    secretary = organisation_secretary(city)
    refused(None, lambda: service_log(actor=secretary, registration=registration, **data))
    registration_end(actor=None, registration=registration, reason="结束")
    refused(None, lambda: service_log(actor=None, registration=registration, **data))


def test_both_sides_see_the_registration_and_no_one_else(city):
    registration = register(city, working_member(city), area=city.grids[0])
    record = service_log(
        actor=None, registration=registration, title="x", served_on=TODAY(), hours=Decimal(1)
    )
    sees = {
        "community": True,
        "party": True,
        "street": True,
        "district": True,
        "gridworker": True,
        "building": False,  # the first building of the first grid: the member serves the whole grid
        "dept": False,
    }
    for username, expected in sees.items():
        user = city.users[username]
        assert (
            MemberRegistration.objects.restrict(user, VIEW).filter(pk=registration.pk).exists() is expected
        ), username
        assert ServiceRecord.objects.restrict(user, VIEW).filter(pk=record.pk).exists() is expected, username
    assert not MemberRegistration.objects.restrict(other_community_worker(city), VIEW).exists()
    secretary = organisation_secretary(city)
    assert list(MemberRegistration.objects.restrict(secretary, VIEW)) == [registration]
    assert list(ServiceRecord.objects.restrict(secretary, VIEW)) == [record]
    # The organisation side sees, but changes only what its "party.change" covers: its own members.
    assert list(MemberRegistration.objects.restrict(secretary, "change")) == [registration]
    gridworker_two = user_with("gridtwo", Role.GRID_WORKER, city.grids[1])
    assert not MemberRegistration.objects.restrict(gridworker_two, VIEW).exists()


def test_the_list_selector_counts_hours_this_year_and_activity(city, django_assert_num_queries):
    serving = register(city, working_member(city, "甲"))
    idle = register(city, working_member(city, "乙"))
    silent = register(city, working_member(city, "丙"))
    service_log(actor=None, registration=serving, title="a", served_on=TODAY(), hours=Decimal(2))
    service_log(actor=None, registration=serving, title="b", served_on=TODAY(), hours=Decimal("1.5"))
    long_ago = TODAY() - datetime.timedelta(days=400)
    service_log(actor=None, registration=serving, title="c", served_on=long_ago, hours=Decimal(3))
    service_log(
        actor=None,
        registration=idle,
        title="d",
        served_on=TODAY() - datetime.timedelta(days=91),
        hours=Decimal(1),
    )
    user_scope(city.users["community"])  # the scope is loaded once per request
    with django_assert_num_queries(1):
        rows = {row.pk: row for row in registrations(city.users["community"])}
    assert rows[serving.pk].hours_this_year == Decimal("3.5")
    assert rows[serving.pk].last_served_on == TODAY()
    assert rows[serving.pk].is_serving is True
    assert rows[idle.pk].is_serving is False
    assert rows[silent.pk].is_serving is False
    assert rows[silent.pk].hours_this_year == 0
    assert rows[silent.pk].last_served_on is None
    registration_end(actor=None, registration=serving, reason="x")
    assert registrations(city.users["community"]).get(pk=serving.pk).is_serving is False


def test_where_an_organisations_members_serve(city, django_assert_num_queries):
    first, second, third = (working_member(city, name) for name in ("甲", "乙", "丙"))
    register(city, first)
    register(city, second)
    register(city, third, community=city.communities[3])
    service_log(
        actor=None, registration=first.registrations.get(), title="a", served_on=TODAY(), hours=Decimal(1)
    )
    organisation = first.organisation
    secretary = organisation_secretary(city)
    user_scope(secretary)
    with django_assert_num_queries(1):
        places = organisation_service_places(secretary, organisation)
    assert [(p.community_id, p.registered, p.serving) for p in places] == [
        (city.communities[0].pk, 2, 1),
        (city.communities[3].pk, 1, 0),
    ]
    # The first community's worker sees the registrations with their community only.
    assert [
        (p.community_id, p.registered)
        for p in organisation_service_places(city.users["community"], organisation)
    ] == [(city.communities[0].pk, 2)]


def test_communities_to_register_with_are_those_of_the_users_districts(city):
    secretary = organisation_secretary(city)
    assert set(registration_communities(secretary)) == set(city.communities)
    assert not registration_communities(city.users["gridworker"]).exists()
    assert not registration_communities(city.users["dept"]).exists()


def test_the_demo_registers_members_once(city):
    made = demo_registrations()
    assert made == 8
    assert MemberRegistration.objects.count() == 8
    assert ServiceRecord.objects.count() > 8
    assert MemberRegistration.objects.filter(grid__isnull=False).count() >= 4
    before = counts()
    assert demo_registrations() == 0
    assert counts() == before
