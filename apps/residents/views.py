"""Pages of households and residents: the search, a household's page, a building floor by floor, the forms
that register and change them, the reveal of one personal number, and the access log.

Every lookup starts from `restrict`, so a household or resident out of scope answers exactly like a missing
one (404); a visible one that the user may not change answers 403 on the change pages. Pages show the
masks only: a plain number leaves the server solely in the answer of `reveal`, which the access log
records.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from rest_framework.throttling import BaseThrottle

from apps.accounts.models import User
from apps.accounts.scope import user_scope
from apps.areas.choices import AreaLevel
from apps.areas.models import Area
from apps.areas.selectors import area_roots
from apps.core.forms import add_service_errors
from apps.core.submissions import submit_once
from apps.party.models import PartyMember
from apps.visits.models import Visit

from . import selectors, services
from .choices import HouseholdAction, HouseholdKind, RevealedField, RiskColour
from .forms import (
    AccessLogFilterForm,
    HouseholdCreateForm,
    HouseholdForm,
    MoveOutForm,
    ResidentEditForm,
    ResidentForm,
    RevealForm,
    RiskForm,
    SearchForm,
)
from .models import Household, HouseholdEvent, Resident, ResidentAccess

PAGE_SIZE = 25
TIMELINE_LENGTH = 50
VISITS_SHOWN = 20
RESIDENT_FIELDS = (
    "name",
    "relation",
    "residence",
    "gender",
    "birth_year",
    "tags",
    "party_member",
)


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _require_any(user, permission: str) -> None:
    if not user_scope(user).allows(permission):
        raise Http404


def _get_household(request: HttpRequest, pk: int) -> Household:
    return get_object_or_404(
        Household.objects.restrict(request.user).select_related("building", "risk_rule", "visit_plan"), pk=pk
    )


def _get_resident(request: HttpRequest, pk: int) -> Resident:
    return get_object_or_404(
        Resident.objects.restrict(request.user).select_related("household__building", "building"), pk=pk
    )


def _may_change(user, household: Household) -> bool:
    return user_scope(user).holds("household.change", household.building)


def _check_change(user, building: Area, permission: str = "household.change") -> None:
    if not user_scope(user).holds(permission, building):
        raise PermissionDenied


# The search


def _area_choices(user, chosen: Area | None) -> list[Area]:
    """The user's top areas and the areas just below them; a chosen area elsewhere in scope is kept."""
    roots = list(area_roots(user).order_by("code"))
    below = Area.objects.restrict(user).filter(parent__in=roots, is_active=True).order_by("code")
    offered = sorted([*roots, *below], key=lambda area: area.code)
    if chosen is not None and chosen not in offered:
        offered.append(chosen)
    return offered


def search(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_any(user, "household.view")
    chosen = None
    area_id = request.GET.get("area", "")
    if area_id:
        if not (area_id.isascii() and area_id.isdigit()):
            raise Http404
        chosen = get_object_or_404(Area.objects.restrict(user), pk=area_id)
    form = SearchForm(request.GET, areas=_area_choices(user, chosen))
    text = form.cleaned_data["q"] if form.is_valid() else ""
    context = {
        "form": form,
        "chosen": chosen,
        "text": text,
        "today": timezone.localdate(),
        "may_register": user_scope(user).allows("household.change"),
    }
    if text or chosen is not None:
        households = selectors.with_residents(selectors.household_search(user, text, within=chosen))
        context["page_obj"] = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "residents/search.html", context)


# A household


def _label(model, name: str) -> str:
    names = {"id_number": "id_number_mask", "phone": "phone_mask"}
    return str(model._meta.get_field(names.get(name, name)).verbose_name)


def _describe(event: HouseholdEvent) -> str:
    """A timeline entry in words. The data never holds personal numbers, only the names of the fields."""
    data = event.data
    if event.action == HouseholdAction.UPDATE:
        return "; ".join(
            f"{_label(Household, name)}: {before or '—'} → {after or '—'}"
            for name, (before, after) in data.get("changed", {}).items()
        )
    if event.action == HouseholdAction.RISK:
        colour = RiskColour(data["to"]).label if data.get("to") in RiskColour.values else data.get("to", "")
        return f"{colour} · {data.get('rule_name', '')}"
    if event.action == HouseholdAction.RESIDENT_UPDATE:
        return "、".join(_label(Resident, name) for name in data.get("changed", []))
    if event.action == HouseholdAction.CREATE:
        return data.get("address", "")
    return ""


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    household = get_object_or_404(
        selectors.with_residents(Household.objects.restrict(user)).prefetch_related(
            "residents__building", "residents__party_member"
        ),
        pk=pk,
    )
    scope = user_scope(user)
    residents = [
        (
            resident,
            services.may_reveal(user, resident, RevealedField.ID_NUMBER),
            services.may_reveal(user, resident, RevealedField.PHONE),
        )
        for resident in household.residents.all()
    ]
    events = HouseholdEvent.objects.filter(household=household).select_related("actor", "resident")
    timeline = [
        (event, _describe(event)) for event in events.order_by("-created_at", "-id")[:TIMELINE_LENGTH]
    ]
    risk_history = [
        (event, _describe(event))
        for event in events.filter(action=HouseholdAction.RISK).order_by("-created_at", "-id")
    ]
    visits = list(
        Visit.objects.restrict(user)
        .filter(household=household)
        .select_related("worker")
        .order_by("-visited_at", "-id")[:VISITS_SHOWN]
    )
    context = {
        "household": household,
        "residents": residents,
        "timeline": timeline,
        "risk_history": risk_history,
        "visits": visits,
        "today": timezone.localdate(),
        "may_change": _may_change(user, household),
        "may_change_residents": scope.holds("resident.change", household.building),
        "may_log_visit": scope.holds("visit.log", household.building),
        "is_rental": household.kind == HouseholdKind.RENTED,
    }
    return render(request, "residents/detail.html", context)


@never_cache
@require_POST
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """One plain number, once, for the reason given: an HTMX fragment in place of the form asking for it."""
    resident = _get_resident(request, pk)
    form = RevealForm(request.POST)
    value = ""
    if form.is_valid():
        try:
            value = services.resident_reveal(
                actor=request.user,
                resident=resident,
                field=form.cleaned_data["field"],
                reason=form.cleaned_data["reason"],
                ip_address=BaseThrottle().get_ident(request),
            )
        except ValidationError as error:
            add_service_errors(form, error)
    field = form.data.get("field", "")
    context = {
        "resident": resident,
        "form": form,
        "field": field,
        "value": value,
        "mask": resident.id_number_mask if field == RevealedField.ID_NUMBER else resident.phone_mask,
    }
    template = "residents/_reveal.html" if request.headers.get("HX-Request") else "residents/reveal.html"
    return render(request, template, context)


# Households: register, edit, risk colour


def _changeable_buildings(user):
    """The buildings where the user may register households."""
    buildings = Area.objects.filter(level=AreaLevel.BUILDING, is_active=True).order_by("code")
    return buildings.holding(user, "household.change")


def household_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_any(user, "household.change")
    initial = {"kind": HouseholdKind.OWNER_OCCUPIED}
    building_id = request.GET.get("building", "")
    if building_id.isascii() and building_id.isdigit():
        initial["building"] = int(building_id)
    form = HouseholdCreateForm(_posted(request), buildings=_changeable_buildings(user), initial=initial)
    if request.method == "POST" and form.is_valid():
        done = submit_once(
            request,
            form,
            lambda data: services.household_create(actor=user, **data),
            to=lambda household: reverse("residents:detail", args=[household.pk]),
            success=_("The household has been registered."),
        )
        if done:
            return done
    return render(
        request, "residents/form.html", {"form": form, "title": _("Register a household"), "household": None}
    )


def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = _get_household(request, pk)
    _check_change(request.user, household.building)
    fields = ("unit", "floor", "room", "address", "kind", "notes")
    form = HouseholdForm(_posted(request), initial={name: getattr(household, name) for name in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.household_update(actor=request.user, household=household, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The household has been saved."))
            return redirect("residents:detail", pk=household.pk)
    title = _("Edit %(address)s") % {"address": household.address}
    return render(request, "residents/form.html", {"form": form, "title": title, "household": household})


def household_risk(request: HttpRequest, pk: int) -> HttpResponse:
    household = _get_household(request, pk)
    _check_change(request.user, household.building)
    if household.kind != HouseholdKind.RENTED:
        raise Http404
    form = RiskForm(_posted(request), initial={"rule": household.risk_rule_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.household_set_risk(actor=request.user, household=household, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The risk colour has been set."))
            return redirect("residents:detail", pk=household.pk)
    title = _("Risk colour of %(address)s") % {"address": household.address}
    return render(request, "residents/form.html", {"form": form, "title": title, "household": household})


# Residents: add, edit, move out


def _party_members(user):
    return PartyMember.objects.restrict(user).order_by("name", "pk")


def resident_new(request: HttpRequest, pk: int) -> HttpResponse:
    household = _get_household(request, pk)
    _check_change(request.user, household.building, "resident.change")
    form = ResidentForm(_posted(request), party_members=_party_members(request.user))
    if request.method == "POST" and form.is_valid():
        done = submit_once(
            request,
            form,
            lambda data: services.resident_add(actor=request.user, household=household, **data),
            to=reverse("residents:detail", args=[household.pk]),
            success=_("The resident has been added."),
        )
        if done:
            return done
    title = _("New resident of %(address)s") % {"address": household.address}
    return render(request, "residents/form.html", {"form": form, "title": title, "household": household})


def resident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    resident = _get_resident(request, pk)
    household = resident.household
    _check_change(request.user, household.building, "resident.change")
    if not resident.is_active:
        raise Http404
    initial = {name: getattr(resident, name) for name in RESIDENT_FIELDS if name != "tags"}
    initial["tags"] = list(resident.tags.all())
    form = ResidentEditForm(
        _posted(request), resident=resident, party_members=_party_members(request.user), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        # A blank number field keeps the stored number (the form never holds it).
        data["id_number"] = data["id_number"] or None
        data["phone"] = data["phone"] or None
        try:
            services.resident_update(actor=request.user, resident=resident, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The resident has been saved."))
            return redirect("residents:detail", pk=household.pk)
    title = _("Edit %(name)s") % {"name": resident.name}
    return render(request, "residents/form.html", {"form": form, "title": title, "household": household})


def resident_move_out(request: HttpRequest, pk: int) -> HttpResponse:
    resident = _get_resident(request, pk)
    household = resident.household
    _check_change(request.user, household.building, "resident.change")
    if not resident.is_active:
        raise Http404
    form = MoveOutForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.resident_move_out(actor=request.user, resident=resident, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s has moved out.") % {"name": resident.name})
            return redirect("residents:detail", pk=household.pk)
    title = _("%(name)s moves out") % {"name": resident.name}
    return render(request, "residents/form.html", {"form": form, "title": title, "household": household})


# A building floor by floor


def _tile(household: Household, today: datetime.date) -> str:
    """The tile's colour: a rental's risk colour first, then whether a visit is due."""
    if household.risk_colour:
        return f"risk-{household.risk_colour}"
    if household.visit_due_on is not None and household.visit_due_on < today:
        return "visit-overdue"
    if household.visit_due_on is not None and household.visit_due_on == today:
        return "visit-due"
    return "visit-fine"


def building(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    area = get_object_or_404(
        Area.objects.restrict(user).filter(level=AreaLevel.BUILDING).select_related("parent"), pk=pk
    )
    if not user_scope(user).holds("household.view", area):
        raise Http404
    today = timezone.localdate()
    floors = [
        (floor, [(household, _tile(household, today)) for household in households])
        for floor, households in selectors.building_floors(user, area)
    ]
    context = {
        "building": area,
        "floors": floors,
        "today": today,
        "may_register": user_scope(user).holds("household.change", area) and area.is_active,
    }
    return render(request, "residents/building.html", context)


# The access log


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def access_log(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_any(user, "accesslog.view")
    entries = ResidentAccess.objects.restrict(user, "view")
    users = User.objects.filter(pk__in=entries.values("user_id")).order_by("full_name", "username")
    form = AccessLogFilterForm(request.GET, users=users)
    if form.is_valid():
        data = form.cleaned_data
        if data["after"]:
            entries = entries.filter(created_at__gte=_day_start(data["after"]))
        if data["before"]:
            entries = entries.filter(created_at__lt=_day_start(data["before"] + datetime.timedelta(days=1)))
        if data["user"]:
            entries = entries.filter(user=data["user"])
    entries = entries.select_related("user", "resident__household")
    page = Paginator(entries, PAGE_SIZE * 2).get_page(request.GET.get("page"))
    return render(request, "residents/access_log.html", {"form": form, "page_obj": page})
