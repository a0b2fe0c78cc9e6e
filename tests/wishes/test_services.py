"""The micro wish services: each transition, each bad input (a clear error, nothing changed), masking,
scoping of claimants, and the reminders through the shared sweep."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from apps.areas.services import area_create
from apps.cases.states import ConflictError
from apps.notifications.models import Notification
from apps.notifications.reminders import SOURCES, sweep_source
from apps.party.choices import PartnerUnitType
from apps.party.services import partner_unit_create
from apps.wishes.choices import WishAction, WishState
from apps.wishes.models import MicroWish, WishEvent, mask_name
from apps.wishes.reminders import SOURCE
from apps.wishes.selectors import sees_resident
from apps.wishes.services import (
    wish_claim,
    wish_confirm,
    wish_fulfil,
    wish_post,
    wish_rate,
    wish_withdraw,
)

from .support import community_unit, post, worker_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def snapshot(wish: MicroWish) -> tuple:
    wish = MicroWish.objects.get(pk=wish.pk)
    return (
        wish.state,
        wish.member_id,
        wish.organisation_id,
        wish.partner_unit_id,
        wish.claimed_at,
        wish.fulfilled_at,
        wish.confirmed_at,
        wish.rating,
        wish.rated_at,
        wish.remind_at,
        WishEvent.objects.filter(wish=wish).count(),
    )


def test_a_wish_goes_through_its_whole_life(city):
    worker = city.users["community"]
    wish = post(city, area=city.grids[0])
    today = timezone.localdate()
    assert wish.state == WishState.POSTED
    assert wish.claim_by == today + datetime.timedelta(days=7)
    assert (wish.district_id, wish.street_id, wish.community_id, wish.grid_id) == (
        city.district.pk,
        city.streets[0].pk,
        city.communities[0].pk,
        city.grids[0].pk,
    )
    assert wish.created_by == worker
    assert wish.remind_at is not None

    wish = wish_claim(actor=worker, wish=wish, member=city.members[0], note="我来")
    assert wish.state == WishState.CLAIMED
    assert wish.member == city.members[0]
    assert wish.claimant_kind == "member"
    assert wish.fulfil_by == today + datetime.timedelta(days=14)
    assert wish.claimed_at is not None

    wish = wish_fulfil(actor=worker, wish=wish, note="送去了一台收音机")
    assert (wish.state, wish.fulfilment_note, wish.remind_at) == (
        WishState.FULFILLED,
        "送去了一台收音机",
        None,
    )
    assert wish.fulfilled_at is not None

    wish = wish_confirm(actor=worker, wish=wish)
    assert wish.state == WishState.CONFIRMED
    assert wish.confirmed_at is not None

    wish = wish_rate(actor=worker, wish=wish, rating=5, thanks="谢谢")
    assert (wish.rating, wish.thanks, wish.state) == (5, "谢谢", WishState.CONFIRMED)

    events = list(WishEvent.objects.filter(wish=wish).values_list("action", "from_state", "to_state"))
    assert events == [
        (WishAction.POST, "", WishState.POSTED),
        (WishAction.CLAIM, WishState.POSTED, WishState.CLAIMED),
        (WishAction.FULFIL, WishState.CLAIMED, WishState.FULFILLED),
        (WishAction.CONFIRM, WishState.FULFILLED, WishState.CONFIRMED),
        (WishAction.RATE, WishState.CONFIRMED, WishState.CONFIRMED),
    ]
    claim = WishEvent.objects.get(wish=wish, action=WishAction.CLAIM)
    assert claim.actor == worker
    assert claim.data["claimant_kind"] == "member"


def test_an_organisation_or_a_partner_unit_claims_and_dates_are_settable(city):
    worker = city.users["community"]
    later = timezone.localdate() + datetime.timedelta(days=30)
    wish = post(city, claim_by=later)
    assert wish.claim_by == later
    community_org = city.organisations[2]
    assert community_org.area == city.communities[0]
    wish = wish_claim(actor=worker, wish=wish, organisation=community_org, fulfil_by=later)
    assert (wish.organisation, wish.fulfil_by, wish.claimant_kind) == (community_org, later, "organisation")

    unit = community_unit(city)
    other = wish_claim(actor=worker, wish=post(city), partner_unit=unit)
    assert (other.partner_unit, other.claimant_kind) == (unit, "partner_unit")


def test_claiming_an_already_claimed_wish_is_refused_and_changes_nothing(city):
    worker = city.users["community"]
    wish = wish_claim(actor=worker, wish=post(city), member=city.members[0])
    before = snapshot(wish)
    stale = MicroWish.objects.get(pk=wish.pk)
    stale.state = WishState.POSTED  # as a page loaded before the first claim still has it
    with pytest.raises(ConflictError) as error:
        wish_claim(actor=worker, wish=stale, organisation=city.organisations[2])
    assert "already claimed" in " ".join(error.value.messages)
    assert snapshot(wish) == before


def test_confirming_a_wish_that_was_not_fulfilled_is_refused_and_changes_nothing(city):
    worker = city.users["community"]
    posted = post(city)
    claimed = wish_claim(actor=worker, wish=post(city), member=city.members[0])
    for wish in (posted, claimed):
        before = snapshot(wish)
        with pytest.raises(ConflictError) as error:
            wish_confirm(actor=worker, wish=wish)
        assert "Only a fulfilled wish" in " ".join(error.value.messages)
        assert snapshot(wish) == before


def test_a_wish_needs_the_residents_consent(city):
    with pytest.raises(ValidationError) as error:
        post(city, consent=False)
    assert set(error.value.message_dict) == {"consent"}
    assert not MicroWish.objects.exists()
    assert not WishEvent.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"resident_name": "  "}, "resident_name"),
        ({"claim_by": datetime.date(2020, 1, 1)}, "claim_by"),
        ({"category": "wishful"}, "category"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_on_posting_is_refused(city, fields, field):
    with pytest.raises(ValidationError) as error:
        post(city, **fields)
    assert field in error.value.message_dict
    assert not MicroWish.objects.exists()


def test_a_wish_is_posted_in_a_community_or_below(city):
    with pytest.raises(ValidationError) as error:
        post(city, area=city.streets[0], actor=city.users["street"])
    assert set(error.value.message_dict) == {"area"}
    assert not MicroWish.objects.exists()


def test_only_who_holds_cogov_change_there_posts_or_acts(city):
    for username in ("gridworker", "auditor", "building", "dept"):
        with pytest.raises(ValidationError):
            post(city, actor=city.users[username])
    other = worker_of(city.communities[1])
    with pytest.raises(ValidationError):
        post(city, actor=other)
    assert not MicroWish.objects.exists()
    wish = post(city)
    before = snapshot(wish)
    with pytest.raises(ValidationError):
        wish_claim(actor=other, wish=wish, member=city.members[0])
    with pytest.raises(ValidationError):
        wish_withdraw(actor=city.users["gridworker"], wish=wish, reason="不需要了")
    assert snapshot(wish) == before
    # Above the community, street staff and district command act too.
    assert post(city, actor=city.users["street"]).community == city.communities[0]
    assert post(city, actor=city.users["district"]).community == city.communities[0]


@pytest.mark.parametrize("claimants", [{}, "two"])
def test_a_claim_names_exactly_one_claimant(city, claimants):
    wish = post(city)
    before = snapshot(wish)
    if claimants == "two":
        claimants = {"member": city.members[0], "organisation": city.organisations[2]}
    with pytest.raises(ValidationError) as error:
        wish_claim(actor=city.users["community"], wish=wish, **claimants)
    assert set(error.value.message_dict) == {"claimant"}
    assert snapshot(wish) == before


def test_the_claimant_must_be_visible_and_of_the_wishs_district(city):
    worker = city.users["community"]
    wish = post(city)
    before = snapshot(wish)
    # A member of the other street's grid: not in the community worker's sight.
    with pytest.raises(ValidationError) as error:
        wish_claim(actor=worker, wish=wish, member=city.members[-1])
    assert set(error.value.message_dict) == {"member"}
    # The other street's partner unit is outside a community worker's sight too.
    with pytest.raises(ValidationError) as error:
        wish_claim(actor=worker, wish=wish, partner_unit=city.partner_units[-1])
    assert set(error.value.message_dict) == {"partner_unit"}
    # Another district's unit may not claim, even when the system records it.
    elsewhere = area_create(actor=None, parent=None, name="外区", code="310102")
    far = partner_unit_create(actor=None, area=elsewhere, name="外区单位", unit_type=PartnerUnitType.OTHER)
    with pytest.raises(ValidationError) as error:
        wish_claim(actor=None, wish=wish, partner_unit=far)
    assert set(error.value.message_dict) == {"partner_unit"}
    assert snapshot(wish) == before
    # A community co-builds with the units resident in its street (PartnerUnit.scope_filter): the
    # community worker may record their claim.
    wish = wish_claim(actor=worker, wish=wish, partner_unit=city.partner_units[0])
    assert wish.partner_unit == city.partner_units[0]


def test_a_fulfil_by_in_the_past_is_refused(city):
    wish = post(city)
    before = snapshot(wish)
    with pytest.raises(ValidationError) as error:
        wish_claim(
            actor=city.users["community"],
            wish=wish,
            member=city.members[0],
            fulfil_by=datetime.date(2020, 1, 1),
        )
    assert set(error.value.message_dict) == {"fulfil_by"}
    assert snapshot(wish) == before


def test_only_a_claimed_wish_is_fulfilled_with_a_note(city):
    worker = city.users["community"]
    wish = post(city)
    before = snapshot(wish)
    with pytest.raises(ConflictError):
        wish_fulfil(actor=worker, wish=wish, note="做了")
    wish = wish_claim(actor=worker, wish=wish, member=city.members[0])
    before = snapshot(wish)
    with pytest.raises(ValidationError) as error:
        wish_fulfil(actor=worker, wish=wish, note="  ")
    assert set(error.value.message_dict) == {"note"}
    assert snapshot(wish) == before


def _confirmed(city):
    worker = city.users["community"]
    wish = wish_claim(actor=worker, wish=post(city), member=city.members[0])
    wish = wish_fulfil(actor=worker, wish=wish, note="完成")
    return wish_confirm(actor=worker, wish=wish)


@pytest.mark.parametrize(("rating", "thanks"), [(0, ""), (6, "谢谢"), (None, "")])
def test_a_rating_is_one_to_five_or_thanks(city, rating, thanks):
    wish = _confirmed(city)
    before = snapshot(wish)
    with pytest.raises(ValidationError) as error:
        wish_rate(actor=city.users["community"], wish=wish, rating=rating, thanks=thanks)
    assert set(error.value.message_dict) == {"rating"}
    assert snapshot(wish) == before


def test_thanks_or_a_rating_is_recorded_once_after_confirmation(city):
    worker = city.users["community"]
    fulfilled = wish_fulfil(
        actor=worker, wish=wish_claim(actor=worker, wish=post(city), member=city.members[0]), note="完成"
    )
    before = snapshot(fulfilled)
    with pytest.raises(ConflictError):
        wish_rate(actor=worker, wish=fulfilled, rating=4)
    assert snapshot(fulfilled) == before
    wish = wish_rate(actor=worker, wish=wish_confirm(actor=worker, wish=fulfilled), thanks="谢谢你们")
    assert (wish.rating, wish.thanks) == (None, "谢谢你们")
    before = snapshot(wish)
    with pytest.raises(ConflictError) as error:
        wish_rate(actor=worker, wish=wish, rating=5)
    assert "already been recorded" in " ".join(error.value.messages)
    assert snapshot(wish) == before


def test_a_posted_or_claimed_wish_is_withdrawn_with_a_reason(city):
    worker = city.users["community"]
    posted = post(city)
    before = snapshot(posted)
    with pytest.raises(ValidationError) as error:
        wish_withdraw(actor=worker, wish=posted, reason=" ")
    assert set(error.value.message_dict) == {"reason"}
    assert snapshot(posted) == before
    posted = wish_withdraw(actor=worker, wish=posted, reason="居民已搬走")
    assert (posted.state, posted.withdraw_reason, posted.remind_at) == (
        WishState.WITHDRAWN,
        "居民已搬走",
        None,
    )

    claimed = wish_withdraw(
        actor=worker, wish=wish_claim(actor=worker, wish=post(city), member=city.members[0]), reason="重复"
    )
    assert claimed.state == WishState.WITHDRAWN
    assert claimed.member == city.members[0]  # who had claimed it stays on record

    confirmed = _confirmed(city)
    before = snapshot(confirmed)
    with pytest.raises(ConflictError):
        wish_withdraw(actor=worker, wish=confirmed, reason="不要了")
    assert snapshot(confirmed) == before


def test_names_are_masked_as_surname_and_two_stars():
    assert mask_name("张三") == "张**"
    assert mask_name("欧阳娜娜") == "欧**"
    assert mask_name("") == ""


def test_only_who_holds_cogov_change_there_sees_the_full_name(city):
    wish = post(city, area=city.grids[0])
    assert wish.resident_masked == "张**"
    for username in ("community", "party", "street", "district"):
        assert sees_resident(city.users[username], wish), username
    for username in ("gridworker", "gridhead", "auditor", "building", "sysadmin"):
        assert not sees_resident(city.users[username], wish), username
    assert not sees_resident(worker_of(city.communities[1]), wish)


def test_a_wish_is_seen_in_the_subtrees_where_cogov_view_is_held(city):
    wish = post(city, area=city.grids[0])
    for username in ("community", "party", "gridworker", "auditor", "district"):
        assert MicroWish.objects.restrict(city.users[username]).filter(pk=wish.pk).exists(), username
    for username in ("dept",):
        assert not MicroWish.objects.restrict(city.users[username]).exists()
    assert not MicroWish.objects.restrict(worker_of(city.communities[1])).exists()


# Reminders


def _sweep(days: int) -> int:
    return sweep_source(SOURCE, now=timezone.now() + datetime.timedelta(days=days))


def _reminded(user, key: str) -> int:
    return Notification.objects.filter(recipient=user, key=key).count()


def test_the_source_is_registered():
    assert SOURCES["wishes"] is SOURCE


def test_an_unclaimed_wish_reminds_the_community_staff_once(city):
    wish = post(city, area=city.buildings[0])
    key = f"wish:{wish.pk}:unclaimed"
    assert _sweep(3) == 0  # not due yet
    assert not Notification.objects.filter(key=key).exists()
    assert _sweep(8) == 1
    recipients = set(Notification.objects.filter(key=key).values_list("recipient__username", flat=True))
    assert recipients == {"community", "party"}
    notification = Notification.objects.filter(key=key).first()
    assert wish.title in notification.title
    assert notification.link == f"/party/wishes/{wish.pk}/"
    assert MicroWish.objects.get(pk=wish.pk).remind_at is None
    assert _sweep(9) == 0
    # Even swept again with the time set back on the row, the key keeps it to one each.
    MicroWish.objects.filter(pk=wish.pk).update(remind_at=timezone.now())
    assert _sweep(10) == 1
    assert Notification.objects.filter(key=key).count() == 2


def test_a_claimed_wish_is_not_reminded_as_unclaimed(city):
    wish = wish_claim(actor=city.users["community"], wish=post(city), member=city.members[0])
    assert _sweep(8) == 0  # its reminder is at the fulfil_by now
    assert not Notification.objects.filter(key__startswith=f"wish:{wish.pk}:").exists()


def test_a_claimed_wish_not_fulfilled_in_time_reminds_once(city):
    worker = city.users["community"]
    wish = wish_claim(actor=worker, wish=post(city), member=city.members[0])
    assert _sweep(15) == 1
    key = f"wish:{wish.pk}:unfulfilled"
    assert _reminded(worker, key) == 1
    assert not Notification.objects.filter(key=f"wish:{wish.pk}:unclaimed").exists()
    assert _sweep(16) == 0
    assert _reminded(worker, key) == 1


def test_a_fulfilled_or_withdrawn_wish_reminds_nobody(city):
    worker = city.users["community"]
    wish = wish_claim(actor=worker, wish=post(city), member=city.members[0])
    wish_fulfil(actor=worker, wish=wish, note="完成")
    wish_withdraw(actor=worker, wish=post(city), reason="不需要了")
    assert _sweep(30) == 0
    assert not Notification.objects.exists()


def test_a_stale_remind_at_looks_again_when_the_deadline_passes(city):
    wish = post(city)
    MicroWish.objects.filter(pk=wish.pk).update(remind_at=timezone.now())
    assert sweep_source(SOURCE) == 1
    assert not Notification.objects.exists()
    assert MicroWish.objects.get(pk=wish.pk).remind_at is not None
    assert _sweep(8) == 1
    assert Notification.objects.filter(key=f"wish:{wish.pk}:unclaimed").exists()


def test_post_directly_by_the_system(city):
    wish = wish_post(
        actor=None,
        area=city.communities[2],
        title="轮椅维修",
        category="repairs",
        resident_name="李四",
        consent=True,
    )
    assert wish.created_by is None
    assert wish.street == city.streets[1]
