"""The starting lists of care groups and risk rules: written by a data migration (with the historical
models) and again by the test suite after a flush (with the real ones); administrators edit them."""

CARE_TAGS = [
    ("alone_elderly", "独居老人"),
    ("empty_nest", "空巢老人"),
    ("disabled", "残疾人"),
    ("subsistence", "低保"),
    ("veteran", "退役军人"),
    ("left_behind_child", "留守儿童"),
    ("special_attention", "重点关注"),
]
RISK_RULES = [
    ("R-GREEN", "证照齐全、登记规范、无安全隐患", "green"),
    ("R-YELLOW", "登记信息不全或租客变动频繁", "yellow"),
    ("R-ORANGE", "群租或存在消防安全隐患", "orange"),
    ("R-RED", "涉及违法犯罪线索或重大安全隐患", "red"),
]


def seed_reference(care_tag_model, risk_rule_model) -> None:
    for order, (code, name) in enumerate(CARE_TAGS):
        care_tag_model.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    for order, (code, name, colour) in enumerate(RISK_RULES):
        risk_rule_model.objects.get_or_create(
            code=code, defaults={"name": name, "colour": colour, "sort_order": order}
        )
