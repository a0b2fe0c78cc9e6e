"""Writes about departments: create and update, with the areas served and the categories handled."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.scope import require
from apps.areas.models import Area
from apps.areas.services import place_row
from apps.core.db import save_or_refuse

from .choices import DepartmentLevel
from .models import Department


def _check_may_manage(*, actor, area: Area) -> None:
    require(actor, "department.change", area, {"area": _("You may not manage departments there.")})


def _check_served(*, area: Area, served_areas) -> None:
    outside = [served for served in served_areas if getattr(served, f"{area.level_field}_id") != area.pk]
    if outside:
        raise ValidationError(
            {
                "served_areas": _("A department serves only areas within its own: %(names)s is outside.")
                % {"names": "、".join(served.name for served in outside)}
            }
        )


@transaction.atomic
def department_create(
    *,
    actor,
    area: Area,
    name: str,
    level: int,
    short_name: str = "",
    phone: str = "",
    served_areas=None,
    categories=None,
) -> Department:
    """A department of a district or a street; it serves its own area unless other areas are given."""
    if level not in DepartmentLevel.values or area.level != level:
        raise ValidationError(
            {"area": _("A district department belongs to a district, a street one to a street.")}
        )
    if not area.is_active:
        raise ValidationError({"area": _("This area has been merged away.")})
    _check_may_manage(actor=actor, area=area)
    served_areas = list(served_areas) if served_areas else [area]
    _check_served(area=area, served_areas=served_areas)
    if Department.objects.filter(area=area, name=name).exists():
        raise ValidationError({"name": _("This area already has a department of that name.")})
    department = Department(
        area=area, name=name, short_name=short_name, level=level, phone=phone, created_by=actor
    )
    department.area = place_row(department, area)
    department.full_clean()
    save_or_refuse(department, {"name": _("This area already has a department of that name.")})
    department.served_areas.set(served_areas)
    if categories:
        department.categories.set(categories)
    return department


@transaction.atomic
def department_update(
    *,
    actor,
    department: Department,
    name: str | None = None,
    short_name: str | None = None,
    phone: str | None = None,
    is_active: bool | None = None,
    served_areas=None,
    categories=None,
) -> Department:
    department = Department.objects.select_for_update().get(pk=department.pk)
    _check_may_manage(actor=actor, area=department.area)
    if name is not None and name != department.name:
        if Department.objects.filter(area=department.area, name=name).exclude(pk=department.pk).exists():
            raise ValidationError({"name": _("This area already has a department of that name.")})
        department.name = name
    for field, value in {"short_name": short_name, "phone": phone, "is_active": is_active}.items():
        if value is not None:
            setattr(department, field, value)
    department.full_clean()
    save_or_refuse(department, {"name": _("This area already has a department of that name.")})
    if served_areas is not None:
        served_areas = list(served_areas)
        if not served_areas:
            raise ValidationError({"served_areas": _("A department serves at least one area.")})
        _check_served(area=department.area, served_areas=served_areas)
        department.served_areas.set(served_areas)
    if categories is not None:
        department.categories.set(categories)
    return department
