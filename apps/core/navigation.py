"""The navigation of the page shell: one list, each entry shown to the roles that need it.

Apps add their entries here as they gain pages, with a `visible` rule that reads the user's roles.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


def everyone(user) -> bool:
    return user.is_authenticated


def administrators(user) -> bool:
    return user.is_authenticated and user.is_staff


def holding(permission: str) -> Callable:
    """Shown to users who hold `permission` ("area.view", "role.change" …) for some area."""

    def visible(user) -> bool:
        from apps.accounts.scope import user_scope  # noqa: PLC0415 - settings load this module early

        return user.is_authenticated and user_scope(user).allows(permission)

    return visible


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    icon: str
    visible: Callable = everyone
    # The URL name of an htmx fragment shown beside the label (a count), loaded after the page so that
    # rendering the navigation costs no query.
    badge: str = ""


NAVIGATION: list[NavItem] = [
    NavItem(_("Workbench"), "core:home", "house"),
    NavItem(_("Command dashboard"), "dashboards:home", "speedometer2", holding("dashboard.view")),
    NavItem(_("Notifications"), "notifications:inbox", "bell", badge="notifications:badge"),
    NavItem(_("My grid today"), "visits:today", "sun", holding("visit.log")),
    NavItem(_("Cases"), "cases:inbox", "inboxes", holding("case.view")),
    NavItem(_("Department inbox"), "dispatch:inbox", "briefcase", holding("order.handle")),
    NavItem(_("Supervision"), "cases:supervision", "megaphone", holding("case.supervise")),
    NavItem(
        _("12345 orders"),
        "hotline:triage",
        "telephone-inbound",
        holding("case.triage"),
        badge="hotline:badge",
    ),
    NavItem(_("Evaluation"), "dashboards:evaluation", "award", holding("evaluation.view")),
    NavItem(_("Households"), "residents:search", "house-door", holding("household.view")),
    NavItem(_("Visits"), "visits:list", "journal-check", holding("visit.view")),
    NavItem(_("Visit coverage"), "visits:coverage", "pie-chart", holding("visit.view")),
    NavItem(
        _("Import and export"),
        "household_imports:index",
        "file-earmark-spreadsheet",
        holding("resident.import"),
    ),
    NavItem(_("Areas"), "areas:tree", "diagram-3", holding("area.view")),
    NavItem(_("Grid standards"), "areas:compliance", "clipboard-check", holding("area.view")),
    NavItem(_("Departments"), "departments:list", "building", holding("department.view")),
    NavItem(_("Party building"), "party:organisation_tree", "flag", holding("party.view")),
    NavItem(_("Users and roles"), "accounts:user_list", "people", holding("role.change")),
    NavItem(_("Access log"), "residents:access_log", "shield-lock", holding("accesslog.view")),
    NavItem(_("Work calendar"), "workcalendar:year", "calendar3", administrators),
    NavItem(_("API documentation"), "api-docs", "braces", administrators),
    NavItem(_("Administration"), "admin:index", "gear", administrators),
]


def items_for(user, current_path: str) -> list[dict]:
    """The entries this user may see, with the one for the current page marked active."""
    items = []
    for item in NAVIGATION:
        if not item.visible(user):
            continue
        url = reverse(item.url_name)
        matches = current_path == url if url == "/" else current_path.startswith(url)
        items.append(
            {
                "label": item.label,
                "url": url,
                "icon": item.icon,
                "active": matches,
                "badge_url": reverse(item.badge) if item.badge else "",
            }
        )
    # Only the closest entry is active: /areas/compliance/ belongs to "Grid standards", not to "Areas".
    closest = max((entry for entry in items if entry["active"]), key=lambda e: len(e["url"]), default=None)
    for entry in items:
        entry["active"] = entry is closest
    return items
