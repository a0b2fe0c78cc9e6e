"""The roles a user can hold, the level of area each is held for, and what each may do.

A permission is "<resource>.<action>"; `restrict(user, action)` on a model whose `scope_resource` is
"area" asks for "area.view" or "area.change". Keeping the whole table here makes the access rules of
GridGov one readable page.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.areas.choices import AreaLevel


class Role(models.TextChoices):
    DISTRICT_COMMAND = "district_command", _("district command")
    STREET_STAFF = "street_staff", _("street staff")
    COMMUNITY_WORKER = "community_worker", _("community worker")
    GRID_HEAD = "grid_head", _("grid head")
    GRID_WORKER = "grid_worker", _("grid worker")
    BUILDING_LEADER = "building_leader", _("building leader")
    DEPARTMENT_HANDLER = "department_handler", _("department handler")
    PARTY_SECRETARY = "party_secretary", _("party secretary")
    AUDITOR = "auditor", _("auditor")
    SYSTEM_ADMIN = "system_admin", _("system administrator")
    # Held only by the system account of an integration client (apps.integrations), for the client's area
    # limit; it is never granted by hand.
    INTEGRATION = "integration", _("integration client")


class BuildingLeaderKind(models.TextChoices):
    GROUP = "group", _("building group leader (楼组长)")
    BUILDING = "building", _("building leader (楼长)")
    UNIT = "unit", _("unit leader (单元长)")
    HOUSEHOLD = "household", _("central household leader (中心户长)")


# The levels of area each role may be held for; None means the role is held for a department instead.
ROLE_LEVELS: dict[str, tuple[int, ...] | None] = {
    Role.DISTRICT_COMMAND: (AreaLevel.DISTRICT,),
    Role.STREET_STAFF: (AreaLevel.STREET,),
    Role.COMMUNITY_WORKER: (AreaLevel.COMMUNITY,),
    Role.GRID_HEAD: (AreaLevel.GRID,),
    Role.GRID_WORKER: (AreaLevel.GRID,),
    Role.BUILDING_LEADER: (AreaLevel.BUILDING,),
    Role.DEPARTMENT_HANDLER: None,
    Role.PARTY_SECRETARY: tuple(AreaLevel.values),
    Role.AUDITOR: (AreaLevel.DISTRICT, AreaLevel.STREET),
    Role.SYSTEM_ADMIN: (AreaLevel.DISTRICT,),
    Role.INTEGRATION: (AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY),
}

_VIEW_ALL = {"area.view", "department.view", "party.view", "role.view", "cogov.view"}
# Cases: view; report (intake); triage (accept, reject, dispatch, merge, suspend, close, decide extensions);
# handle (settle within the grid, verify on site); whistle; supervise (督办, leader claim).
# A department handler's "order.handle" covers the orders of their department, wherever the case lies.
_CASES_STREET = {"case.view", "case.report", "case.triage", "case.handle", "case.whistle", "case.supervise"}
_CASES_COMMUNITY = {"case.view", "case.report", "case.triage", "case.handle", "case.whistle"}
_CASES_GRID = {"case.view", "case.report", "case.handle"}
# Households and residents: view (masked); change (register, edit, set colours, import rows); unmask the
# phone or the ID number (each reveal is logged); import and export workbooks (an unmasked export needs
# both unmask permissions as well). Visits: view; log (and report what a visit found).
_PEOPLE_VIEW = {"household.view", "resident.view", "visit.view"}
_PEOPLE_GRID = _PEOPLE_VIEW | {"household.change", "resident.change", "resident.unmask_phone", "visit.log"}
_PEOPLE_GRID_HEAD = _PEOPLE_GRID | {"resident.import", "resident.export"}
_PEOPLE_STAFF = _PEOPLE_GRID_HEAD | {"resident.unmask_id"}
# Dashboards (the figures of an area and its children) and the monthly evaluation (考核) of the
# departments, areas and grid workers below.
_FIGURES = {"dashboard.view", "evaluation.view"}
# Party-led co-governance (共建共治): member registration and service, micro wishes, co-building with
# partner units, projects and councils. View; change (post, record, confirm, evaluate, decide).
_COGOV = {"cogov.view", "cogov.change"}

PERMISSIONS: dict[str, frozenset[str]] = {
    Role.DISTRICT_COMMAND: frozenset(
        _VIEW_ALL
        | _CASES_STREET
        | _PEOPLE_VIEW
        | _FIGURES
        | _COGOV
        | {"area.change", "department.change", "role.change"}
    ),
    Role.STREET_STAFF: frozenset(
        _VIEW_ALL
        | _CASES_STREET
        | _PEOPLE_STAFF
        | _FIGURES
        | _COGOV
        | {"area.change", "department.change", "role.change"}
    ),
    Role.COMMUNITY_WORKER: frozenset(
        _VIEW_ALL | _CASES_COMMUNITY | _PEOPLE_STAFF | _FIGURES | _COGOV | {"area.change"}
    ),
    Role.GRID_HEAD: frozenset(_VIEW_ALL | _CASES_GRID | _PEOPLE_GRID_HEAD),
    Role.GRID_WORKER: frozenset(
        {"area.view", "department.view", "party.view", "cogov.view"} | _CASES_GRID | _PEOPLE_GRID
    ),
    Role.BUILDING_LEADER: frozenset(
        {
            "area.view",
            "party.view",
            "cogov.view",
            "case.view",
            "case.report",
            "household.view",
            "resident.view",
        }
    ),
    Role.DEPARTMENT_HANDLER: frozenset({"area.view", "department.view", "order.handle"}),
    Role.PARTY_SECRETARY: frozenset(
        {"area.view", "department.view", "party.view", "party.change", "case.view", "case.report"} | _COGOV
    ),
    # Auditors read the access log of unmasked views and exports; residents only masked.
    Role.AUDITOR: frozenset(_VIEW_ALL | _PEOPLE_VIEW | _FIGURES | {"case.view", "accesslog.view"}),
    # The grid standard is one for the whole installation: only superusers change it.
    Role.SYSTEM_ADMIN: frozenset(
        _VIEW_ALL | {"area.change", "department.change", "party.change", "role.change", "case.view"}
    ),
}

# The most an integration client may do in its area; the scopes of its API key narrow it further
# (apps.integrations.scopes): reading cases, reporting them, following them up, reading figures.
PERMISSIONS[Role.INTEGRATION] = frozenset(
    {"area.view", "department.view", "case.view", "case.report", "dashboard.view"}
)

# The roles that only the system grants (the services of their app), never a user through role_grant.
SYSTEM_ROLES = frozenset({Role.INTEGRATION})

# The roles a person can be given, in forms and in the API.
GRANTABLE_ROLES = [(value, label) for value, label in Role.choices if value not in SYSTEM_ROLES]

# The role a user lands on when they hold several: the first in this order.
ROLE_ORDER = list(Role.values)
