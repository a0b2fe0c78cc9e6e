"""Reads of micro wishes: who sees a resident's full name, and the wishes a list or the wall shows."""

from django.db.models import QuerySet

from apps.accounts.scope import VIEW, user_scope

from .choices import WishState
from .models import MicroWish


def sees_resident(user, wish: MicroWish) -> bool:
    """Whether `user` holds "cogov.change" where the wish lies: only they see the resident's full name.
    Reads the wish's copied ancestors, so a list costs no query per row."""
    scope = user_scope(user)
    if scope.unrestricted:
        return True
    chain = [
        area_id
        for area_id in (wish.district_id, wish.street_id, wish.community_id, wish.grid_id, wish.building_id)
        if area_id
    ]
    return "cogov.change" in scope.permissions_over(chain)


def wish_list(user) -> QuerySet[MicroWish]:
    """The wishes the user sees, with what a list row shows."""
    return MicroWish.objects.restrict(user, VIEW).select_related(
        "area", "member", "organisation", "partner_unit"
    )


def wall_wishes(community) -> QuerySet[MicroWish]:
    """A community's wishes still waiting for someone to claim them, for the public wall."""
    return (
        MicroWish.objects.filter(community=community, state=WishState.POSTED)
        .only("id", "title", "description", "category", "resident_name", "claim_by", "created_at")
        .order_by("claim_by", "id")
    )
