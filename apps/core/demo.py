"""The demo data that `make run` loads: who can sign in, with which password, and where.

`demo_seed` in apps.core.services generates the demo city (apps.core.demo_city) when there are no areas
yet, and creates the demo logins that are missing. It never changes what exists, so running it again
keeps every change made through the interface.

Every login except the administrator holds one role inside the first district of the demo city (the
district with the lowest code): `place` names the area (or department) it is held for, the first of its
kind by code below the first district.

With a new city, `seed_demo` then replays the demo cases (apps.core.demo_cases) and fills the first
district with households, residents and four weeks of visits (apps.core.demo_people); the first grid's
through the services as `gridworker`, so that the grid worker's pages show that login's own work.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

DEMO_PASSWORD = "gridgov-demo"  # noqa: S105 - the published password of the demo logins


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    description: str
    is_superuser: bool = False
    # The role (apps.accounts.roles.Role value) and where it is held: "district", "street", "community",
    # "grid", "building" (the first of each in the first district) or "department" (the first street's
    # city management team). Plain strings, so that this module imports without Django being set up.
    role: str = ""
    place: str = ""
    is_full_time: bool = False
    leader_kind: str = ""


DEMO_LOGINS = [
    DemoLogin("admin", "陈志远", _("system administrator"), is_superuser=True),
    DemoLogin(
        "district",
        "赵建国",
        _("district command, the whole district"),
        role="district_command",
        place="district",
        is_full_time=True,
    ),
    DemoLogin("street", "王晓明", _("street staff, the first street"), role="street_staff", place="street"),
    DemoLogin(
        "community",
        "刘芳",
        _("community worker, the first community"),
        role="community_worker",
        place="community",
        is_full_time=True,
    ),
    DemoLogin("gridhead", "张伟", _("grid head, the first grid"), role="grid_head", place="grid"),
    DemoLogin(
        "gridworker",
        "李娜",
        _("full-time grid worker, the first grid"),
        role="grid_worker",
        place="grid",
        is_full_time=True,
    ),
    DemoLogin(
        "building",
        "孙桂兰",
        _("building leader, the first building"),
        role="building_leader",
        place="building",
        leader_kind="building",
    ),
    DemoLogin(
        "dept",
        "周强",
        _("department handler, the first street's city management team"),
        role="department_handler",
        place="department",
    ),
    DemoLogin(
        "party",
        "黄丽华",
        _("party secretary, the first community"),
        role="party_secretary",
        place="community",
    ),
    DemoLogin("auditor", "吴敏", _("auditor, the whole district"), role="auditor", place="district"),
]
