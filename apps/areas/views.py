"""Pages of the grid: the tree, an area's page, its re-gridding forms and the compliance report.

Every lookup starts from `Area.objects.restrict`, so an area out of scope answers exactly like a missing
one (404). A visible area that the user may not change answers 403 on the change pages.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.models import RoleAssignment
from apps.accounts.roles import ROLE_ORDER, Role
from apps.accounts.scope import CHANGE, VIEW, user_scope
from apps.core.forms import add_service_errors
from apps.core.submissions import submit_once
from apps.party.models import PartyOrganisation
from apps.party.selectors import party_coverage

from . import selectors, services
from .choices import AreaChangeKind, AreaLevel
from .forms import (
    AreaCreateForm,
    AreaMergeForm,
    AreaMoveForm,
    AreaSplitForm,
    AreaUpdateForm,
    ComplianceFilterForm,
    GridStandardForm,
)
from .models import Area, AreaChange

PAGE_SIZE = 50
CHILDREN_PAGE_SIZE = 100
HISTORY_LENGTH = 20


def _visible(user) -> QuerySet[Area]:
    return Area.objects.restrict(user, VIEW)


def _get_visible(request: HttpRequest, pk: int) -> Area:
    return get_object_or_404(_visible(request.user).select_related("parent", "merged_into"), pk=pk)


def _may_change(user, area: Area) -> bool:
    return Area.objects.restrict(user, CHANGE).filter(pk=area.pk).exists()


def _may_change_below(user, area: Area) -> bool:
    if not area.is_active or area.level >= AreaLevel.BUILDING:
        return False
    try:
        services.check_may_change_below(actor=user, parent=area)
    except ValidationError:
        return False
    return True


def _get_changeable(request: HttpRequest, pk: int) -> Area:
    area = _get_visible(request, pk)
    if not area.is_active or not _may_change(request.user, area):
        raise PermissionDenied
    return area


def _changeable_parents(user):
    """The areas below which the user may create and change areas."""
    return Area.objects.filter(is_active=True).holding(user, "area.change")


def _posted(request: HttpRequest):
    """The submitted data, or None to show an unbound form (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


def _page(request: HttpRequest, items, size: int = PAGE_SIZE):
    return Paginator(items, size).get_page(request.GET.get("page"))


# The tree


def tree(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    context = {"query": query}
    if query:
        page = _page(request, selectors.area_search(request.user, query))
        paths = selectors.area_paths(request.user, list(page))
        context |= {"page": page, "results": [(area, paths[area.pk]) for area in page]}
    else:
        context["roots"] = selectors.with_child_flag(selectors.area_roots(request.user)).order_by("code")
    return render(request, "areas/tree.html", context)


def children(request: HttpRequest, pk: int) -> HttpResponse:
    """The rows below one area of the tree, a hundred at a time (an HTMX fragment)."""
    area = _get_visible(request, pk)
    rows = selectors.with_child_flag(_visible(request.user).filter(parent=area, is_active=True)).order_by(
        "name", "pk"
    )
    return render(
        request,
        "areas/_children.html",
        {"area": area, "page": _page(request, rows, CHILDREN_PAGE_SIZE)},
    )


# One area


def _describe(change: AreaChange) -> str:
    """A line of history in words."""
    data = change.data
    if change.kind in (AreaChangeKind.UPDATE, AreaChangeKind.RENAME):
        parts = []
        for field, values in data.items():
            label = Area._meta.get_field(field).verbose_name
            if "from" in values:
                parts.append(f"{label}: {values['from']} → {values['to']}")
            else:
                parts.append(str(label))
        return "; ".join(parts)
    if change.kind in (AreaChangeKind.MOVE, AreaChangeKind.SPLIT):
        return f"{data['from']['name']} → {data['to']['name']}"
    if change.kind == AreaChangeKind.MERGE:
        sources = "、".join(source["name"] for source in data["sources"])
        return f"{sources} → {data['target']['name']}"
    return data.get("code", "")


def _boundary(area: Area) -> dict | None:
    """The boundary as a GeoJSON FeatureCollection that ECharts can register as a map."""
    boundary = area.boundary
    if not isinstance(boundary, dict) or "type" not in boundary:
        return None
    if boundary["type"] == "FeatureCollection":
        features = boundary.get("features", [])
    elif boundary["type"] == "Feature":
        features = [boundary]
    else:
        features = [{"type": "Feature", "geometry": boundary}]
    named = [
        {**feature, "properties": {**(feature.get("properties") or {}), "name": area.name}}
        for feature in features
    ]
    return {"type": "FeatureCollection", "features": named}


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    area = _get_visible(request, pk)
    scope = user_scope(user)
    ancestors = selectors.area_paths(user, [area])[area.pk]
    staff: dict[str, list[RoleAssignment]] = {}  # role: its holders, in the order of the role list
    if scope.allows("role.view"):
        assignments = (
            RoleAssignment.objects.restrict(user, VIEW)
            .active()
            .filter(area=area)
            .select_related("user")
            .order_by("user__full_name", "user__username")
        )
        for assignment in sorted(assignments, key=lambda assignment: ROLE_ORDER.index(assignment.role)):
            staff.setdefault(assignment.role, []).append(assignment)
    sees_party = scope.allows("party.view")
    organisations = []
    coverage = None
    if sees_party:
        organisations = list(
            PartyOrganisation.objects.restrict(user)
            .filter(area=area)
            .select_related("secretary", "parent")
            .order_by("name")
        )
        if area.is_active and area.level < AreaLevel.BUILDING:
            coverage = party_coverage(user, area)
    # Only communities and grids are checked against the standards: look where they can be.
    violations = []
    if area.is_active and AreaLevel.STREET <= area.level <= AreaLevel.GRID:
        violations = [
            violation
            for violation in selectors.compliance_violations(user, within=area)
            if area.pk in (violation.area.pk, violation.area.parent_id)
        ]
    rows = selectors.with_child_flag(_visible(user).filter(parent=area, is_active=True)).order_by(
        "name", "pk"
    )
    history = [
        (change, _describe(change))
        for change in AreaChange.objects.filter(area=area).select_related("actor")[:HISTORY_LENGTH]
    ]
    may_change = area.is_active and _may_change(user, area)
    context = {
        "area": area,
        "ancestors": ancestors,
        "staff": [(Role(role).label, holders) for role, holders in staff.items()],
        "sees_staff": scope.allows("role.view"),
        "sees_party": sees_party,
        "organisations": organisations,
        "coverage": coverage,
        "violations": violations,
        "checks_compliance": AreaLevel.STREET <= area.level <= AreaLevel.GRID,
        "children": _page(request, rows),
        "history": history,
        "boundary": _boundary(area),
        "may_change": may_change,
        "may_split": may_change and area.level > AreaLevel.DISTRICT,
        "may_merge": may_change and area.level > AreaLevel.DISTRICT,
        "may_create_child": _may_change_below(user, area),
    }
    return render(request, "areas/detail.html", context)


# Changing the grid


def _form_page(request: HttpRequest, area: Area, form, title: str) -> HttpResponse:
    return render(request, "areas/form.html", {"area": area, "form": form, "title": title})


def _done(request: HttpRequest, area: Area, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("areas:detail", pk=area.pk)


def edit(request: HttpRequest, pk: int) -> HttpResponse:
    area = _get_changeable(request, pk)
    fields = ("name", "kind", "households", "population", "centre_lng", "centre_lat")
    form = AreaUpdateForm(
        _posted(request), area=area, initial={field: getattr(area, field) for field in fields}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.area_update(
                actor=request.user,
                area=area,
                reason=data["reason"],
                **{field: data[field] for field in fields},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, area, _("The area has been saved."))
    return _form_page(request, area, form, _("Edit %(name)s") % {"name": area.name})


def create_child(request: HttpRequest, pk: int) -> HttpResponse:
    parent = _get_visible(request, pk)
    if not _may_change_below(request.user, parent):
        raise PermissionDenied
    form = AreaCreateForm(_posted(request), parent=parent)
    if request.method == "POST" and form.is_valid():
        done = submit_once(
            request,
            form,
            lambda data: services.area_create(actor=request.user, parent=parent, **data),
            to=lambda child: reverse("areas:detail", args=[child.pk]),
            success=lambda child: _("%(name)s has been created.") % {"name": child.name},
        )
        if done:
            return done
    title = _("New %(level)s below %(name)s") % {
        "level": AreaLevel(parent.level + 1).label,
        "name": parent.name,
    }
    return _form_page(request, parent, form, title)


def move(request: HttpRequest, pk: int) -> HttpResponse:
    area = _get_changeable(request, pk)
    candidates = (
        _changeable_parents(request.user)
        .filter(level=area.level - 1)
        .exclude(pk=area.parent_id)
        .order_by("code")
        .only("pk", "name", "code")
    )
    form = AreaMoveForm(
        _posted(request), visible=_visible(request.user).filter(is_active=True), candidates=candidates
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.area_move(
                actor=request.user, area=area, new_parent=data["new_parent"], reason=data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error, rename={"parent": "new_parent"})
        else:
            return _done(request, area, _("The area has been moved."))
    return _form_page(request, area, form, _("Move %(name)s") % {"name": area.name})


def split(request: HttpRequest, pk: int) -> HttpResponse:
    area = _get_changeable(request, pk)
    if area.level == AreaLevel.DISTRICT:
        raise PermissionDenied
    children = _visible(request.user).filter(parent=area, is_active=True).order_by("name", "pk")
    form = AreaSplitForm(_posted(request), children=children)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            new_area = services.area_split(actor=request.user, area=area, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, new_area, _("%(name)s has been split off.") % {"name": new_area.name})
    return _form_page(request, area, form, _("Split %(name)s") % {"name": area.name})


def merge(request: HttpRequest, pk: int) -> HttpResponse:
    area = _get_changeable(request, pk)
    if area.level == AreaLevel.DISTRICT:
        raise PermissionDenied
    candidates = (
        _changeable_parents(request.user)
        .filter(parent=area.parent_id, level=area.level)
        .exclude(pk=area.pk)
        .order_by("name", "pk")
        .only("pk", "name", "code")
    )
    form = AreaMergeForm(
        _posted(request),
        visible=_visible(request.user).filter(is_active=True).exclude(pk=area.pk),
        candidates=candidates,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.area_merge(
                actor=request.user, sources=list(data["sources"]), target=area, reason=data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, area, _("The areas have been merged into this one."))
    return _form_page(request, area, form, _("Merge areas into %(name)s") % {"name": area.name})


# The compliance report


def _filter_areas(user, chosen: Area | None) -> list[Area]:
    """The areas offered in the report's filter: the user's top areas and the areas just below them."""
    roots = list(selectors.area_roots(user).order_by("code"))
    below = list(_visible(user).filter(parent__in=roots, is_active=True).order_by("code"))
    offered = sorted([*roots, *below], key=lambda area: area.code)
    if chosen is not None and chosen not in offered:
        offered.append(chosen)
    return offered


def compliance(request: HttpRequest) -> HttpResponse:
    user = request.user
    may_edit_standard = user_scope(user).allows("standard.change")
    standard_form = None
    if may_edit_standard:
        standard_form = GridStandardForm(_posted(request), instance=services.current_standard())
        if request.method == "POST" and standard_form.is_valid():
            try:
                services.grid_standard_update(actor=user, **standard_form.cleaned_data)
            except ValidationError as error:
                add_service_errors(standard_form, error)
            else:
                messages.success(request, _("The grid standard has been saved."))
                return redirect("areas:compliance")
    elif request.method == "POST":
        raise PermissionDenied

    chosen = None
    area_id = request.GET.get("area", "")
    if area_id:
        if not (area_id.isascii() and area_id.isdigit()):
            raise Http404
        chosen = get_object_or_404(_visible(user), pk=area_id)
    filters = ComplianceFilterForm(request.GET, areas=_filter_areas(user, chosen))
    rule = ""
    if filters.is_valid():
        rule = filters.cleaned_data["rule"]
    violations = selectors.compliance_violations(user, within=chosen, rule=rule)
    page = _page(request, violations)
    paths = selectors.area_paths(user, [violation.area for violation in page])
    context = {
        "standard": services.current_standard(),
        "standard_form": standard_form,
        "filters": filters,
        "chosen": chosen,
        "page": page,
        "results": [(violation, paths[violation.area.pk]) for violation in page],
    }
    return render(request, "areas/compliance.html", context)
