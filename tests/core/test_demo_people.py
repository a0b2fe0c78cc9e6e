"""The demo households: every building of the area filled, residents with valid fictional numbers, the
demo login's grid written through the services and the rest in bulk with the same values, and four weeks
of visits that leave the "today", coverage and overdue pages with something to show. One seed of the first
community (the whole district takes most of a minute) serves every assertion."""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import RoleAssignment, User
from apps.areas.choices import AreaLevel
from apps.areas.models import Area
from apps.cases.choices import Channel
from apps.core.demo_people import demo_people_seed
from apps.core.services import demo_seed
from apps.residents.choices import HouseholdAction, HouseholdKind
from apps.residents.identity import clean_id_number, id_facts
from apps.residents.models import Household, HouseholdEvent, Resident
from apps.residents.services import resident_reveal
from apps.visits import schedule
from apps.visits.models import Visit
from apps.visits.selectors import coverage, overdue_households, recent_visits, visits_due

pytestmark = pytest.mark.django_db

ANCESTORS = ["district_id", "street_id", "community_id", "grid_id", "building_id"]


def test_the_first_community_is_filled_and_its_grid_workers_have_work():  # noqa: PLR0915
    demo_seed()
    community = RoleAssignment.objects.get(user__username="community").area
    first_grid = RoleAssignment.objects.get(user__username="gridworker").area
    gridworker = User.objects.get(username="gridworker")

    written = demo_people_seed(within=community)

    # Every building holds as many households as its figure says, in units, floors and rooms.
    buildings = list(Area.objects.filter(community_id=community.pk, level=AreaLevel.BUILDING))
    per_building = Counter(Household.objects.values_list("building_id", flat=True))
    assert written == Household.objects.count() == sum(b.households for b in buildings)
    assert all(per_building[b.pk] == b.households for b in buildings)
    kinds = Counter(Household.objects.values_list("kind", flat=True))
    assert set(kinds) == set(HouseholdKind.values)
    assert kinds[HouseholdKind.OWNER_OCCUPIED] > kinds[HouseholdKind.RENTED] > kinds[HouseholdKind.VACANT]
    assert not Household.objects.filter(kind=HouseholdKind.SHOP).exclude(floor=1).exists()
    for household in Household.objects.select_related("building")[:500]:
        assert [getattr(household, c) for c in ANCESTORS] == [
            getattr(household.building, c) for c in ANCESTORS
        ]
        assert household.building.name in household.address
    colours = Counter(
        Household.objects.filter(kind=HouseholdKind.RENTED).values_list("risk_colour", flat=True)
    )
    assert {"green", "yellow", "orange", "red"} <= set(colours)
    for household in Household.objects.exclude(risk_colour="").select_related("risk_rule"):
        assert household.risk_rule.colour == household.risk_colour
        last = HouseholdEvent.objects.filter(household=household, action=HouseholdAction.RISK).last()
        assert last.data["to"] == household.risk_colour

    # One to four residents where someone lives, with ancestors, masks and valid numbers; a few are
    # party members of their building's group.
    sizes = Counter(Resident.objects.values_list("household_id", flat=True))
    for household in Household.objects.all():
        if household.kind == HouseholdKind.VACANT:
            assert sizes[household.pk] == 0
        else:
            assert 1 <= sizes[household.pk] <= 4
    street_user = User.objects.get(username="street")
    for resident in Resident.objects.select_related("household")[:: max(1, Resident.objects.count() // 40)]:
        assert [getattr(resident, c) for c in ANCESTORS] == [
            getattr(resident.household, c) for c in ANCESTORS
        ]
        number = resident_reveal(
            actor=street_user, resident=resident, field="id_number", reason="核对演示数据"
        )
        assert clean_id_number(number) == number
        assert id_facts(number) == (resident.birth_year, resident.gender)
        assert resident.id_number_mask == f"{number[:6]}********{number[-4:]}"
    assert Resident.objects.filter(tags__code="alone_elderly").exists()
    members = Resident.objects.exclude(party_member=None).select_related("party_member")
    assert members.exists()
    assert all(r.name == r.party_member.name and r.building_id == r.party_member.area_id for r in members)

    # The timeline is the services' own, whichever way the household was written.
    events = Counter(HouseholdEvent.objects.values_list("action", flat=True))
    assert events[HouseholdAction.CREATE] == written
    assert events[HouseholdAction.RESIDENT_ADD] == Resident.objects.count()
    assert events[HouseholdAction.RISK] >= Household.objects.exclude(risk_colour="").count()
    by_services = Household.objects.filter(grid_id=first_grid.pk)
    actors = set(HouseholdEvent.objects.filter(household__in=by_services).values_list("actor_id", flat=True))
    assert actors == {gridworker.pk}

    # The schedule written in bulk is the one the schedule computes.
    assert schedule.refresh(Household.objects.values_list("pk", flat=True)) == 0
    assert not Household.objects.filter(visit_due_on=None).exists()

    # Four weeks of visits, none in the future; the demo grid worker's list of visits due is not empty,
    # and most of the community is covered.
    now = timezone.now()
    visits = Visit.objects.all()
    assert visits.filter(visited_at__lt=now - timedelta(days=29)).count() == 0
    assert not visits.filter(visited_at__gt=now).exists()
    assert {"household", "patrol"} <= set(visits.values_list("kind", flat=True))
    assert recent_visits(gridworker, worker=gridworker).count() > 30
    assert visits_due(gridworker).exists()
    total, grids = coverage(User.objects.get(username="community"), community)
    assert total.planned == written
    assert 0.6 < total.rate < 1
    assert all(grid.visits for grid in grids)
    assert overdue_households(street_user, community).exists()
    for household in Household.objects.exclude(last_visited_at=None)[:200]:
        assert household.last_visited_at == household.visits.order_by("-visited_at").first().visited_at

    # Two visits in the demo login's grid found a problem and reported it as a case.
    found = Visit.objects.exclude(case=None).select_related("case")
    assert found.count() == 2
    assert all(v.worker == gridworker and v.case.channel == Channel.VISIT for v in found)

    # Seeding again writes nothing.
    assert demo_people_seed(within=community) == 0
