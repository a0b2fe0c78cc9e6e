"""Two people record a claim of the same wish at once: exactly one wins, the other is told it is taken."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from apps.accounts.roles import Role
from apps.accounts.services import role_grant, user_create
from apps.areas.services import area_create
from apps.cases.states import ConflictError
from apps.party.choices import OrganisationKind
from apps.party.services import member_add, organisation_create
from apps.wishes.choices import WishState
from apps.wishes.models import MicroWish, WishEvent
from apps.wishes.services import wish_claim, wish_post

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_claims_at_once_one_wins():
    district = area_create(actor=None, parent=None, name="并发区", code="330201")
    street = area_create(actor=None, parent=district, name="并发街道", code="330201001")
    community = area_create(actor=None, parent=street, name="并发社区", code="330201001001")
    district_org = organisation_create(
        actor=None, area=district, parent=None, name="并发区委", kind=OrganisationKind.COMMITTEE
    )
    street_org = organisation_create(
        actor=None,
        area=street,
        parent=district_org,
        name="并发街道党工委",
        kind=OrganisationKind.WORKING_COMMITTEE,
    )
    community_org = organisation_create(
        actor=None, area=community, parent=street_org, name="并发社区党委", kind=OrganisationKind.COMMITTEE
    )
    members = [member_add(actor=None, organisation=community_org, name=f"党员{n}") for n in range(2)]
    workers = []
    for n in range(2):
        worker = user_create(username=f"worker{n}", password="Grid-Test-Passw0rd")
        role_grant(actor=None, user=worker, role=Role.COMMUNITY_WORKER, area=community)
        workers.append(worker)
    wish = wish_post(
        actor=workers[0],
        area=community,
        title="想要一台收音机",
        category="daily_necessities",
        resident_name="王秀英",
        consent=True,
    )
    barrier = threading.Barrier(2)
    outcomes: list = []

    def claim(n: int):
        barrier.wait()
        try:
            outcomes.append(wish_claim(actor=workers[n], wish=wish, member=members[n]))
        except ValidationError as error:
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["ConflictError", "MicroWish"]
    winner = next(outcome for outcome in outcomes if isinstance(outcome, MicroWish))
    assert any(isinstance(outcome, ConflictError) for outcome in outcomes)
    wish.refresh_from_db()
    assert wish.state == WishState.CLAIMED
    assert wish.member_id == winner.member_id
    assert WishEvent.objects.filter(wish=wish, action="claim").count() == 1
