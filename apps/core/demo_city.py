"""The demo city: a whole fictional city generated in one pass, at one of three scales.

    generate_city(scale="demo", seed=1, password_hash=make_password(DEMO_PASSWORD))

It spans every domain that exists so far: the five-level grid (districts, streets and towns, communities
and villages, grids, buildings) with codes, household figures, boundaries and centre points; the case
category tree; the departments of each district and street with the areas they serve and the categories
they handle; the party tree bound to the grid level by level, partner units, joint committees with their
part-time members, and a roster of party members; and the staff who hold roles in the grid.

Everything is drawn from `random.Random(seed)` in a fixed order (lists only, never the order of a dict or
set filled from the database, never the clock), so one seed always gives the same names, codes and
figures. Primary keys are assigned here, so the paths and ancestor columns of the areas are computed in
Python in one pass; they are exactly what `apps.areas.services.area_create` produces
(tests/core/test_seed_demo.py replays the tree through it and compares). Rows are plain dicts, written one
district at a time (memory stays flat at metro scale) with `bulk_create`, or on PostgreSQL with COPY and
the foreign keys of the written tables set aside until the end; the sequences are then reset above the
keys given. Metro scale (about 1.1 million rows) loads in a few minutes on two cores that way, where
`bulk_create` of model instances with the keys checked row by row took several times longer.

The caller (`apps.core.services.demo_seed`) runs this only when there are no areas yet, inside one
transaction; the demo logins are granted their roles afterwards, through the ordinary services.
"""

import math
import random
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from django.core.management.color import no_style
from django.db import DatabaseError, connection, transaction
from django.db.models import JSONField, Max, Model
from django.utils import timezone
from psycopg.types.json import Jsonb

from apps.accounts.models import RoleAssignment, User
from apps.accounts.roles import BuildingLeaderKind, Role
from apps.areas.choices import LEVEL_FIELDS, AreaChangeKind, AreaKind, AreaLevel
from apps.areas.models import Area, AreaChange, GridStandard
from apps.cases.models import Category
from apps.core.demo import DEMO_LOGINS
from apps.departments.choices import DepartmentLevel
from apps.departments.models import Department
from apps.party.choices import Gender, OrganisationKind, PartnerUnitType
from apps.party.models import PartnerUnit, PartTimeMember, PartyMember, PartyOrganisation

BATCH = 2000
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
# Names

CITY = "云州"
COUNTY_PREFIX = "3199"  # province and city part of the six-digit county code: 3199 + district 01..99

DISTRICT_NAMES = [
    "青阳区", "临江区", "望湖区", "锦川区", "云溪区", "松岭区", "明港区", "凤栖区", "兰亭区", "白鹭区",
    "金沙区", "柳岸区", "枫林区", "翠屏区", "嘉禾区", "安澜区", "星海区", "瑞丰区", "东临区", "北湖区",
]  # fmt: skip

STREET_WORDS = [
    "和平", "新华", "建设", "人民", "解放", "胜利", "光明", "朝阳", "东风", "红旗", "幸福", "长安", "中山",
    "文化", "民主", "永安", "兴华", "振兴", "前进", "团结", "育才", "东湖", "西湖", "南湖", "北苑", "城南",
    "城北", "江滨", "滨河", "桃源", "杏花", "梅林", "竹园", "松柏", "金桥", "银杏", "望江", "临湖", "青石",
    "白塔", "鼓楼", "钟楼", "府前", "学府", "花园", "枫桥", "虹桥", "新港", "龙华", "天宁", "广安", "安定",
]  # fmt: skip
STREET_SUFFIXES = ["", "", "", "路", "里", "门", "桥", "坊"]
TOWN_WORDS = [
    "青龙", "白沙", "黄桥", "石湖", "新塘", "马桥", "柳营", "杨庄", "古城", "龙泉", "凤凰", "金山", "双河",
    "三里", "五里", "七星", "九龙", "高桥", "大营", "小店", "铜井", "梅溪", "沙河", "华阳", "横山", "泉水",
]  # fmt: skip
COMMUNITY_WORDS = [
    "翠湖", "金桥", "幸福", "阳光", "锦绣", "和谐", "东方", "明珠", "春晖", "紫荆", "丽景", "滨江", "新城",
    "学府", "康乐", "福苑", "嘉园", "瑞景", "华庭", "馨园", "枫林", "桂花", "海棠", "芳草", "碧水", "蓝天",
    "绿洲", "宏图", "安居", "乐业", "永宁", "泰和", "长青", "文苑", "书香", "怡景", "清风", "朝晖", "望月",
    "荷塘", "鸿福", "盛世", "天和", "景泰", "御景", "水岸", "云锦", "万象",
]  # fmt: skip
COMMUNITY_SUFFIXES = [
    "", "苑", "园", "里", "坊", "家园", "新村", "花园", "湾", "北里", "南里", "东区", "西区", "公寓", "雅苑",
]  # fmt: skip
VILLAGE_WORDS = [
    "石桥", "柳树", "杏林", "枣园", "桃园", "河口", "红星", "新建", "前进", "东岗", "西岗", "南庄", "北庄",
    "大湾", "小湾", "双庙", "三合", "四方", "长岭", "黄土", "青山", "龙潭", "白马", "牛头",
]  # fmt: skip
VILLAGE_PARTS = ["庄", "湾", "坝", "岗", "店", "集", "营", "屯", "洼", "圩"]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕建国志明海波晓东丹宁欣怡浩然"
    "子轩雨涵梓萱宇航文博思远嘉怡佳琪俊杰雅婷鹏飞春梅秋菊冬梅德胜永康振华立新卫东建华淑珍凤兰金凤"
)
ROADS = ["中山路", "人民路", "解放路", "建设路", "文化路", "长江路", "黄河路", "新华路", "和平路", "友谊路"]
COMPANY_WORDS = [
    "华信",
    "恒达",
    "远景",
    "博源",
    "正泰",
    "德润",
    "天成",
    "汇通",
    "佳禾",
    "鼎盛",
    "瑞康",
    "启航",
]
POSITIONS = ["党委书记", "党支部书记", "副总经理", "校长", "院长", "主任", "副主任", "工会主席"]

# The case category tree: (code, name, [(code, name), …]). Codes are stable: routing rules hang on them.
CATEGORIES = [
    (
        "01",
        "矛盾纠纷",
        [("0101", "邻里纠纷"), ("0102", "婚姻家庭纠纷"), ("0103", "劳资纠纷"), ("0104", "房屋租赁纠纷")],
    ),
    (
        "02",
        "安全隐患",
        [
            ("0201", "消防安全隐患"),
            ("0202", "燃气安全隐患"),
            ("0203", "房屋建筑安全"),
            ("0204", "电动自行车违规充电"),
        ],
    ),
    (
        "03",
        "环境卫生",
        [("0301", "垃圾乱堆乱放"), ("0302", "垃圾分类"), ("0303", "污水外溢"), ("0304", "噪声扰民")],
    ),
    (
        "04",
        "物业管理",
        [("0401", "电梯故障"), ("0402", "公共设施损坏"), ("0403", "物业服务纠纷"), ("0404", "小区停车")],
    ),
    (
        "05",
        "市容秩序",
        [("0501", "占道经营"), ("0502", "违法建设"), ("0503", "乱贴乱画"), ("0504", "非机动车乱停放")],
    ),
    ("06", "治安", [("0601", "可疑人员"), ("0602", "盗窃"), ("0603", "群租"), ("0604", "电信诈骗")]),
    (
        "07",
        "民生服务",
        [
            ("0701", "养老服务"),
            ("0702", "就业帮扶"),
            ("0703", "社会救助"),
            ("0704", "供水供电"),
            ("0705", "食品药品安全"),
            ("0706", "医疗卫生"),
        ],
    ),
]

# (name, short name, category codes handled)
DISTRICT_DEPARTMENTS = [
    ("城管执法局", "城管", ["0301", "0501", "0502", "0503", "0504"]),
    ("公安分局", "公安", ["0601", "0602", "0603", "0604", "0101"]),
    ("市场监管局", "市场监管", ["0705", "0501"]),
    ("住房和城乡建设委员会", "住建委", ["0203", "0401", "0402", "0403", "0404", "0104"]),
    ("生态环境局", "生态环境", ["0303", "0304"]),
    ("卫生健康委员会", "卫健委", ["0706", "0705"]),
    ("民政局", "民政", ["0701", "0703", "0102"]),
    ("水务局", "水务", ["0303", "0704"]),
    ("交通委员会", "交通委", ["0504", "0404"]),
    ("绿化市容局", "绿化市容", ["0301", "0302", "0503"]),
    ("消防救援支队", "消防", ["0201", "0202", "0204"]),
    ("人力资源和社会保障局", "人社", ["0103", "0702"]),
]
# (suffix, short name, categories, name takes the street's name without 街道/镇)
STREET_DEPARTMENTS = [
    ("城管执法队", "城管队", ["0301", "0501", "0503", "0504"], False),
    ("派出所", "派出所", ["0601", "0602", "0603", "0604", "0101"], True),
    ("市场监管所", "市场所", ["0705", "0501"], True),
    ("综合执法队", "综合执法", ["0502", "0303", "0304", "0204"], False),
    ("社区服务中心", "服务中心", ["0701", "0702", "0703", "0102"], False),
]
STREET_EXTRA_DEPARTMENTS = [
    ("房屋管理办事处", "房管办", ["0401", "0402", "0403", "0404", "0203"], False),
    ("平安建设办公室", "平安办", ["0101", "0104", "0201", "0202"], False),
]

# (type, name templates); {d} district, {b} street without 街道/镇, {c} city, {n} number, {w} word
PARTNER_TEMPLATES = [
    (
        PartnerUnitType.GOVERNMENT,
        ["{d}税务局第{n}税务所", "{d}司法局{b}司法所", "{d}档案馆", "{d}退役军人事务局"],
    ),
    (
        PartnerUnitType.STATE_ENTERPRISE,
        ["{c}电力公司{b}供电所", "{c}燃气集团{b}营业所", "{c}城投集团第{n}工程公司", "{c}农商银行{b}支行"],
    ),
    (
        PartnerUnitType.PUBLIC_INSTITUTION,
        ["{d}图书馆", "{d}文化馆", "{d}疾病预防控制中心", "{b}社区卫生服务中心"],
    ),
    (PartnerUnitType.SCHOOL, ["{d}第{n}中学", "{b}路小学", "{b}幼儿园", "{c}职业技术学院"]),
    (PartnerUnitType.HOSPITAL, ["{d}人民医院", "{d}中医医院", "{d}妇幼保健院"]),
    (
        PartnerUnitType.PRIVATE_ENTERPRISE,
        ["{w}科技有限公司", "{w}物业服务有限公司", "{w}商贸有限公司", "{w}建设工程有限公司"],
    ),
    (PartnerUnitType.SOCIAL_ORGANISATION, ["{b}社工服务社", "{d}志愿者协会{b}分会", "{w}公益服务中心"]),
]


# ---------------------------------------------------------------------------------------------------------
# Geometry: rectangles nested inside their parent's rectangle

Rect = tuple[float, float, float, float]  # west, south, east, north

# The whole city: about 110 km by 90 km, centred near 121.5 E, 31.2 N.
CITY_RECT: Rect = (120.9, 30.8, 122.1, 31.6)


def _split(rect: Rect, count: int, inset: float = 0.04) -> list[Rect]:
    """`count` cells of `rect` in rows, each shrunk by `inset` of its size so that it lies inside."""
    west, south, east, north = rect
    width, height = east - west, north - south
    columns = max(1, round(math.sqrt(count * width / height)))
    rows = math.ceil(count / columns)
    cell_w, cell_h = width / columns, height / rows
    cells = []
    for index in range(count):
        column, row = index % columns, index // columns
        x0, y1 = west + column * cell_w, north - row * cell_h
        cells.append(
            (
                x0 + cell_w * inset,
                y1 - cell_h * (1 - inset),
                x0 + cell_w * (1 - inset),
                y1 - cell_h * inset,
            )
        )
    return cells


def _polygon(rect: Rect) -> dict:
    west, south, east, north = (round(value, 6) for value in rect)
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def _centre(rect: Rect) -> tuple[float, float]:
    west, south, east, north = rect
    return round((west + east) / 2, 6), round((south + north) / 2, 6)


# ---------------------------------------------------------------------------------------------------------
# Drawing figures


def spread(rng: random.Random, total: int, count: int, jitter: float = 0.5) -> list[int]:
    """`total` shared out among `count` parents, each at least one, unevenly but summing exactly."""
    if count <= 0:
        return []
    weights = [rng.uniform(1 - jitter, 1 + jitter) for _ in range(count)]
    scale = (total - count) / sum(weights)
    raw = [weight * scale for weight in weights]
    shares = [1 + int(value) for value in raw]
    leftover = total - sum(shares)
    by_fraction = sorted(range(count), key=lambda index: (-(raw[index] - int(raw[index])), index))
    for index in by_fraction[:leftover]:
        shares[index] += 1
    return shares


def _grid_households(rng: random.Random) -> int:
    """Mostly within the standard of 300-500 households per grid; a few below and above."""
    draw = rng.random()
    if draw < 0.05:
        return rng.randint(180, 299)
    if draw < 0.10:
        return rng.randint(501, 640)
    return rng.randint(300, 500)


def _person(rng: random.Random) -> str:
    surname = rng.choice(SURNAMES)
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return surname + given


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}"


def _office_phone(rng: random.Random) -> str:
    return f"0571-{rng.randint(5, 8)}{rng.randint(0, 9_999_999):07d}"


def _day(rng: random.Random, first_year: int, last_year: int) -> date:
    return date(rng.randint(first_year, last_year), rng.randint(1, 12), rng.randint(1, 28))


def _unique(rng: random.Random, taken: set[str], draw) -> str:
    """A name from `draw(rng)` not yet in `taken`; numbered after a few collisions."""
    for _attempt in range(20):
        name = draw(rng)
        if name not in taken:
            taken.add(name)
            return name
    base, number = draw(rng), 2
    while f"{base}{number}" in taken:
        number += 1
    taken.add(f"{base}{number}")
    return f"{base}{number}"


def _street_name(rng: random.Random) -> str:
    return rng.choice(STREET_WORDS) + rng.choice(STREET_SUFFIXES) + "街道"


def _town_name(rng: random.Random) -> str:
    return rng.choice(TOWN_WORDS) + "镇"


def _community_name(rng: random.Random) -> str:
    return rng.choice(COMMUNITY_WORDS) + rng.choice(COMMUNITY_SUFFIXES) + "社区"


def _village_name(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.choice(SURNAMES) + "家" + rng.choice(VILLAGE_PARTS) + "村"
    return rng.choice(VILLAGE_WORDS) + "村"


def _base(area_name: str) -> str:
    """The street's or town's name without 街道 / 镇, as departments and units name themselves."""
    for suffix in ("街道", "镇"):
        if area_name.endswith(suffix):
            return area_name[: -len(suffix)]
    return area_name


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
        self._reset_sequences()
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

    def _reset_sequences(self) -> None:
        """Primary keys were given here; the database's own counters must continue above them."""
        statements = connection.ops.sequence_reset_sql(no_style(), list(ID_MODELS))
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)


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


@contextmanager
def _foreign_keys_set_aside(models: Iterable[type[Model]]):
    """On PostgreSQL, drop the foreign keys of the tables written and add them back at the end.

    PostgreSQL checks a foreign key row by row, locking each referenced row; for the million rows of the
    metro scale that alone took longer than writing them. Added back, each key is checked in one query
    over the whole table: the recipe of the PostgreSQL manual ("Populating a Database"). It all happens
    inside the seed's transaction, so no one ever sees the tables without their keys, and a row that
    broke one would fail the seed. Where the database user may not alter the tables, the keys stay and
    the load is just slower.
    """
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        # Rows written earlier in the transaction (the categories) are checked now: a table with
        # checks still pending cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid IN (SELECT to_regclass(name) FROM unnest(%s::text[]) name) "
            "ORDER BY 1, 2",
            [tables],
        )
        constraints = cursor.fetchall()
        try:
            with transaction.atomic():
                for table, name, _definition in constraints:
                    cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        except DatabaseError:
            constraints = []
    yield
    with connection.cursor() as cursor:
        for table, name, definition in constraints:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )
        # Back to Django's way: every foreign key checked at commit.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _insert(model: type[Model], rows: list[dict]) -> None:
    """Write new rows given as dicts of column values; a column a row leaves out gets the field's default
    (one `now` for timestamps), and rows without an "id" get theirs from the database.

    On PostgreSQL through COPY, several times faster than `bulk_create` (which spends most of its time
    preparing parameters); elsewhere through `bulk_create`.
    """
    if not rows:
        return
    now = timezone.now()
    columns = []
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key and "id" not in rows[0]:
            continue
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            default = now
        else:
            default = model_field.get_default()
        columns.append((model_field, default))
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**{f.attname: row.get(f.attname, default) for f, default in columns}) for row in rows],
            batch_size=BATCH,
        )
        return
    # JSON columns last, so that the loop below appends them wrapped for psycopg.
    columns.sort(key=lambda column: isinstance(column[0], JSONField))
    plain = [(f.attname, default) for f, default in columns if not isinstance(f, JSONField)]
    json = [(f.attname, default) for f, default in columns if isinstance(f, JSONField)]
    names = ", ".join(connection.ops.quote_name(f.column) for f, _default in columns)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            values = [row.get(attname, default) for attname, default in plain]
            for attname, default in json:
                value = row.get(attname, default)
                values.append(None if value is None else Jsonb(value))
            copy.write_row(values)


def generate_city(*, scale: str, seed: int, password_hash: str) -> CityStats:
    """Generate the demo city into an empty tree of areas. Call inside a transaction."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")
    return CityBuilder(scale=scale, seed=seed, password_hash=password_hash).build()
