"""The demo's micro wishes: posted once in the first community, in every state, through the services."""

import pytest
from django.utils import timezone

from apps.wishes.choices import WishState
from apps.wishes.demo import WISHES, demo_wishes
from apps.wishes.models import MicroWish, WishEvent

pytestmark = pytest.mark.django_db


def test_the_demo_wishes_are_posted_once_in_every_state(city):
    assert demo_wishes() == len(WISHES)
    wishes = MicroWish.objects.all()
    assert {wish.community_id for wish in wishes} == {city.communities[0].pk}
    assert set(wishes.values_list("state", flat=True)) == set(WishState.values)
    assert {wish.claimant_kind for wish in wishes if wish.claimant_kind} == {
        "member",
        "organisation",
        "partner_unit",
    }
    overdue = [wish for wish in wishes if wish.state == WishState.POSTED and wish.is_overdue]
    assert len(overdue) == 1
    assert overdue[0].remind_at <= timezone.now() + timezone.timedelta(days=1)
    assert wishes.filter(rated_at__isnull=False).count() == 2
    assert WishEvent.objects.filter(wish__in=wishes).count() > len(WISHES)
    events = WishEvent.objects.count()
    assert demo_wishes() == 0
    assert MicroWish.objects.count() == len(WISHES)
    assert WishEvent.objects.count() == events


def test_without_a_city_the_demo_does_nothing(db):
    assert demo_wishes() == 0
    assert not MicroWish.objects.exists()
