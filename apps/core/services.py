"""Writes that belong to no single domain: loading the demo."""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from apps.accounts.models import RoleAssignment, User
from apps.accounts.services import role_grant
from apps.areas.choices import AreaLevel
from apps.areas.models import Area
from apps.core.demo import DEMO_LOGINS, DEMO_PASSWORD, DemoLogin
from apps.core.demo_city import SCALES, CityStats, generate_city
from apps.departments.models import Department
from apps.party.models import PartyMember


@dataclass(frozen=True)
class SeedResult:
    created: int  # demo logins created
    present: int  # demo logins that existed already (left as they are)
    city: CityStats | None = None  # what was generated; None when areas existed already
    granted: int = 0  # roles granted to demo logins that existed but held none (only with a new city)
    unplaced: tuple[str, ...] = ()  # demo logins left without a role: their place does not exist


def demo_places() -> dict[str, Area | Department | None]:
    """Where the demo logins hold their roles: the first district by code, its first street, that
    street's first community, grid and building, and the street's city management team."""
    district = Area.objects.filter(level=AreaLevel.DISTRICT, is_active=True).order_by("code").first()
    places: dict[str, Area | Department | None] = {"district": district}
    parent = district
    for key in ("street", "community", "grid", "building"):
        parent = (
            Area.objects.filter(parent=parent, is_active=True).order_by("code").first() if parent else None
        )
        places[key] = parent
    street = places["street"]
    department = None
    if street is not None:
        departments = Department.objects.filter(area=street, is_active=True).order_by("name")
        department = departments.filter(name__endswith="城管执法队").first() or departments.first()
    places["department"] = department
    return places


def _grant(*, user: User, login: DemoLogin, places: dict) -> bool:
    place = places.get(login.place)
    if place is None:
        return False
    is_department = isinstance(place, Department)
    role_grant(
        actor=None,
        user=user,
        role=login.role,
        area=None if is_department else place,
        department=place if is_department else None,
        is_full_time=login.is_full_time,
        leader_kind=login.leader_kind,
    )
    return True


@transaction.atomic
def demo_seed(*, scale: str = "demo", seed: int = 1) -> SeedResult:
    """Load the demo. With no areas yet, generate the demo city (apps.core.demo_city) at `scale` from
    `seed`; otherwise generate nothing and change nothing. Then create the demo logins that are missing,
    each with its role in the first district."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}")
    usernames = [login.username for login in DEMO_LOGINS]
    present = {user.username: user for user in User.objects.filter(username__in=usernames)}
    generate = not Area.objects.exists()
    if not generate and len(present) == len(DEMO_LOGINS):
        return SeedResult(created=0, present=len(present))
    # One hash for every account made here: hashing is slow on purpose.
    password_hash = make_password(DEMO_PASSWORD)
    city = generate_city(scale=scale, seed=seed, password_hash=password_hash) if generate else None
    places = demo_places()
    created = granted = 0
    unplaced = []
    users = {}
    for login in DEMO_LOGINS:
        user = present.get(login.username)
        existed = user is not None
        if user is None:
            user = User(
                username=login.username,
                full_name=login.full_name,
                password=password_hash,
                is_staff=login.is_superuser,
                is_superuser=login.is_superuser,
            )
            user.full_clean()
            user.save()
            created += 1
        users[login.username] = user
        # An existing login is left as it is, except that with a newly generated city one that holds no
        # role at all (made before the city existed) gets its role in it.
        if not login.role or (
            existed and (not generate or RoleAssignment.objects.active().filter(user=user).exists())
        ):
            continue
        if not _grant(user=user, login=login, places=places):
            unplaced.append(login.username)
        elif existed:
            granted += 1
    if city is not None and city.first_secretary_id and "party" in users:
        # The demo login "party" is the member who is secretary of the first community's organisation.
        party = users["party"]
        if not PartyMember.objects.filter(user=party).exists():
            PartyMember.objects.filter(pk=city.first_secretary_id, user__isnull=True).update(user=party)
    return SeedResult(
        created=created,
        present=len(present),
        city=city,
        granted=granted,
        unplaced=tuple(unplaced),
    )
