"""Department pages: the list and detail of the departments a user sees, and their create and edit forms."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.models import RoleAssignment
from apps.accounts.roles import Role
from apps.accounts.scope import CHANGE, VIEW, user_scope
from apps.areas.models import Area
from apps.cases.models import Category
from apps.core.forms import add_service_errors
from apps.core.submissions import submit_once

from .forms import DepartmentCreateForm, DepartmentFilterForm, DepartmentUpdateForm
from .models import Department
from .services import department_create, department_update

PAGE_SIZE = 50


def _require(request: HttpRequest, permission: str) -> None:
    if not user_scope(request.user).allows(permission):
        raise PermissionDenied


def _handlers(user):
    """Handlers in the user's role scope: people without "role.view" see no names and no counts."""
    return RoleAssignment.objects.restrict(user, VIEW).active().filter(role=Role.DEPARTMENT_HANDLER)


def department_list(request: HttpRequest) -> HttpResponse:
    _require(request, "department.view")
    form = DepartmentFilterForm(request.GET or None)
    departments = Department.objects.restrict(request.user, VIEW)
    if form.is_valid():
        if text := form.cleaned_data["q"].strip():
            departments = departments.filter(Q(name__icontains=text) | Q(short_name__icontains=text))
        if level := form.cleaned_data["level"]:
            departments = departments.filter(level=level)
    handler_count = (
        _handlers(request.user)
        .filter(department=OuterRef("pk"))
        .order_by()
        .values("department")
        .annotate(n=Count("pk"))
        .values("n")
    )
    departments = (
        departments.select_related("area")
        .annotate(handler_count=Coalesce(Subquery(handler_count, output_field=IntegerField()), Value(0)))
        .prefetch_related(Prefetch("categories", queryset=Category.objects.order_by("sort_order", "code")))
    )
    page = Paginator(departments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "departments/department_list.html",
        {
            "form": form,
            "page_obj": page,
            "may_create": user_scope(request.user).allows("department.change"),
            "may_see_staff": user_scope(request.user).allows("role.view"),
        },
    )


def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(
        Department.objects.restrict(request.user, VIEW)
        .select_related("area", "created_by")
        .prefetch_related("served_areas", "categories"),
        pk=pk,
    )
    handlers = (
        _handlers(request.user)
        .filter(department=department)
        .select_related("user")
        .order_by("user__username")
    )
    return render(
        request,
        "departments/department_detail.html",
        {
            "department": department,
            "handlers": handlers,
            "may_change": Department.objects.restrict(request.user, CHANGE).filter(pk=pk).exists(),
            "may_manage_users": user_scope(request.user).allows("role.change"),
            "may_see_staff": user_scope(request.user).allows("role.view"),
        },
    )


def department_create_view(request: HttpRequest) -> HttpResponse:
    _require(request, "department.change")
    visible_areas = Area.objects.restrict(request.user, VIEW).filter(is_active=True)
    form = DepartmentCreateForm(request.POST or None, visible_areas=visible_areas)
    if request.method == "POST" and form.is_valid():
        done = submit_once(
            request,
            form,
            lambda data: department_create(
                actor=request.user,
                area=data["area"],
                level=data["area"].level,
                name=data["name"],
                short_name=data["short_name"],
                phone=data["phone"],
                served_areas=data["served_areas"],
                categories=data["categories"],
            ),
            to=lambda department: reverse("departments:detail", args=[department.pk]),
            success=lambda department: _("The department %(name)s was created.") % {"name": department.name},
        )
        if done:
            return done
    return render(request, "departments/department_form.html", {"form": form, "department": None})


def department_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(
        Department.objects.restrict(request.user, VIEW).select_related("area"), pk=pk
    )
    if not Department.objects.restrict(request.user, CHANGE).filter(pk=pk).exists():
        raise PermissionDenied
    visible_areas = Area.objects.restrict(request.user, VIEW).filter(is_active=True)
    initial = {
        "name": department.name,
        "short_name": department.short_name,
        "phone": department.phone,
        "is_active": department.is_active,
        "served_areas": department.served_areas.all(),
        "categories": department.categories.all(),
    }
    form = DepartmentUpdateForm(
        request.POST or None, initial=initial, department=department, visible_areas=visible_areas
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            department_update(
                actor=request.user,
                department=department,
                name=data["name"],
                short_name=data["short_name"],
                phone=data["phone"],
                is_active=data["is_active"],
                served_areas=data["served_areas"] or [department.area],
                categories=data["categories"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The department has been saved."))
            return redirect("departments:detail", pk=department.pk)
    return render(request, "departments/department_form.html", {"form": form, "department": department})
