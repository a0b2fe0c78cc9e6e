"""The demo city's words: the fixed name lists, the case categories, the department and partner unit
templates, and the small functions that draw names, phones, dates and figures from the city's rng."""

import random
from datetime import date

from apps.party.choices import PartnerUnitType

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
