"""Demo households, residents and visits: who lives in each building of the demo city, and four weeks of
the grid workers' rounds.

Every building gets the households its figure gives (units, floors and rooms; owner-occupied, rented
with a risk colour, vacant, and shops on the ground floor of some buildings), each with one to four
fictional residents (generated names, well-formed fictional ID numbers, phones, care groups; a few are
the demo city's party members). Households are registered on collection rounds between four and one
months ago, and each grid's worker then visits the households that fall due, patrols and collects data,
on working days over the last four weeks, so that the "today" lists, coverage and overdue pages all have
something to show.

The grids where a demo login works (the first grid: `gridworker`, `gridhead`) are replayed through the
real services (`household_create`, `resident_add`, `household_set_risk`, `visit_log`, two visits that
find a problem and report a case) under the simulated clock of `apps.core.demo_cases`. The same plan for
every other grid is written in bulk with the values those services write: numbers protected through
`services.protect`, ancestors copied from the building, the same timeline entries, and the visit
schedule from `apps.visits.schedule` (its `refresh` runs over the written households at the end, and
finds nothing to change). The services for every building would take minutes; `make run` loads this
in seconds.
"""

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import DateField, DecimalField, JSONField, Max, Model
from django.utils import timezone

from apps.accounts.models import RoleAssignment
from apps.accounts.roles import Role
from apps.areas.choices import LEVEL_FIELDS, AreaLevel
from apps.areas.models import Area
from apps.cases.models import Category
from apps.core.demo import DEMO_LOGINS
from apps.core.demo_cases import simulated_clock
from apps.core.demo_city.load import _insert, _reset_sequences
from apps.core.demo_city.vocabulary import GIVEN, SURNAMES, _phone
from apps.party.models import PartyMember
from apps.residents import services as residents
from apps.residents.choices import Gender, HouseholdAction, HouseholdKind, Relation, Residence
from apps.residents.identity import make_id_number
from apps.residents.models import CareTag, Household, HouseholdEvent, Resident, RiskRule
from apps.visits import schedule
from apps.visits import services as visits
from apps.visits.choices import VisitKind
from apps.visits.models import Visit

# Above this many buildings in the first district (the larger scales), only its first street is filled.
MAX_BUILDINGS = 1000
WEEKS = 4
ANCESTORS = tuple(f"{name}_id" for name in LEVEL_FIELDS.values())

# Where floating residents come from: fictional prefectures (99xx) of real provinces.
FLOATING_REGIONS = ["419901", "349902", "519903", "429904", "369905", "439906", "459907", "229908"]
COLOURS = [("", 8), ("green", 50), ("yellow", 25), ("orange", 11), ("red", 6)]
WORSE = {"": "yellow", "green": "yellow", "yellow": "orange", "orange": "red", "red": "red"}
BETTER = {"": "green", "green": "green", "yellow": "green", "orange": "yellow", "red": "orange"}
# Compositions of a household: weights for owner-occupied, rented and shop; the head's years of birth; the
# head's relatives ("tenants" share a rental with the head).
COMPOSITIONS = {
    "alone_elderly": ((6, 1, 0), (1935, 1955), ()),
    "elderly_couple": ((8, 1, 0), (1935, 1955), ("spouse",)),
    "single": ((12, 35, 60), (1960, 2002), ()),
    "couple": ((20, 25, 40), (1960, 2002), ("spouse",)),
    "family": ((38, 25, 0), (1960, 2002), ("spouse", "children")),
    "three_generations": ((12, 2, 0), (1965, 1985), ("spouse", "parent", "children")),
    "grandparents": ((4, 0, 0), (1950, 1963), ("spouse", "grandchild")),
    "shared": ((0, 11, 0), (1975, 2002), ("tenants",)),
}
MET = {
    "owner_occupied": ["户主本人", "户主及家人", "户主配偶", "老人及其子女"],
    "rented": ["租客本人", "租客及房东", "合租人员"],
    "vacant": ["物业管家", ""],
    "shop": ["店主", "店员"],
}
NOTES = {
    "owner_occupied": [
        "入户走访，了解家庭近况，无异常",
        "核对家庭成员信息，无变化",
        "宣传防范电信诈骗知识",
        "提醒注意用电用气安全",
        "了解居民对小区物业的意见建议",
    ],
    "elderly": [
        "老人身体状况良好，生活能自理",
        "帮助老人预约社区卫生服务中心体检",
        "检查燃气灶具和烟感报警器，运转正常",
        "老人反映腿脚不便，已联系助餐服务",
    ],
    "rented": [
        "核对租客身份信息和居住人数",
        "检查消防器材和电动车充电情况",
        "提醒房东及时申报租客变动",
    ],
    "vacant": ["房屋空置，门窗完好，无异常"],
    "shop": ["检查店铺消防器材和安全通道", "提醒门前三包，不得占道经营"],
}
PATROL_NOTES = [
    "巡查楼道和消防通道，未发现堵塞",
    "巡查小区环境卫生",
    "巡查电动自行车停放充电情况",
    "巡查小区出入口和监控设施，运转正常",
]
FOLLOW_UPS = ["下周回访，跟进老人就医情况", "督促房东配齐灭火器", "协助办理低保年审材料"]


@dataclass
class _Person:
    name: str
    gender: str
    born: date
    relation: str
    residence: str
    phone: str = ""
    tags: list[str] = field(default_factory=list)
    party_member: PartyMember | None = None
    id_number: str = ""


@dataclass
class _Home:
    """One household as planned, and the state the schedule reads (`matching_plan`, `due_on`)."""

    building: Area
    unit: str
    floor: int
    room: str
    address: str
    kind: str
    people: list[_Person]
    created_at: datetime | None = None
    risk_colour: str = ""
    # Colour settings in order: (when, rule, reason).
    risks: list[tuple[datetime, RiskRule, str]] = field(default_factory=list)
    last_visited_at: datetime | None = None
    is_active: bool = True
    tag_ids: set[int] = field(default_factory=set)
    due: date | None = None
    household: Household | None = None
    pk: int | None = None


@dataclass
class _Visit:
    at: datetime
    kind: str
    area: Area
    home: _Home | None = None
    met: str = ""
    notes: str = ""
    follow_up_note: str = ""
    point: tuple[Decimal, Decimal] | None = None
    problem: dict | None = None
    # A rental's colour set again on this visit: (rule, reason).
    risk: tuple[RiskRule, str] | None = None


@dataclass
class _Grid:
    area: Area
    homes: list[_Home] = field(default_factory=list)
    worker: object | None = None  # the User who registers and visits
    per_day: tuple[int, int] = (0, 0)
    ahead: int = 5  # days: households due this soon are visited too
    visits: list[_Visit] = field(default_factory=list)
    through_services: bool = False


@transaction.atomic
def demo_people_seed(*, seed: int = 1, within: Area | None = None) -> int:
    """Households, residents and four weeks of visits in the first district (its first street at the
    larger scales), or in `within`. Does nothing when households exist. Returns the households written."""
    if Household.objects.exists():
        return 0
    area = within or _default_area()
    if area is None:
        return 0
    planner = _Planner(seed=seed, area=area)
    grids = planner.plan()
    if not grids:
        return 0
    for grid in grids:
        if grid.through_services:
            _write_through_services(grid, planner.now)
    _write_in_bulk([grid for grid in grids if not grid.through_services], planner)
    return sum(len(grid.homes) for grid in grids)


def _default_area() -> Area | None:
    district = Area.objects.filter(level=AreaLevel.DISTRICT, is_active=True).order_by("code").first()
    if district is None:
        return None
    buildings = Area.objects.filter(district=district, level=AreaLevel.BUILDING, is_active=True).count()
    if buildings <= MAX_BUILDINGS:
        return district
    return Area.objects.filter(parent=district, is_active=True).order_by("code").first()


class _Planner:
    """Draws the households and the visits from one random generator, in a fixed order."""

    def __init__(self, *, seed: int, area: Area):
        self.rng = random.Random(seed)  # noqa: S311 - made-up demo data, not secrets
        self.area = area
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.tags = {tag.code: tag for tag in CareTag.objects.filter(is_active=True)}
        self.rules = {
            rule.colour: rule for rule in RiskRule.objects.filter(is_active=True).order_by("-sort_order")
        }
        self.plans = schedule.plans_in_force()
        self.sequences: dict[tuple, int] = defaultdict(int)
        self.region = (area.district.code if area.district_id else area.code)[:6]

    # -- the grids ------------------------------------------------------------------------------------

    def plan(self) -> list[_Grid]:
        within = {f"{self.area.level_field}_id": self.area.pk}
        grids = {
            grid.pk: _Grid(area=grid)
            for grid in Area.objects.filter(level=AreaLevel.GRID, is_active=True, **within).order_by("code")
        }
        buildings = (
            Area.objects.filter(level=AreaLevel.BUILDING, is_active=True, **within)
            .select_related("community")
            .order_by("code")
        )
        members = defaultdict(list)
        for member in PartyMember.objects.filter(area__level=AreaLevel.BUILDING, **within).order_by("pk"):
            members[member.area_id].append(member)
        self._staff(grids)
        for building in buildings:
            grid = grids.get(building.grid_id)
            if grid is not None:
                grid.homes.extend(self._building(building, members[building.pk]))
        for grid in grids.values():
            self._register(grid)
            self._rounds(grid)
        return list(grids.values())

    def _staff(self, grids: dict[int, _Grid]) -> None:
        """Each grid's visitor: its full-time grid worker (a demo login first), else its part-time one,
        else its grid head, who visit fewer households a day."""
        demo = {login.username for login in DEMO_LOGINS}
        roles = (
            RoleAssignment.objects.active()
            .filter(role__in=[Role.GRID_WORKER, Role.GRID_HEAD], area_id__in=list(grids))
            .select_related("user")
            .order_by("pk")
        )
        ranked = defaultdict(list)
        for role in roles:
            rank = (role.role != Role.GRID_WORKER, not role.is_full_time, role.user.username not in demo)
            ranked[role.area_id].append((rank, role.pk, role.user))
        for grid_id, candidates in ranked.items():
            rank, _pk, user = min(candidates, key=lambda candidate: candidate[:2])
            grid = grids[grid_id]
            grid.worker = user
            grid.through_services = user.username in demo
            if grid.through_services:
                # The demo login works through what is due and no further, so that its list of visits
                # due today is never empty.
                grid.per_day, grid.ahead = (4, 7), 0
            elif rank[0]:
                grid.per_day = (1, 3)
            elif rank[1]:
                grid.per_day = (2, 4)
            else:
                grid.per_day = (4, 9) if self.rng.random() < 0.85 else (2, 5)

    # -- households and residents ---------------------------------------------------------------------

    def _building(self, building: Area, members: list[PartyMember]) -> list[_Home]:
        rng = self.rng
        estate = building.community.name if building.community_id else ""
        for suffix in ("社区", "村"):
            estate = estate.removesuffix(suffix)
        prefix = f"{estate}{building.name}"
        count = max(building.households, 1)
        shops = rng.randint(2, 4) if count >= 16 and rng.random() < 0.3 else 0
        flats = count - shops
        per_floor = 2 if flats <= 36 else rng.choice((2, 3, 4))
        units = max(1, min(4, round(flats / (per_floor * 6))))
        floors = math.ceil(flats / (units * per_floor))
        homes = []
        for number in range(1, shops + 1):
            room = f"底商{number}"
            homes.append(
                self._home(_Home(building, "", 1, room, f"{prefix}{room}号", HouseholdKind.SHOP, []))
            )
        slots = [
            (unit, floor, index)
            for unit in range(1, units + 1)
            for floor in range(1, floors + 1)
            for index in range(1, per_floor + 1)
        ]
        for unit, floor, index in slots[:flats]:
            room = f"{floor}{index:02d}"
            kind = rng.choices(
                [HouseholdKind.OWNER_OCCUPIED, HouseholdKind.RENTED, HouseholdKind.VACANT], [66, 22, 12]
            )[0]
            address = f"{estate}{residents.default_address(building, str(unit), room)}"
            homes.append(self._home(_Home(building, str(unit), floor, room, address, kind, [])))
        # About half the building's party group live in it: each heads one of its owner-occupied homes.
        owned = [home for home in homes if home.kind == HouseholdKind.OWNER_OCCUPIED and home.people]
        for member, home in zip(
            [m for m in members if rng.random() < 0.5], rng.sample(owned, len(owned)), strict=False
        ):
            self._member_heads(home, member)
        return homes

    def _home(self, home: _Home) -> _Home:
        if home.kind != HouseholdKind.VACANT:
            home.people = self._people(home.kind)
            home.tag_ids = {self.tags[code].pk for person in home.people for code in person.tags}
        return home

    def _people(self, kind: str) -> list[_Person]:
        rng = self.rng
        column = {HouseholdKind.OWNER_OCCUPIED: 0, HouseholdKind.RENTED: 1}.get(kind, 2)
        shapes = list(COMPOSITIONS)
        shape = rng.choices(shapes, [COMPOSITIONS[name][0][column] for name in shapes])[0]
        _weights, (first, last), relatives = COMPOSITIONS[shape]
        residence = Residence.FLOATING if kind == HouseholdKind.RENTED else Residence.REGISTERED
        if rng.random() < 0.15:
            residence = Residence.FLOATING if residence == Residence.REGISTERED else Residence.REGISTERED
        male = rng.random() < 0.7
        surname = rng.choice(SURNAMES)
        names = (surname, surname if male else rng.choice(SURNAMES))
        head_year = rng.randint(first, min(last, self.today.year - 20))
        people = [self._person(surname, head_year, male, Relation.HEAD, residence)]
        for relative in relatives:
            people += self._relatives(relative, people[0], names=names, residence=residence)
        people = people[:4]
        self._care_groups(people, shape, kind)
        return people

    def _relatives(self, relative: str, head: _Person, *, names: tuple[str, str], residence: str) -> list:
        """The head's relatives of one kind; `names` are the head's surname and the children's."""
        rng, year, this_year = self.rng, head.born.year, self.today.year
        surname, family_name = names
        if relative == "spouse":
            male = head.gender != Gender.MALE
            return [
                self._person(
                    rng.choice(SURNAMES), year + rng.randint(-3, 3), male, Relation.SPOUSE, residence
                )
            ]
        if relative == "parent":
            return [
                self._person(
                    surname, year - rng.randint(24, 32), rng.random() < 0.4, Relation.PARENT, residence
                )
            ]
        if relative == "children":
            return [
                self._person(
                    family_name, year + rng.randint(24, 36), rng.random() < 0.5, Relation.CHILD, residence
                )
                for _child in range(rng.randint(1, 2))
            ]
        if relative == "grandchild":
            born = rng.randint(max(year + 50, this_year - 16), this_year - 6)
            child = self._person(family_name, born, rng.random() < 0.5, Relation.GRANDCHILD, residence)
            child.tags.append("left_behind_child")
            return [child]
        return [
            self._person(
                rng.choice(SURNAMES),
                rng.randint(1975, this_year - 19),
                rng.random() < 0.6,
                Relation.TENANT,
                residence,
            )
            for _tenant in range(rng.randint(1, 3))
        ]

    def _care_groups(self, people: list[_Person], shape: str, kind: str) -> None:
        rng, this_year = self.rng, self.today.year
        if shape in ("alone_elderly", "elderly_couple"):
            for person in people:
                person.tags.append(shape if shape == "alone_elderly" else "empty_nest")
        if kind != HouseholdKind.RENTED and rng.random() < 0.015:
            people[0].tags.append("subsistence")
        for person in people:
            age = this_year - person.born.year
            if rng.random() < 0.02:
                person.tags.append("disabled")
            if person.gender == Gender.MALE and 25 <= age <= 75 and rng.random() < 0.03:
                person.tags.append("veteran")
            if age >= 18 and rng.random() < 0.006:
                person.tags.append("special_attention")

    def _person(self, surname: str, year: int, male: bool, relation: str, residence: str) -> _Person:
        rng = self.rng
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        born = date(min(year, self.today.year - 1), rng.randint(1, 12), rng.randint(1, 28))
        age = self.today.year - born.year
        person = _Person(
            name=surname + given,
            gender=Gender.MALE if male else Gender.FEMALE,
            born=born,
            relation=relation,
            residence=residence,
            phone=_phone(rng) if age >= 16 and rng.random() < (0.8 if age >= 70 else 0.95) else "",
        )
        region = self.region if residence == Residence.REGISTERED else rng.choice(FLOATING_REGIONS)
        person.id_number = self._id_number(region, born, male)
        return person

    def _id_number(self, region: str, born: date, male: bool) -> str:
        """Unique within the seed: 500 sequence numbers per region, date of birth and sex, then the next
        day."""
        while self.sequences[region, born, male] >= 500:
            born += timedelta(days=1)
        sequence = self.sequences[region, born, male]
        self.sequences[region, born, male] += 1
        return make_id_number(region, born, sequence, male=male)

    def _member_heads(self, home: _Home, member: PartyMember) -> None:
        """The party member is the head of this home (党员中心户)."""
        head = home.people[0]
        year = member.birth_year or head.born.year
        male = member.gender != Gender.FEMALE
        head.name, head.gender, head.party_member = (
            member.name,
            Gender.MALE if male else Gender.FEMALE,
            member,
        )
        head.born = date(year, head.born.month, head.born.day)
        head.residence = Residence.REGISTERED
        head.id_number = self._id_number(self.region, head.born, male)

    # -- registration and rounds ----------------------------------------------------------------------

    def _at(self, day: date, minutes: float) -> datetime:
        start = datetime.combine(day, time(9, 0), tzinfo=timezone.get_current_timezone())
        return start + timedelta(minutes=minutes)

    def _register(self, grid: _Grid) -> None:
        """Each building's households are registered on one collection round: most between three months
        and a month ago, one building in six longer ago (due again by now, unless visited since)."""
        rng = self.rng
        by_building = defaultdict(list)
        for home in grid.homes:
            by_building[home.building.pk].append(home)
        for homes in by_building.values():
            days_ago = rng.randint(91, 125) if rng.random() < 1 / 6 else rng.randint(30, 88)
            day = self._workday(self.today - timedelta(days=days_ago))
            at = self._at(day, rng.uniform(0, 420))
            for home in homes:
                home.created_at = at
                if home.kind == HouseholdKind.RENTED:
                    colour = rng.choices([c for c, _w in COLOURS], [w for _c, w in COLOURS])[0]
                    if colour:
                        self._set_risk(home, at, colour, "入户核查后评定")
                self._refresh_due(home)

    @staticmethod
    def _workday(day: date) -> date:
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        return day

    def _set_risk(self, home: _Home, at: datetime, colour: str, reason: str) -> RiskRule:
        rule = self.rules[colour]
        home.risk_colour = colour
        home.risks.append((at, rule, reason))
        return rule

    def _refresh_due(self, home: _Home) -> None:
        home.due = schedule.due_on(home, schedule.matching_plan(home, home.tag_ids, self.plans))

    def _rounds(self, grid: _Grid) -> None:
        """Working days of the last four weeks: the worker visits what falls due first, patrols now and
        then, and once in a while goes round a building collecting data."""
        if grid.worker is None:
            return
        rng = self.rng
        buildings = sorted(
            {home.building.pk: home.building for home in grid.homes}.values(), key=lambda b: b.code
        )
        for offset in range(WEEKS * 7, -1, -1):
            day = self.today - timedelta(days=offset)
            if day.weekday() >= 5 and rng.random() > 0.1:
                continue
            minutes = rng.uniform(0, 30)
            horizon = day + timedelta(days=grid.ahead)
            due = sorted(
                (due, rng.random(), index)
                for index, home in enumerate(grid.homes)
                if (due := home.due) is not None and due <= horizon
            )
            for _due_on, _tiebreak, index in due[: rng.randint(*grid.per_day)]:
                if rng.random() < 0.1:
                    continue  # nobody at home today
                at = self._at(day, minutes)
                if at > self.now:
                    break
                grid.visits.append(self._visit(grid.homes[index], at))
                minutes += rng.uniform(20, 45)
            if rng.random() < 0.4 and buildings:
                at = self._at(day, minutes)
                place = grid.area if rng.random() < 0.5 else rng.choice(buildings)
                if at <= self.now:
                    grid.visits.append(
                        _Visit(at=at, kind=VisitKind.PATROL, area=place, notes=rng.choice(PATROL_NOTES))
                    )
            elif rng.random() < 0.05 and buildings:
                at = self._at(day, minutes)
                if at <= self.now:
                    building = rng.choice(buildings)
                    grid.visits.append(
                        _Visit(
                            at=at,
                            kind=VisitKind.COLLECTION,
                            area=building,
                            notes=f"信息采集：核对{building.name}实有人口和出租房屋",
                        )
                    )
        if grid.through_services:
            self._problems(grid)

    def _visit(self, home: _Home, at: datetime) -> _Visit:
        rng = self.rng
        elderly = any(tag in ("alone_elderly", "empty_nest") for person in home.people for tag in person.tags)
        notes = NOTES["elderly" if elderly else home.kind]
        visit = _Visit(
            at=at,
            kind=VisitKind.HOUSEHOLD,
            area=home.building,
            home=home,
            met=rng.choice(MET[home.kind]) if home.people or home.kind == HouseholdKind.VACANT else "",
            notes=rng.choice(notes),
        )
        if rng.random() < 0.04:
            visit.follow_up_note = rng.choice(FOLLOW_UPS)
        if rng.random() < 0.7 and home.building.centre_lng is not None:
            visit.point = (
                Decimal(f"{home.building.centre_lng + rng.uniform(-0.0003, 0.0003):.6f}"),
                Decimal(f"{home.building.centre_lat + rng.uniform(-0.0003, 0.0003):.6f}"),
            )
        if home.kind == HouseholdKind.RENTED and rng.random() < 0.08:
            worse = rng.random() < 0.5
            colour = (WORSE if worse else BETTER)[home.risk_colour]
            reason = "走访发现群租和消防隐患" if worse else "整改到位，复核后调整"
            visit.risk = (self._set_risk(home, at, colour, reason), reason)
        home.last_visited_at = at
        self._refresh_due(home)
        return visit

    def _problems(self, grid: _Grid) -> None:
        """Two of the last visits in a demo login's grid found a problem and reported it as a case."""
        categories = {
            category.code: category for category in Category.objects.filter(code__in=["0204", "0301"])
        }
        rental = next(
            (v for v in reversed(grid.visits) if v.home is not None and v.home.kind == HouseholdKind.RENTED),
            None,
        )
        patrol = next((v for v in reversed(grid.visits) if v.kind == VisitKind.PATROL), None)
        if rental is not None and "0204" in categories:
            rental.notes = "楼道内有电动自行车飞线充电，已当场劝阻"
            rental.problem = {
                "category": categories["0204"],
                "title": f"{rental.home.address}楼道电动自行车飞线充电",
                "description": "走访发现租户在楼道内私拉电线为电动自行车充电，存在火灾隐患，需督促整改。",
            }
        if patrol is not None and "0301" in categories:
            patrol.notes = "巡查发现垃圾堆放点满溢"
            patrol.problem = {
                "category": categories["0301"],
                "title": f"{patrol.area.name}附近垃圾堆放点满溢",
                "description": "巡查发现垃圾桶满溢、周边堆放建筑垃圾，需安排清运。",
            }


# -- writing ----------------------------------------------------------------------------------------------


def _write_through_services(grid: _Grid, now: datetime) -> None:
    """Replay the grid's plan through the services, in time order under the simulated clock."""
    actor = grid.worker
    steps: list[tuple[datetime, int, object]] = []
    for home in grid.homes:
        steps.append((home.created_at, len(steps), home))
    for visit in grid.visits:
        steps.append((visit.at, len(steps), visit))
    steps.sort(key=lambda step: step[:2])
    tags = {tag.code: tag for tag in CareTag.objects.all()}
    with simulated_clock(steps[0][0] if steps else now) as clock:
        for at, _seq, step in steps:
            clock["now"] = at
            if isinstance(step, _Home):
                _register_home(actor, step, tags)
            else:
                _log_visit(actor, step)
        clock["now"] = now


def _register_home(actor, home: _Home, tags: dict) -> None:
    home.household = residents.household_create(
        actor=actor,
        building=home.building,
        unit=home.unit,
        floor=home.floor,
        room=home.room,
        address=home.address,
        kind=home.kind,
    )
    for person in home.people:
        residents.resident_add(
            actor=actor,
            household=home.household,
            name=person.name,
            relation=person.relation,
            residence=person.residence,
            id_number=person.id_number,
            phone=person.phone,
            tags=[tags[code] for code in person.tags],
            party_member=person.party_member,
        )
    for at, rule, reason in home.risks:
        if at == home.created_at:
            residents.household_set_risk(actor=actor, household=home.household, rule=rule, reason=reason)


def _log_visit(actor, visit: _Visit) -> None:
    longitude, latitude = visit.point or (None, None)
    visits.visit_log(
        actor=actor,
        kind=visit.kind,
        visited_at=visit.at,
        household=visit.home.household if visit.home else None,
        area=None if visit.home else visit.area,
        longitude=longitude,
        latitude=latitude,
        met=visit.met,
        notes=visit.notes,
        follow_up=bool(visit.follow_up_note),
        follow_up_note=visit.follow_up_note,
        problem=visit.problem,
    )
    if visit.risk is not None:
        rule, reason = visit.risk
        residents.household_set_risk(actor=actor, household=visit.home.household, rule=rule, reason=reason)


def _placed(area: Area) -> dict:
    return {column: getattr(area, column) for column in ANCESTORS}


def _write_in_bulk(grids: list[_Grid], planner: _Planner) -> None:
    """The plan of these grids as rows: households and residents with the timestamps the clock would
    have given them (written building by building under it), their timeline, the visits, and then the
    schedule checked through `schedule.refresh`."""
    next_household = (Household.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    next_resident = (Resident.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    events, tag_rows, visit_days = [], [], defaultdict(list)
    rounds = defaultdict(list)
    for grid in grids:
        for home in grid.homes:
            rounds[home.created_at].append((grid, home))
    ids = []
    with simulated_clock(planner.now) as clock:
        for at in sorted(rounds):
            households, people = [], []
            for grid, home in rounds[at]:
                actor_id = grid.worker.pk if grid.worker else None
                pk = home.pk = next_household
                next_household += 1
                ids.append(pk)
                plan = schedule.matching_plan(home, home.tag_ids, planner.plans)
                risk_at, rule, _reason = home.risks[-1] if home.risks else (None, None, "")
                households.append(
                    {
                        "id": pk,
                        **_placed(home.building),
                        "unit": home.unit,
                        "floor": home.floor,
                        "room": home.room,
                        "address": home.address,
                        "kind": home.kind,
                        "risk_colour": home.risk_colour,
                        "risk_rule_id": rule.pk if rule else None,
                        "risk_set_at": risk_at,
                        "last_visited_at": home.last_visited_at,
                        "visit_plan_id": plan.pk if plan else None,
                        "visit_interval_days": plan.interval_days if plan else None,
                        "visit_due_on": schedule.due_on(home, plan),
                    }
                )
                events.append(
                    _event(
                        pk, HouseholdAction.CREATE, actor_id=actor_id, at=at, data={"address": home.address}
                    )
                )
                for person in home.people:
                    resident_id, next_resident = next_resident, next_resident + 1
                    people.append(_resident_row(resident_id, pk, home, person))
                    tag_rows += [
                        {"resident_id": resident_id, "caretag_id": planner.tags[code].pk}
                        for code in person.tags
                    ]
                    events.append(
                        _event(
                            pk,
                            HouseholdAction.RESIDENT_ADD,
                            actor_id=actor_id,
                            at=at,
                            data={"name": person.name},
                            resident_id=resident_id,
                        )
                    )
                previous = ""
                for risk_at, rule, reason in home.risks:
                    data = {"from": previous, "to": rule.colour, "rule": rule.code, "rule_name": rule.name}
                    events.append(
                        _event(
                            pk, HouseholdAction.RISK, actor_id=actor_id, at=risk_at, data=data, reason=reason
                        )
                    )
                    previous = rule.colour
            clock["now"] = at
            _store(Household, households)
            _store(Resident, people)
        for grid in grids:
            for visit in grid.visits:
                visit_days[visit.at.date()].append((grid, visit))
        for day in sorted(visit_days):
            rows = [_visit_row(grid, visit) for grid, visit in visit_days[day]]
            clock["now"] = max(visit.at for _grid, visit in visit_days[day])
            _store(Visit, rows)
        clock["now"] = planner.now
    _store(Resident.tags.through, tag_rows)
    _store(HouseholdEvent, events)
    _reset_sequences([Household, Resident])
    schedule.refresh(ids, planner.plans)


def _event(household_id, action, *, actor_id, at, data, resident_id=None, reason="") -> dict:
    return {
        "household_id": household_id,
        "resident_id": resident_id,
        "action": action,
        "actor_id": actor_id,
        "reason": reason,
        "data": data,
        "created_at": at,
    }


def _resident_row(pk: int, household_id: int, home: _Home, person: _Person) -> dict:
    numbers = SimpleNamespace()
    residents.protect(numbers, id_number=person.id_number, phone=person.phone)
    return {
        "id": pk,
        **_placed(home.building),
        "household_id": household_id,
        "name": person.name,
        "gender": person.gender,
        "birth_year": person.born.year,
        **vars(numbers),
        "relation": person.relation,
        "residence": person.residence,
        "party_member_id": person.party_member.pk if person.party_member else None,
    }


def _visit_row(grid: _Grid, visit: _Visit) -> dict:
    longitude, latitude = visit.point or (None, None)
    return {
        **_placed(visit.area),
        "kind": visit.kind,
        "worker_id": grid.worker.pk,
        "area_id": visit.area.pk,
        "household_id": visit.home.pk if visit.home else None,
        "visited_at": visit.at,
        "longitude": longitude,
        "latitude": latitude,
        "met": visit.met,
        "notes": visit.notes,
        "follow_up": bool(visit.follow_up_note),
        "follow_up_note": visit.follow_up_note,
    }


def _store(model: type[Model], rows: list[dict]) -> None:
    """Write dict rows as `demo_city.load._insert` does (COPY on PostgreSQL). Elsewhere in one
    `executemany`, with only the dates, decimals and JSON converted by their fields: `bulk_create` builds
    a model instance and prepares every value of each row, which took most of the seed's time on SQLite."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        _insert(model, rows)
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and "id" not in rows[0])]
    defaults = [
        now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default()
        for f in fields
    ]
    # DateTimeField is a DateField. The rows of a batch share most timestamps: each is converted once.
    memo: dict = {}

    def prepare(f, value):
        if isinstance(f, JSONField):
            return f.get_db_prep_save(value, connection)
        key = (f.attname, value)
        if key not in memo:
            memo[key] = f.get_db_prep_save(value, connection)
        return memo[key]

    columns = [
        (f, f.attname, default, isinstance(f, DateField | DecimalField | JSONField))
        for f, default in zip(fields, defaults, strict=True)
    ]
    params = [
        [
            prepare(f, row.get(name, default)) if converted else row.get(name, default)
            for f, name, default, converted in columns
        ]
        for row in rows
    ]
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(
            # Names come from the model's own fields; every value is a parameter.
            f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({names}) VALUES ({marks})",  # noqa: S608
            params,
        )
