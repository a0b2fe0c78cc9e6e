"""What the member registration tests share: working members of another street's organisation, and the
users of each side."""

from apps.accounts.roles import Role
from apps.accounts.services import role_grant, user_create
from apps.party.models import PartyOrganisation
from apps.party.services import member_add
from tests.builders import PASSWORD


def working_member(city, name: str = "在职党员甲", *, organisation=None, working: bool = True):
    """A working member on the roster of the first grid branch of the second street (they work there and
    live in the first street's first community)."""
    organisation = organisation or PartyOrganisation.objects.get(area=city.grids[4])
    return member_add(actor=None, organisation=organisation, name=name, is_working_member=working)


def user_with(username: str, role: str, area):
    user = user_create(username=username, password=PASSWORD, full_name=username)
    role_grant(actor=None, user=user, role=role, area=area, is_full_time=True)
    return user


def organisation_secretary(city):
    """The party secretary of the community where `working_member`'s organisation is."""
    return user_with("orgsecretary", Role.PARTY_SECRETARY, city.communities[2])


def other_community_worker(city):
    return user_with("otherworker", Role.COMMUNITY_WORKER, city.communities[1])
