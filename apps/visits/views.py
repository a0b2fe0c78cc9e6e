"""The visit pages: "my grid today", the visit form, a visit's page (with "report a problem from this
visit"), the visit list, coverage with the overdue households, and the plans in force.

Every lookup starts from a scoped read (`restrict`, the selectors, the places where the user logs visits),
so a visit, household or area out of scope answers exactly like a missing one (404), and so does a page
for a user without the permission it needs.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.scope import user_scope
from apps.areas.models import Area
from apps.areas.selectors import area_paths, area_roots
from apps.cases.models import Case
from apps.core.forms import add_service_errors
from apps.core.uploads import served
from apps.residents.models import Household

from . import selectors, services
from .forms import ReportForm, VisitForm, VisitListFilterSet, loggable
from .models import Visit, VisitPhoto, VisitPlan

PAGE_SIZE = 30
DUE_SHOWN = 20
CASES_SHOWN = 10
RECENT_SHOWN = 10
# The service's keys for the case found on a visit, and the visit form's fields that take their errors.
PROBLEM_FIELDS = {
    "category": "problem_category",
    "title": "problem_title",
    "description": "problem_description",
    "urgency": "problem_urgency",
}


def _need(request: HttpRequest, permission: str) -> None:
    if not user_scope(request.user).allows(permission):
        raise Http404


def _overdue_days(households, today) -> list:
    for household in households:
        household.days_overdue = (today - household.visit_due_on).days
    return households


# My grid today


@require_GET
def today(request: HttpRequest) -> HttpResponse:
    _need(request, "visit.log")
    user, day = request.user, timezone.localdate()
    due = selectors.visits_due(user, today=day)
    cases = loggable(user, Case.objects.restrict(user).open()).select_related("category", "area")
    context = {
        "today": day,
        "due": _overdue_days(list(due[:DUE_SHOWN]), day),
        "due_count": due.count(),
        "cases": list(cases.order_by("-created_at", "-pk")[:CASES_SHOWN]),
        "case_count": cases.count(),
        "recent": list(selectors.recent_visits(user, worker=user)[:RECENT_SHOWN]),
    }
    return render(request, "visits/today.html", context)


# The visit form


def _problem(form: VisitForm) -> dict | None:
    """The case found on the visit, as `visit_log` takes it; an empty title or description is prefilled
    the way `problem_defaults` prefills the visit page's report form."""
    data = form.cleaned_data
    if not data["found_problem"]:
        return None
    household = data["household"]
    place = Visit(household=household, area=household.building if household else data["area"])
    defaults = services.problem_defaults(place) if place.area_id else {"title": ""}
    return {
        "category": data["problem_category"],
        "title": data["problem_title"].strip() or defaults["title"],
        "description": data["problem_description"].strip() or data["notes"].strip(),
        "urgency": data["problem_urgency"],
    }


def _prefill(request: HttpRequest, form: VisitForm) -> Household | None:
    """?household=<id> or ?area=<id>: where the visit form starts (the household, when it is one). Out of
    reach answers 404."""
    household_id, area_id = request.GET.get("household", ""), request.GET.get("area", "")
    if household_id:
        if not household_id.isdigit():
            raise Http404
        household = get_object_or_404(form.fields["household"].queryset, pk=household_id)
        form.initial |= {"household": household.pk, "kind": "household"}
        form.initial["problem_title"] = services.problem_defaults(
            Visit(household=household, area=household.building)
        )["title"]
        return household
    if area_id:
        if not area_id.isdigit():
            raise Http404
        area = get_object_or_404(form.fields["area"].queryset, pk=area_id)
        form.initial["area"] = area.pk
    form.initial["kind"] = "patrol"
    return None


def _chosen_household(form: VisitForm) -> Household | None:
    """The household the posted form names, when it is one the user logs visits for."""
    value = form["household"].value()
    if not value or not str(value).isdigit():
        return None
    return form.fields["household"].queryset.filter(pk=value).first()


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    _need(request, "visit.log")
    posted = request.method == "POST"
    form = VisitForm(request.POST if posted else None, request.FILES if posted else None, user=request.user)
    if not posted:
        household = _prefill(request, form)
        return render(request, "visits/form.html", {"form": form, "household": household})
    if form.is_valid():
        fields = form.visit_fields()
        try:
            visit, created = services.visit_log(actor=request.user, problem=_problem(form), **fields)
        except ValidationError as error:
            rename = {"area": "household" if fields["household"] else "area"}
            if form.cleaned_data["found_problem"]:
                rename |= PROBLEM_FIELDS | {"attachments": "photos"}
            add_service_errors(form, error, rename=rename)
        else:
            if not created:
                messages.info(request, _("This visit had already been logged."))
            elif visit.case_id:
                messages.success(
                    request, _("Visit logged; case %(serial)s reported.") % {"serial": visit.case.serial}
                )
            else:
                messages.success(request, _("Visit logged."))
            return redirect("visits:today")
    return render(request, "visits/form.html", {"form": form, "household": _chosen_household(form)})


# A visit's page


def _visible(request: HttpRequest):
    return Visit.objects.restrict(request.user)


def _visit(request: HttpRequest, pk: int) -> Visit:
    return get_object_or_404(_visible(request).select_related("household", "area", "worker", "case"), pk=pk)


def _detail(request: HttpRequest, visit: Visit, report_form: ReportForm | None = None) -> HttpResponse:
    may_report = visit.case_id is None and visit.worker_id == request.user.pk
    if may_report and report_form is None:
        report_form = ReportForm(initial=services.problem_defaults(visit))
    context = {
        "visit": visit,
        "photos": list(visit.photos.all()),
        "path": area_paths(request.user, [visit.area])[visit.area_id],
        "report_form": report_form if may_report else None,
    }
    return render(request, "visits/detail.html", context)


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    _need(request, "visit.view")
    return _detail(request, _visit(request, pk))


@require_http_methods(["POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """Report the problem a visit found, after the fact: the visit page's form."""
    _need(request, "visit.view")
    visit = _visit(request, pk)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            case = services.visit_report_case(actor=request.user, visit=visit, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Case %(serial)s has been reported.") % {"serial": case.serial})
            return redirect("cases:detail", pk=case.pk)
    return _detail(request, visit, form)


@require_GET
def photo(request: HttpRequest, pk: int, photo_id: int) -> HttpResponse:
    """A visit's photo, only for those who see the visit: never a link into MEDIA_URL."""
    _need(request, "visit.view")
    item = get_object_or_404(VisitPhoto.objects.filter(visit__in=_visible(request)), pk=photo_id, visit_id=pk)
    return served(item)


# The visit list


def _area_choices(user) -> list[tuple]:
    """The user's top areas and the areas just below them (any other visible area is still accepted)."""
    roots = list(area_roots(user).order_by("code"))
    below = Area.objects.restrict(user).filter(parent__in=roots, is_active=True).order_by("code")
    offered = sorted([*roots, *below], key=lambda area: area.code)
    return [("", _("all my areas")), *((area.pk, area.name) for area in offered)]


@require_GET
def visit_list(request: HttpRequest) -> HttpResponse:
    _need(request, "visit.view")
    user = request.user
    visits = _visible(request).select_related("household", "area", "worker", "case")
    filters = VisitListFilterSet(request.GET, queryset=visits, request=request)
    filters.form.fields["area"].widget.choices = _area_choices(user)
    page = Paginator(filters.qs.order_by("-visited_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "visits/list.html", {"filters": filters, "page_obj": page})


# Coverage


def _coverage_area(request: HttpRequest, pk: int | None) -> Area:
    areas = Area.objects.restrict(request.user).filter(is_active=True)
    if pk is not None:
        return get_object_or_404(areas, pk=pk)
    top = area_roots(request.user).order_by("level", "code").first()
    if top is None:
        raise Http404
    return top


@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    _need(request, "visit.view")
    value = request.GET.get("area", "")
    if value and not value.isdigit():
        raise Http404
    area = _coverage_area(request, int(value) if value else None)
    total, rows = selectors.coverage(request.user, area)
    context = {
        "area": area,
        "path": area_paths(request.user, [area])[area.pk],
        "total": total,
        "rows": rows,
        "window_days": selectors.COVERAGE_WINDOW.days,
    }
    return render(request, "visits/coverage.html", context)


@require_GET
def overdue(request: HttpRequest, pk: int) -> HttpResponse:
    _need(request, "visit.view")
    area = _coverage_area(request, pk)
    day = timezone.localdate()
    households = selectors.overdue_households(request.user, area, today=day)
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _overdue_days(list(page.object_list), day)
    context = {"area": area, "path": area_paths(request.user, [area])[area.pk], "page_obj": page}
    return render(request, "visits/overdue.html", context)


# The plans


@require_GET
def plans(request: HttpRequest) -> HttpResponse:
    _need(request, "visit.view")
    in_force = VisitPlan.objects.filter(is_active=True).select_related("care_tag")
    return render(request, "visits/plans.html", {"plans": in_force})
