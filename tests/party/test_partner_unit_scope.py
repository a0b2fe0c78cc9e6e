"""Who sees a partner unit: the people of its area, and for reading those of the communities below it (a
community co-builds with the units resident in its street), like the departments above one's area."""

import pytest

from apps.accounts.scope import CHANGE, VIEW
from apps.party.models import PartnerUnit

pytestmark = pytest.mark.django_db


def test_a_community_reads_its_streets_units_and_not_another_streets(city):
    worker = city.users["community"]
    first_street_unit, second_street_unit = city.partner_units
    visible = set(PartnerUnit.objects.restrict(worker, VIEW))
    assert first_street_unit in visible
    assert second_street_unit not in visible


def test_reading_a_unit_above_does_not_give_changing_it(city):
    assert not PartnerUnit.objects.restrict(city.users["community"], CHANGE).exists()
    party_secretary = city.users["party"]  # holds party.change for the first community
    assert city.partner_units[0] in set(PartnerUnit.objects.restrict(party_secretary, VIEW))
    assert city.partner_units[0] not in set(PartnerUnit.objects.restrict(party_secretary, CHANGE))


def test_street_staff_see_only_their_own_streets_units(city):
    assert set(PartnerUnit.objects.restrict(city.users["street"], VIEW)) == {city.partner_units[0]}
