"""The starting visit plans, written by a data migration and again by the test suite after a flush."""

PLANS = [
    # name, household kind, risk colour, care group code, days
    ("每户每季度走访一次", "", "", None, 90),
    ("黄色出租屋每月走访", "rented", "yellow", None, 30),
    ("橙色出租屋每两周走访", "rented", "orange", None, 14),
    ("红色出租屋每周走访", "rented", "red", None, 7),
    ("独居老人每两周走访", "", "", "alone_elderly", 14),
    ("重点关注人员每周走访", "", "", "special_attention", 7),
]


def seed_plans(plan_model, care_tag_model) -> None:
    """The default plans, unless plans exist already."""
    if plan_model.objects.exists():
        return
    for name, kind, colour, tag_code, days in PLANS:
        plan_model.objects.create(
            name=name,
            household_kind=kind,
            risk_colour=colour,
            care_tag=care_tag_model.objects.filter(code=tag_code).first() if tag_code else None,
            interval_days=days,
        )
