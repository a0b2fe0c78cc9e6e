"""Writes about the category tree and its routing rules: what intake offers and whom it proposes.

Categories are one tree for the whole installation, so only superusers change them; a routing rule for
one area is changed by whoever manages departments there, a rule for everywhere only by superusers.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.scope import require
from apps.areas.models import Area
from apps.core.db import save_or_refuse
from apps.departments.models import Department

from .choices import HandlingLevel
from .models import Category, RoutingRule


def _check_superuser(actor) -> None:
    # No actor means the system itself (the demo seed, data migrations).
    if actor is not None and not actor.is_superuser:
        raise ValidationError(_("Only a superuser may change the case categories."))


def _code_taken(code: str) -> dict:
    return {"code": _("A category with the code %(code)s already exists.") % {"code": code}}


def _check_parent(parent: Category | None, category: Category | None = None) -> None:
    if parent is None:
        return
    # As the database holds it now: the caller's copy may predate a retirement or a move.
    parent = Category.objects.get(pk=parent.pk)
    if not parent.is_active:
        raise ValidationError({"parent": _("“%(name)s” is no longer in use.") % {"name": parent.name}})
    if category is None or category.pk is None:
        return
    node: Category | None = parent
    while node is not None:
        if node.pk == category.pk:
            raise ValidationError(
                {"parent": _("A category cannot be placed under itself or its subcategories.")}
            )
        node = node.parent


@transaction.atomic
def category_create(
    *,
    actor,
    code: str,
    name: str,
    parent: Category | None = None,
    sort_order: int = 0,
    is_active: bool = True,
) -> Category:
    _check_superuser(actor)
    code, name = code.strip(), name.strip()
    errors = {}
    if not code:
        errors["code"] = _("Give the category a code.")
    if not name:
        errors["name"] = _("Give the category a name.")
    if errors:
        raise ValidationError(errors)
    if Category.objects.filter(code=code).exists():
        raise ValidationError(_code_taken(code))
    _check_parent(parent)
    category = Category(code=code, name=name, parent=parent, sort_order=sort_order, is_active=is_active)
    save_or_refuse(category, _code_taken(code))
    return category


_UNSET = object()


@transaction.atomic
def category_update(
    *,
    actor,
    category: Category,
    code: str | None = None,
    name: str | None = None,
    parent=_UNSET,
    sort_order: int | None = None,
    is_active: bool | None = None,
) -> Category:
    """Change what is given; `parent` None moves the category to the top of the tree."""
    _check_superuser(actor)
    category = Category.objects.select_for_update().get(pk=category.pk)
    if code is not None and code.strip() != category.code:
        code = code.strip()
        if not code:
            raise ValidationError({"code": _("Give the category a code.")})
        if Category.objects.filter(code=code).exclude(pk=category.pk).exists():
            raise ValidationError(_code_taken(code))
        category.code = code
    if name is not None:
        if not name.strip():
            raise ValidationError({"name": _("Give the category a name.")})
        category.name = name.strip()
    if parent is not _UNSET and getattr(parent, "pk", None) != category.parent_id:
        _check_parent(parent, category)
        category.parent = parent
    if sort_order is not None:
        category.sort_order = sort_order
    if is_active is not None:
        category.is_active = is_active
    save_or_refuse(category, _code_taken(category.code))
    return category


def _check_may_route(actor, area: Area | None, rule: RoutingRule | None) -> None:
    refused = {"area": _("You may not set routing rules there.")}
    if area is None:
        if actor is not None and not actor.is_superuser:
            raise ValidationError({"area": _("Only a superuser may set the rule for every area.")})
    else:
        require(actor, "department.change", area, refused)
    if rule is not None and rule.area_id and rule.area_id != getattr(area, "pk", None):
        # Moving a rule away from an area is a change there too.
        require(actor, "department.change", rule.area, refused)


def _rule_errors(*, category, handling_level, department, is_active) -> dict:
    errors = {}
    if handling_level not in HandlingLevel.values:
        errors["handling_level"] = _("Choose who handles the category.")
    elif handling_level == HandlingLevel.DEPARTMENT and department is None:
        errors["department"] = _("Name the department that handles the category.")
    if department is not None and not department.is_active:
        errors["department"] = _("%(name)s is no longer active.") % {"name": department}
    if is_active and not category.is_active:
        errors["category"] = _("This category is no longer in use.")
    return errors


@transaction.atomic
def routing_rule_save(
    *,
    actor,
    category: Category,
    handling_level: str,
    area: Area | None = None,
    department: Department | None = None,
    is_active: bool = True,
    note: str = "",
    rule: RoutingRule | None = None,
) -> RoutingRule:
    """Create a rule, or change `rule`. An active rule replaces the active rule it would clash with (same
    category and area), which is deactivated, so that intake always has one proposal."""
    _check_may_route(actor, area, rule)
    errors = _rule_errors(
        category=category, handling_level=handling_level, department=department, is_active=is_active
    )
    if errors:
        raise ValidationError(errors)
    rule = RoutingRule() if rule is None else RoutingRule.objects.select_for_update().get(pk=rule.pk)
    if is_active:
        # A new rule has no pk yet, and excluding "pk is null" excludes nothing.
        RoutingRule.objects.filter(category=category, area=area, is_active=True).exclude(pk=rule.pk).update(
            is_active=False
        )
    rule.category, rule.area, rule.handling_level = category, area, handling_level
    rule.department, rule.is_active, rule.note = department, is_active, note.strip()[:200]
    save_or_refuse(rule, {"category": _("Another active rule for this category and area was just saved.")})
    return rule
