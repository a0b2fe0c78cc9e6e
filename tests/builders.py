"""A small city built through the real services, for tests that need areas, bodies and people.

    city = build_city()
    city.streets[0], city.grids[0], city.users["gridworker"], city.departments[0] …

Two streets with two communities each, two grids per community, two buildings per grid (200
households and 500 residents each; the areas above hold the totals), a district and a
street department, a party tree, a partner unit, and one user per role (scoped like the demo users:
the first street, its first community, that community's first grid and building).
"""

import datetime
from dataclasses import dataclass, field

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.accounts.services import role_grant, user_create
from apps.areas.choices import AreaLevel
from apps.areas.models import Area
from apps.areas.services import area_create
from apps.cases.models import Category
from apps.departments.services import department_create
from apps.party.choices import OrganisationKind, PartnerUnitType
from apps.party.services import member_add, organisation_create, partner_unit_create
from apps.residents.identity import make_id_number
from apps.residents.services import household_create, resident_add

PASSWORD = "Grid-Test-Passw0rd"


@dataclass
class City:
    district: Area
    streets: list[Area] = field(default_factory=list)
    communities: list[Area] = field(default_factory=list)
    grids: list[Area] = field(default_factory=list)
    buildings: list[Area] = field(default_factory=list)
    departments: list = field(default_factory=list)
    organisations: list = field(default_factory=list)
    members: list = field(default_factory=list)
    partner_units: list = field(default_factory=list)
    categories: list = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)

    def by_level(self, level: int) -> list[Area]:
        return {
            AreaLevel.DISTRICT: [self.district],
            AreaLevel.STREET: self.streets,
            AreaLevel.COMMUNITY: self.communities,
            AreaLevel.GRID: self.grids,
            AreaLevel.BUILDING: self.buildings,
        }[level]


ROLE_USERS = {
    "district": (Role.DISTRICT_COMMAND, AreaLevel.DISTRICT),
    "street": (Role.STREET_STAFF, AreaLevel.STREET),
    "community": (Role.COMMUNITY_WORKER, AreaLevel.COMMUNITY),
    "gridhead": (Role.GRID_HEAD, AreaLevel.GRID),
    "gridworker": (Role.GRID_WORKER, AreaLevel.GRID),
    "building": (Role.BUILDING_LEADER, AreaLevel.BUILDING),
    "party": (Role.PARTY_SECRETARY, AreaLevel.COMMUNITY),
    "auditor": (Role.AUDITOR, AreaLevel.STREET),
    "sysadmin": (Role.SYSTEM_ADMIN, AreaLevel.DISTRICT),
}

_ORG_KIND = {
    AreaLevel.DISTRICT: OrganisationKind.COMMITTEE,
    AreaLevel.STREET: OrganisationKind.WORKING_COMMITTEE,
    AreaLevel.COMMUNITY: OrganisationKind.COMMITTEE,
    AreaLevel.GRID: OrganisationKind.BRANCH,
    AreaLevel.BUILDING: OrganisationKind.GROUP,
}


def build_city(prefix: str = "310101") -> City:
    district = area_create(actor=None, parent=None, name="测试区", code=prefix)
    city = City(district=district)
    district_org = organisation_create(
        actor=None, area=district, parent=None, name="测试区委", kind=_ORG_KIND[AreaLevel.DISTRICT]
    )
    city.organisations.append(district_org)
    for s in range(2):
        street = area_create(actor=None, parent=district, name=f"第{s + 1}街道", code=f"{prefix}{s + 1:03d}")
        city.streets.append(street)
        street_org = organisation_create(
            actor=None, area=street, parent=district_org, name=f"第{s + 1}街道党工委", kind=_ORG_KIND[2]
        )
        city.organisations.append(street_org)
        for c in range(2):
            community = area_create(
                actor=None,
                parent=street,
                name=f"第{s + 1}街道{c + 1}社区",
                code=f"{street.code}{c + 1:03d}",
            )
            city.communities.append(community)
            community_org = organisation_create(
                actor=None, area=community, parent=street_org, name=f"{community.name}党委", kind=_ORG_KIND[3]
            )
            city.organisations.append(community_org)
            for g in range(2):
                grid = area_create(
                    actor=None,
                    parent=community,
                    name=f"{community.name}{g + 1}网格",
                    code=f"{community.code}{g + 1:02d}",
                )
                city.grids.append(grid)
                grid_org = organisation_create(
                    actor=None, area=grid, parent=community_org, name=f"{grid.name}党支部", kind=_ORG_KIND[4]
                )
                city.organisations.append(grid_org)
                city.members.append(
                    member_add(actor=None, organisation=grid_org, name=f"党员{len(city.members)}")
                )
                for b in range(2):
                    building = area_create(
                        actor=None,
                        parent=grid,
                        name=f"{grid.name}{b + 1}号楼",
                        code=f"{grid.code}{b + 1:03d}",
                        households=200,
                        population=500,
                    )
                    city.buildings.append(building)
    city.departments.append(
        department_create(actor=None, area=district, name="区城管执法局", level=AreaLevel.DISTRICT)
    )
    for street in city.streets:
        city.departments.append(
            department_create(
                actor=None, area=street, name=f"{street.name}综合执法队", level=AreaLevel.STREET
            )
        )
        city.partner_units.append(
            partner_unit_create(
                actor=None, area=street, name=f"{street.name}中学", unit_type=PartnerUnitType.SCHOOL
            )
        )
    for username, (role, level) in ROLE_USERS.items():
        user = user_create(username=username, password=PASSWORD, full_name=username)
        role_grant(actor=None, user=user, role=role, area=city.by_level(level)[0], is_full_time=True)
        city.users[username] = user
    dept = user_create(username="dept", password=PASSWORD, full_name="dept")
    role_grant(actor=None, user=dept, role=Role.DEPARTMENT_HANDLER, department=city.departments[1])
    city.users["dept"] = dept
    for code, name in (("T01", "环境卫生"), ("T02", "安全隐患")):
        root = Category.objects.create(code=f"{prefix}{code}", name=name)
        city.categories.append(root)
        for n in range(2):
            city.categories.append(
                Category.objects.create(parent=root, code=f"{prefix}{code}{n}", name=f"{name}{n + 1}")
            )
    for area in [district, *city.streets, *city.communities, *city.grids]:
        area.refresh_from_db()
    return city


def household_in(building: Area, *, room: str = "101", kind: str = "owner_occupied", **fields):
    """A household registered through the service, by the system (no actor)."""
    return household_create(actor=None, building=building, room=room, kind=kind, **fields)


def person_id(sequence: int = 1, *, born=None, male: bool = True) -> str:
    """A valid, fictional ID number (Shanghai Huangpu, born 1950-01-01 unless told)."""
    return make_id_number("310101", born or datetime.date(1950, 1, 1), sequence, male=male)


def resident_in(
    household, *, name: str = "张三", relation: str = "head", residence: str = "registered", **fields
):
    return resident_add(
        actor=None, household=household, name=name, relation=relation, residence=residence, **fields
    )
