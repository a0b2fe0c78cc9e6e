"""The staff intake page (/cases/new/) and its htmx fragments: the place search, the chosen place with
its map, similar open cases and the routing proposal.

Places come from `reportable_areas`, so a place out of the user's scope is neither offered nor accepted.
"""

import math

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.areas.models import Area
from apps.areas.selectors import area_paths
from apps.core.forms import add_service_errors

from .choices import IntakeRoute
from .intake import (
    area_search,
    case_intake,
    holds,
    map_boundary,
    proposed_route,
    reportable_areas,
    serving_departments,
)
from .intake_forms import IntakeForm, SuggestionForm
from .models import Category
from .selectors import duplicate_candidates, route_for


def _check_reporter(request: HttpRequest) -> None:
    if not holds(request.user, "case.report"):
        raise PermissionDenied


def _place_context(user, area: Area | None) -> dict:
    if area is None:
        return {"area": None}
    boundary = map_boundary(area)
    return {
        "area": area,
        "path": area_paths(user, [area])[area.pk],
        "boundary": boundary[1] if boundary else None,
        "boundary_area": boundary[0] if boundary else None,
    }


def _route_context(
    user,
    category: Category | None,
    area: Area | None,
    *,
    route: str | None = None,
    department_id: int | None = None,
) -> dict:
    """The proposal of the routing rules and the "route now" choices; without a chosen `route` (a fresh
    category or place) the choices follow the proposal."""
    if category is None or area is None:
        return {"ready": False}
    proposal = route_for(category=category, area=area)
    context = {"ready": True, "proposal": proposal, "may_triage": holds(user, "case.triage", area)}
    if not context["may_triage"]:
        return context
    departments = list(serving_departments(user, area))
    if route is None:
        route, department_id = proposed_route(proposal, area)
    routes = [choice for choice in IntakeRoute if choice != IntakeRoute.GRID or area.grid_id]
    return context | {
        "routes": routes,
        "route": route,
        "departments": departments,
        "department_id": department_id,
    }


def _duplicates(user, category: Category | None, area: Area | None, longitude, latitude) -> list | None:
    if category is None or (area is None and longitude is None):
        return None
    return duplicate_candidates(
        user=user, category=category, area=area, longitude=longitude, latitude=latitude
    )


def _posted_area(form: IntakeForm, user) -> Area | None:
    value = form["area"].value()
    if not value or not str(value).isdigit():
        return None
    return reportable_areas(user).filter(pk=value).first()


def _posted_category(form: IntakeForm) -> Category | None:
    value = form["category"].value()
    if not value or not str(value).isdigit():
        return None
    return Category.objects.filter(pk=value, is_active=True).first()


def _float(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    _check_reporter(request)
    user = request.user
    posted = request.method == "POST"
    form = IntakeForm(request.POST if posted else None, request.FILES if posted else None, user=user)
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            case = case_intake(
                actor=user,
                route=data.get("route") or None,
                department=data.get("department"),
                **form.report_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error, rename={"attachments": "photos"})
        else:
            messages.success(request, _("Case %(serial)s has been reported.") % {"serial": case.serial})
            return redirect("cases:detail", pk=case.pk)
    area = _posted_area(form, user) if posted else None
    category = _posted_category(form) if posted else None
    longitude, latitude = (_float(form["longitude"].value()), _float(form["latitude"].value()))
    if longitude is None or latitude is None:
        longitude = latitude = None
    department_id = form["department"].value() if form.may_route else None
    context = {
        "form": form,
        "place": _place_context(user, area),
        "duplicates": _duplicates(user, category, area, longitude, latitude),
        "routing": _route_context(
            user,
            category,
            area,
            route=(form["route"].value() or IntakeRoute.LEAVE) if posted and form.may_route else None,
            department_id=int(department_id) if str(department_id or "").isdigit() else None,
        ),
    }
    return render(request, "cases/intake.html", context)


def area_results(request: HttpRequest, *, choose: str, target: str) -> HttpResponse:
    """Places matching the search box (`q`) where the user may report cases, each a button loading the
    URL named `choose` (which takes the area's id) into the element `target` (an htmx fragment)."""
    query = request.GET.get("q", "").strip()[:100]
    found = area_search(request.user, query)
    paths = area_paths(request.user, found)
    return render(
        request,
        "cases/intake_area_results.html",
        {
            "query": query,
            "results": [(area, paths[area.pk]) for area in found],
            "choose": choose,
            "target": target,
        },
    )


@require_GET
def areas(request: HttpRequest) -> HttpResponse:
    """Places matching the search box, to choose from (an htmx fragment)."""
    _check_reporter(request)
    return area_results(request, choose="cases:new_area", target="#intake-area")


@require_GET
def area(request: HttpRequest, pk: int) -> HttpResponse:
    """The chosen place: its hidden input, its name and its map (an htmx fragment). The panels of similar
    cases and of the routing proposal listen for `area-chosen`."""
    _check_reporter(request)
    chosen = get_object_or_404(reportable_areas(request.user), pk=pk)
    context = {"place": _place_context(request.user, chosen), "clear_results": True}
    response = render(request, "cases/intake_area.html", context)
    # After the swap, so that the panels find the new place in the form when they ask again.
    response["HX-Trigger-After-Settle"] = "area-chosen"
    return response


@require_GET
def duplicates(request: HttpRequest) -> HttpResponse:
    _check_reporter(request)
    form = SuggestionForm(request.GET, user=request.user)
    found = None
    if form.is_valid():
        data = form.cleaned_data
        found = _duplicates(request.user, data["category"], data["area"], data["longitude"], data["latitude"])
    return render(request, "cases/intake_duplicates.html", {"duplicates": found})


@require_GET
def routing(request: HttpRequest) -> HttpResponse:
    _check_reporter(request)
    form = SuggestionForm(request.GET, user=request.user)
    context = {"ready": False}
    if form.is_valid():
        context = _route_context(request.user, form.cleaned_data["category"], form.cleaned_data["area"])
    return render(request, "cases/intake_route.html", {"routing": context})
