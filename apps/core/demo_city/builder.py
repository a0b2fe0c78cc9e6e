"""The demo city's builder: the scales, the statistics of one generation, and `CityBuilder`, which draws
the city district by district into buffers of rows and writes each district through `load`."""

import math
import random
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.db.models import Max, Model

from apps.accounts.models import RoleAssignment, User
from apps.accounts.roles import BuildingLeaderKind, Role
from apps.areas.choices import LEVEL_FIELDS, AreaChangeKind, AreaKind, AreaLevel
from apps.areas.models import Area, AreaChange, GridStandard
from apps.cases.models import Category
from apps.core.demo import DEMO_LOGINS
from apps.core.demo_city.geometry import CITY_RECT, Rect, _centre, _polygon, _split
from apps.core.demo_city.load import _foreign_keys_set_aside, _insert, _reset_sequences
from apps.core.demo_city.vocabulary import (
    CATEGORIES,
    CITY,
    COMPANY_WORDS,
    COUNTY_PREFIX,
    DISTRICT_DEPARTMENTS,
    DISTRICT_NAMES,
    PARTNER_TEMPLATES,
    POSITIONS,
    ROADS,
    STREET_DEPARTMENTS,
    STREET_EXTRA_DEPARTMENTS,
    _base,
    _community_name,
    _day,
    _grid_households,
    _office_phone,
    _person,
    _phone,
    _street_name,
    _town_name,
    _unique,
    _village_name,
    spread,
)
from apps.departments.choices import DepartmentLevel
from apps.departments.models import Department
from apps.party.choices import Gender, OrganisationKind, PartnerUnitType
from apps.party.models import PartnerUnit, PartTimeMember, PartyMember, PartyOrganisation

PARTY_SECRETARY_NAME = next(login.full_name for login in DEMO_LOGINS if login.username == "party")


@dataclass(frozen=True)
class Scale:
    districts: int
    streets: int
    communities: int
    grids: int
    buildings: int
    # Party members on the roster of each grid branch (the secretary included) and building group.
    branch_members: tuple[int, int]
    group_members: tuple[int, int]
    # Members of each district, street and community organisation (the secretary included).
    committee_members: tuple[int, int]
    # Share of buildings with a building leader, of grids with a part-time grid worker as well.
    building_leaders: float
    part_time_workers: float


SCALES: dict[str, Scale] = {
    "demo": Scale(1, 3, 12, 60, 600, (3, 6), (1, 3), (3, 6), 0.5, 0.3),
    "district": Scale(1, 10, 80, 1000, 10_000, (3, 6), (1, 2), (3, 6), 0.5, 0.3),
    # The megacity of the design: fewer members and no building leaders, to load in minutes.
    "metro": Scale(16, 220, 6000, 30_000, 300_000, (2, 2), (0, 0), (3, 3), 0.0, 0.0),
}


@dataclass
class CityStats:
    """What one generation created."""

    scale: str
    seed: int
    districts: int = 0
    streets: int = 0
    communities: int = 0
    grids: int = 0
    buildings: int = 0
    categories: int = 0
    departments: int = 0
    organisations: int = 0
    members: int = 0
    partner_units: int = 0
    part_time_members: int = 0
    staff: int = 0
    roles: int = 0
    seconds: float = 0.0
    # The party member who is secretary of the first community's organisation: the demo login "party".
    first_secretary_id: int | None = None


# ---------------------------------------------------------------------------------------------------------
# The generator
#
# Rows are plain dicts keyed by column attribute name (Model instances cost more to make than everything
# else together at metro scale); `_insert` fills the columns a row leaves out with the field's default.

ANCESTORS = tuple(f"{name}_id" for name in LEVEL_FIELDS.values())
ID_MODELS = (Area, User, Department, PartnerUnit, PartyOrganisation, PartyMember)


def _placed(area: dict) -> dict:
    """The ancestor columns of a row placed in `area` (the area itself included at its level)."""
    return {column: area[column] for column in ANCESTORS}


class _Ids:
    """Primary keys handed out here, above whatever the tables hold already."""

    def __init__(self, models: Iterable[type[Model]]):
        self.next = {model: (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1 for model in models}

    def take(self, model: type[Model]) -> int:
        value = self.next[model]
        self.next[model] = value + 1
        return value


@dataclass
class _Buffer:
    areas: list[dict] = field(default_factory=list)
    departments: list[dict] = field(default_factory=list)
    served: list[dict] = field(default_factory=list)
    handled: list[dict] = field(default_factory=list)
    units: list[dict] = field(default_factory=list)
    organisations: list[dict] = field(default_factory=list)
    members: list[dict] = field(default_factory=list)
    part_time: list[dict] = field(default_factory=list)
    users: list[dict] = field(default_factory=list)
    roles: list[dict] = field(default_factory=list)


@dataclass
class _Counts:
    """The shares drawn for the whole city, consumed in generation order."""

    communities: Iterator[int]
    grids: Iterator[int]
    buildings: Iterator[int]


class CityBuilder:
    def __init__(self, *, scale: str, seed: int, password_hash: str):
        self.scale = SCALES[scale]
        self.rng = random.Random(seed)  # noqa: S311 - made-up demo data, not secrets
        self.password_hash = password_hash
        self.stats = CityStats(scale=scale, seed=seed)
        self.ids = _Ids(ID_MODELS)
        self.buffer = _Buffer()
        self.categories: dict[str, int] = {}
        standard = GridStandard._meta.get_field("workers_per_10k_residents").default
        self.workers_per_10k = float(standard)
        # The demo logins fill places in these areas; the generated staff leave those places to them.
        self.first: dict[str, int] = {}
        self.district_name = ""

    def _is_first(self, key: str, area: dict) -> bool:
        """Whether `area` is the first of its kind in the city (remembered on first sight)."""
        return self.first.setdefault(key, area["id"]) == area["id"]

    # -- the whole city --------------------------------------------------------------------------------

    def build(self) -> CityStats:
        started = time.perf_counter()
        self._categories()
        scale, rng = self.scale, self.rng
        streets = spread(rng, scale.streets, scale.districts, jitter=0.3)
        communities = spread(rng, scale.communities, scale.streets)
        grids = spread(rng, scale.grids, scale.communities)
        buildings = spread(rng, scale.buildings, scale.grids)
        names = rng.sample(DISTRICT_NAMES, scale.districts)
        # One district takes a cell of the city's rectangle, as it would among sixteen.
        city = CITY_RECT if scale.districts > 1 else _split(CITY_RECT, 16)[5]
        rects = _split(city, scale.districts)
        counts = _Counts(communities=iter(communities), grids=iter(grids), buildings=iter(buildings))
        with _foreign_keys_set_aside(WRITTEN_MODELS):
            for index in range(scale.districts):
                self._district(
                    index=index, name=names[index], rect=rects[index], streets=streets[index], counts=counts
                )
                self._flush()
        _reset_sequences(ID_MODELS)
        self.stats.seconds = time.perf_counter() - started
        return self.stats

    def _categories(self) -> None:
        """The category tree; categories that exist (by code) are kept as they are."""
        existing = {category.code: category for category in Category.objects.all()}
        for order, (code, name, children) in enumerate(CATEGORIES, start=1):
            parent = existing.get(code)
            if parent is None:
                parent = Category.objects.create(code=code, name=name, sort_order=order)
                self.stats.categories += 1
            self.categories[code] = parent.pk
            for child_order, (child_code, child_name) in enumerate(children, start=1):
                child = existing.get(child_code)
                if child is None:
                    child = Category.objects.create(
                        parent=parent, code=child_code, name=child_name, sort_order=child_order
                    )
                    self.stats.categories += 1
                self.categories[child_code] = child.pk

    # -- areas ------------------------------------------------------------------------------------------

    def _area(
        self,
        *,
        parent: dict | None,
        kind: str,
        code: str,
        name: str,
        rect: Rect | None = None,
        point: tuple[float, float] | None = None,
    ) -> dict:
        """One area as `area_create` would write it: path and ancestor columns from the parent's, the
        area itself at its own level."""
        pk = self.ids.take(Area)
        level = parent["level"] + 1 if parent else AreaLevel.DISTRICT
        centre = _centre(rect) if rect else point
        area = {
            "id": pk,
            "parent_id": parent["id"] if parent else None,
            "level": level,
            "kind": kind,
            "code": code,
            "name": name,
            "path": f"{parent['path'] if parent else '/'}{pk}/",
            "households": 0,
            "population": 0,
            "boundary": _polygon(rect) if rect else None,
            "centre_lng": centre[0],
            "centre_lat": centre[1],
            **(_placed(parent) if parent else dict.fromkeys(ANCESTORS)),
        }
        area[f"{LEVEL_FIELDS[level]}_id"] = pk
        self.buffer.areas.append(area)
        return area

    @staticmethod
    def _add_figures(parent: dict, child: dict) -> None:
        parent["households"] += child["households"]
        parent["population"] += child["population"]

    def _district(self, *, index: int, name: str, rect: Rect, streets: int, counts: _Counts) -> None:
        rng = self.rng
        district = self._area(
            parent=None, kind=AreaKind.DISTRICT, code=f"{COUNTY_PREFIX}{index + 1:02d}", name=name, rect=rect
        )
        self.district_name = name
        self.stats.districts += 1
        district_org = self._organisation(
            area=district,
            parent=None,
            name=f"{name}委",
            kind=OrganisationKind.COMMITTEE,
            founded=(1950, 1985),
        )
        self._committee_members(district_org)
        self._district_departments(district)
        first = self._is_first("district", district)
        self._staff(district, Role.DISTRICT_COMMAND, "dc", 1 if first else 2, full_time=True)
        taken: set[str] = set()
        street_count = town_count = 0
        for street_index, street_rect in enumerate(_split(rect, streets)):
            # The first street of a district is always a 街道 (the demo login "street" works there).
            is_town = street_index > 0 and rng.random() < 0.2
            if is_town:
                town_count += 1
                code, street_name = f"{100 + town_count:03d}", _unique(rng, taken, _town_name)
            else:
                street_count += 1
                code, street_name = f"{street_count:03d}", _unique(rng, taken, _street_name)
            street = self._area(
                parent=district,
                kind=AreaKind.TOWN if is_town else AreaKind.STREET,
                code=f"{district['code']}{code}",
                name=street_name,
                rect=street_rect,
            )
            self.stats.streets += 1
            self._street(
                street,
                rect=street_rect,
                district_org=district_org,
                communities=next(counts.communities),
                counts=counts,
            )
            self._add_figures(district, street)

    def _street(self, street: dict, *, rect: Rect, district_org: dict, communities: int, counts: _Counts):
        rng = self.rng
        is_town = street["kind"] == AreaKind.TOWN
        street_org = self._organisation(
            area=street,
            parent=district_org,
            name=f"{street['name']}{'党委' if is_town else '党工委'}",
            kind=OrganisationKind.COMMITTEE if is_town else OrganisationKind.WORKING_COMMITTEE,
            is_joint=True,
            founded=(1980, 2005),
        )
        self._committee_members(street_org)
        departments = self._street_departments(street)
        self._staff(street, Role.STREET_STAFF, "ss", 2 if self._is_first("street", street) else 3)
        taken: set[str] = set()
        community_count = village_count = 0
        community_orgs = []
        for community_rect in _split(rect, communities):
            is_village = is_town and rng.random() < 0.6
            if is_village:
                village_count += 1
                code, name = f"{200 + village_count:03d}", _unique(rng, taken, _village_name)
            else:
                community_count += 1
                code, name = f"{community_count:03d}", _unique(rng, taken, _community_name)
            community = self._area(
                parent=street,
                kind=AreaKind.VILLAGE if is_village else AreaKind.COMMUNITY,
                code=f"{street['code']}{code}",
                name=name,
                rect=community_rect,
            )
            self.stats.communities += 1
            community_orgs.append(
                self._community(
                    community,
                    rect=community_rect,
                    street_org=street_org,
                    grids=next(counts.grids),
                    counts=counts,
                )
            )
            self._add_figures(street, community)
        self._partner_units(street, street_org=street_org, community_orgs=community_orgs)
        for department in departments:
            self.buffer.served.append({"department_id": department["id"], "area_id": street["id"]})

    def _community(
        self, community: dict, *, rect: Rect, street_org: dict, grids: int, counts: _Counts
    ) -> dict:
        rng = self.rng
        first_community = self._is_first("community", community)
        grid_areas: list[tuple[dict, list[dict]]] = []
        building_number = 0
        for grid_index, grid_rect in enumerate(_split(rect, grids), start=1):
            grid = self._area(
                parent=community,
                kind=AreaKind.GRID,
                code=f"{community['code']}{grid_index:02d}",
                name=f"第{grid_index}网格",
                rect=grid_rect,
            )
            self.stats.grids += 1
            buildings: list[dict] = []
            grid_areas.append((grid, buildings))
            households = spread(rng, _grid_households(rng), next(counts.buildings), jitter=0.6)
            west, south, east, north = grid_rect
            for building_index, building_households in enumerate(households, start=1):
                building_number += 1
                building = self._area(
                    parent=grid,
                    kind=AreaKind.BUILDING,
                    code=f"{grid['code']}{building_index:03d}",
                    name=f"{building_number}号楼",
                    point=(round(rng.uniform(west, east), 6), round(rng.uniform(south, north), 6)),
                )
                building["households"] = building_households
                building["population"] = round(building_households * rng.uniform(2.3, 2.9))
                buildings.append(building)
                self.stats.buildings += 1
                self._add_figures(grid, building)
            self._add_figures(community, grid)
        # The party organisation: 党委 for the larger communities (some of them joint 大党委), else 党总支.
        large = community["households"] >= 2000
        community_org = self._organisation(
            area=community,
            parent=street_org,
            name=f"{community['name']}{'党委' if large else '党总支'}",
            kind=OrganisationKind.COMMITTEE if large else OrganisationKind.GENERAL_BRANCH,
            founded=(1995, 2015),
        )
        secretary = self._committee_members(community_org)
        if first_community:
            # The demo login "party" is this secretary.
            self.stats.first_secretary_id = secretary["id"]
            secretary["name"] = PARTY_SECRETARY_NAME
        full_time = 0
        for grid, buildings in grid_areas:
            full_time += self._grid(
                grid, buildings=buildings, community=community, community_org=community_org
            )
        # Community workers: about what the staffing standard asks, together with the full-time grid
        # workers; a few communities fall short so that the compliance report has something to show.
        needed = math.ceil(self.workers_per_10k * community["population"] / 10_000) - full_time
        workers = max(1, needed + rng.choice((-2, -1, 0, 0, 0, 0, 1, 1, 2)))
        if first_community:
            workers -= 1  # the demo login "community"
        self._staff(community, Role.COMMUNITY_WORKER, "cw", workers, full_time=True)
        return community_org

    def _grid(self, grid: dict, *, buildings: list[dict], community: dict, community_org: dict) -> int:
        """The grid's party branch, building groups and staff; the number of full-time grid workers."""
        rng, scale = self.rng, self.scale
        first = self._is_first("grid", grid)
        if first or rng.random() < 0.9:
            branch = self._organisation(
                area=grid,
                parent=community_org,
                name=f"{community['name']}{grid['name']}党支部",
                kind=OrganisationKind.BRANCH,
                founded=(2016, 2023),
            )
            self._roster(branch, rng.randint(*scale.branch_members))
            for building in buildings:
                # About 60 % of all buildings: two in three of those whose grid has a branch.
                if rng.random() < 2 / 3:
                    group = self._organisation(
                        area=building,
                        parent=branch,
                        name=f"{community['name']}{building['name']}党小组",
                        kind=OrganisationKind.GROUP,
                        founded=(2018, 2024),
                    )
                    self._roster(group, rng.randint(*scale.group_members))
        # The first grid's head and full-time worker are the demo logins "gridhead" and "gridworker".
        if not first and rng.random() < 0.92:
            self._staff(grid, Role.GRID_HEAD, "gh", 1)
        workers = 0 if first else (2 if rng.random() < 0.08 else 1 if rng.random() < 0.9 else 0)
        self._staff(grid, Role.GRID_WORKER, "gw", workers, full_time=True)
        if rng.random() < scale.part_time_workers:
            self._staff(grid, Role.GRID_WORKER, "gp", 1)
        for building in buildings:
            first_building = self._is_first("building", building)
            if not first_building and rng.random() < scale.building_leaders:
                kind = BuildingLeaderKind.BUILDING if rng.random() < 0.7 else BuildingLeaderKind.GROUP
                self._staff(building, Role.BUILDING_LEADER, "bl", 1, leader_kind=kind)
        return workers + (1 if first else 0)

    # -- departments ------------------------------------------------------------------------------------

    def _department(self, *, area: dict, name: str, short_name: str, codes: list[str]) -> dict:
        department = {
            "id": self.ids.take(Department),
            "area_id": area["id"],
            "name": name,
            "short_name": short_name,
            "level": DepartmentLevel.DISTRICT
            if area["level"] == AreaLevel.DISTRICT
            else DepartmentLevel.STREET,
            "phone": _office_phone(self.rng),
            **_placed(area),
        }
        self.buffer.departments.append(department)
        self.buffer.handled.extend(
            {"department_id": department["id"], "category_id": self.categories[code]} for code in codes
        )
        self.stats.departments += 1
        return department

    def _district_departments(self, district: dict) -> None:
        for name, short_name, codes in DISTRICT_DEPARTMENTS:
            department = self._department(
                area=district, name=f"{district['name']}{name}", short_name=short_name, codes=codes
            )
            self.buffer.served.append({"department_id": department["id"], "area_id": district["id"]})

    def _street_departments(self, street: dict) -> list[dict]:
        kinds = list(STREET_DEPARTMENTS)
        kinds += [extra for extra in STREET_EXTRA_DEPARTMENTS if self.rng.random() < 0.4]
        return [
            self._department(
                area=street,
                name=f"{_base(street['name']) if short else street['name']}{suffix}",
                short_name=short_name,
                codes=codes,
            )
            for suffix, short_name, codes, short in kinds
        ]

    # -- party ------------------------------------------------------------------------------------------

    def _organisation(
        self,
        *,
        area: dict,
        parent: dict | None,
        name: str,
        kind: str,
        founded: tuple[int, int],
        is_joint: bool = False,
    ) -> dict:
        organisation = {
            "id": self.ids.take(PartyOrganisation),
            "parent_id": parent["id"] if parent else None,
            "area_id": area["id"],
            "name": name,
            "kind": kind,
            "is_joint": is_joint,
            "secretary_id": None,
            "founded_on": _day(self.rng, *founded),
            **_placed(area),
        }
        self.buffer.organisations.append(organisation)
        self.stats.organisations += 1
        return organisation

    def _committee_members(self, organisation: dict) -> dict:
        return self._roster(organisation, self.rng.randint(*self.scale.committee_members))

    def _roster(self, organisation: dict, count: int) -> dict | None:
        """`count` members of the organisation; the first is its secretary."""
        rng = self.rng
        first = None
        placed = {column: organisation[column] for column in ANCESTORS}
        for _index in range(count):
            gender = Gender.FEMALE if rng.random() < 0.45 else Gender.MALE
            birth_year = rng.randint(1945, 2000)
            working = birth_year >= 1964 and rng.random() < 0.45
            workplace = ""
            if working:
                workplace = rng.choice(COMPANY_WORDS) + rng.choice(("科技有限公司", "集团", "设计院"))
            member = {
                "id": self.ids.take(PartyMember),
                "organisation_id": organisation["id"],
                "area_id": organisation["area_id"],
                "name": _person(rng),
                "gender": gender,
                "birth_year": birth_year,
                "joined_on": _day(rng, min(birth_year + 20, 2024), min(birth_year + 45, 2025)),
                "is_working_member": working,
                "workplace": workplace,
                **placed,
            }
            self.buffer.members.append(member)
            self.stats.members += 1
            if first is None:
                first = member
                organisation["secretary_id"] = member["id"]
        return first

    def _partner_units(self, street: dict, *, street_org: dict, community_orgs: list[dict]) -> None:
        """About eight units resident in the street; a few communities' 党委 are joint 大党委 with two
        units resident in each, and the street's 大工委 takes part-time members from its units."""
        rng = self.rng
        count = rng.randint(7, 9)
        candidates = [org for org in community_orgs if org["kind"] == OrganisationKind.COMMITTEE]
        joint = rng.sample(candidates, min(len(candidates), rng.randint(1, 3), count // 2))
        joint.sort(key=lambda org: org["id"])
        placements: list[dict | None] = [org for org in joint for _ in range(2)]
        placements += [None] * (count - len(placements))
        taken: set[str] = set()
        units = []
        for org in placements:
            unit = self._unit(org or street_org, street=street, taken=taken)
            units.append(unit)
            if org is not None:
                org["is_joint"] = True
                self._part_time(org, unit)
        for unit in rng.sample(units, min(len(units), rng.randint(4, 6))):
            self._part_time(street_org, unit)

    def _unit(self, organisation: dict, *, street: dict, taken: set[str]) -> dict:
        """A partner unit resident in the organisation's area."""
        rng = self.rng
        for _attempt in range(50):
            unit_type, templates = rng.choice(PARTNER_TEMPLATES)
            name = rng.choice(templates).format(
                d=self.district_name,
                b=_base(street["name"]),
                c=f"{CITY}市",
                n=rng.randint(1, 30),
                w=rng.choice(COMPANY_WORDS),
            )
            if name not in taken:
                break
        else:
            unit_type = PartnerUnitType.PRIVATE_ENTERPRISE
            name = f"{rng.choice(COMPANY_WORDS)}{len(taken) + 1}号科技有限公司"
        taken.add(name)
        unit = {
            "id": self.ids.take(PartnerUnit),
            "area_id": organisation["area_id"],
            "name": name,
            "unit_type": unit_type,
            "address": f"{_base(street['name'])}{rng.choice(ROADS)}{rng.randint(1, 999)}号",
            "contact_name": _person(rng),
            "contact_phone": _phone(rng),
            **{column: organisation[column] for column in ANCESTORS},
        }
        self.buffer.units.append(unit)
        self.stats.partner_units += 1
        return unit

    def _part_time(self, organisation: dict, unit: dict) -> None:
        self.buffer.part_time.append(
            {
                "organisation_id": organisation["id"],
                "area_id": organisation["area_id"],
                "partner_unit_id": unit["id"],
                "name": _person(self.rng),
                "position": self.rng.choice(POSITIONS),
                **{column: organisation[column] for column in ANCESTORS},
            }
        )
        self.stats.part_time_members += 1

    # -- staff ------------------------------------------------------------------------------------------

    def _staff(
        self,
        area: dict,
        role: str,
        prefix: str,
        count: int,
        *,
        full_time: bool = False,
        leader_kind: str = "",
    ) -> None:
        placed = _placed(area)
        for number in range(1, count + 1):
            suffix = "" if prefix in {"gh", "gp", "bl"} else f"-{number}"
            user_id = self.ids.take(User)
            self.buffer.users.append(
                {
                    "id": user_id,
                    "username": f"{prefix}{area['code']}{suffix}",
                    "full_name": _person(self.rng),
                    "password": self.password_hash,
                }
            )
            self.buffer.roles.append(
                {
                    "user_id": user_id,
                    "role": role,
                    "area_id": area["id"],
                    "is_full_time": full_time,
                    "leader_kind": leader_kind,
                    **placed,
                }
            )

    # -- writing ----------------------------------------------------------------------------------------

    def _flush(self) -> None:
        buffer = self.buffer
        changes = [
            {
                "area_id": area["id"],
                "kind": AreaChangeKind.CREATE,
                "data": {"code": area["code"], "name": area["name"]},
            }
            for area in buffer.areas
        ]
        # Accounts whose username is taken already (made by hand before the city existed) are left out.
        taken = set(
            User.objects.filter(username__in=[user["username"] for user in buffer.users]).values_list(
                "username", flat=True
            )
        )
        skipped = {user["id"] for user in buffer.users if user["username"] in taken}
        users = [user for user in buffer.users if user["id"] not in skipped]
        roles = [role for role in buffer.roles if role["user_id"] not in skipped]
        _insert(Area, buffer.areas)
        _insert(AreaChange, changes)
        _insert(Department, buffer.departments)
        _insert(Department.served_areas.through, buffer.served)
        _insert(Department.categories.through, buffer.handled)
        _insert(PartnerUnit, buffer.units)
        _insert(PartyOrganisation, buffer.organisations)
        _insert(PartyMember, buffer.members)
        _insert(PartTimeMember, buffer.part_time)
        _insert(User, users)
        _insert(RoleAssignment, roles)
        self.stats.staff += len(users)
        self.stats.roles += len(roles)
        self.buffer = _Buffer()


WRITTEN_MODELS = (
    Area,
    AreaChange,
    Department,
    Department.served_areas.through,
    Department.categories.through,
    PartnerUnit,
    PartyOrganisation,
    PartyMember,
    PartTimeMember,
    User,
    RoleAssignment,
)


def generate_city(*, scale: str, seed: int, password_hash: str) -> CityStats:
    """Generate the demo city into an empty tree of areas. Call inside a transaction."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    return CityBuilder(scale=scale, seed=seed, password_hash=password_hash).build()
