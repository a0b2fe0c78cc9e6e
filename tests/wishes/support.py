"""Helpers of the micro wish tests: a wish posted through the service, and users of other places."""

from apps.accounts.roles import Role
from apps.accounts.services import role_grant, user_create
from apps.party.choices import PartnerUnitType
from apps.party.services import partner_unit_create
from apps.wishes.choices import WishCategory
from apps.wishes.services import wish_post

PASSWORD = "Grid-Test-Passw0rd"


def post(city, *, actor=None, area=None, **fields):
    """A wish of the first community (or `area`), posted by its community worker unless told."""
    values = {
        "title": "想要一台收音机",
        "description": "家里的收音机坏了",
        "category": WishCategory.DAILY_NECESSITIES,
        "resident_name": "张三丰",
        "consent": True,
        **fields,
    }
    return wish_post(
        actor=city.users["community"] if actor is None else actor,
        area=area or city.communities[0],
        **values,
    )


def worker_of(area, username: str = "other"):
    """A community worker of another community."""
    user = user_create(username=username, password=PASSWORD, full_name=username)
    role_grant(actor=None, user=user, role=Role.COMMUNITY_WORKER, area=area, is_full_time=True)
    return user


def community_unit(city, name: str = "社区卫生服务站"):
    """A partner unit resident in the first community, which its worker sees."""
    return partner_unit_create(
        actor=None, area=city.communities[0], name=name, unit_type=PartnerUnitType.HOSPITAL
    )
