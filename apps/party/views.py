"""Party pages: the organisation tree, an organisation with its roster, partner units, coverage, and the
working members registered with communities (在职党员到社区报到) with their service logs."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.scope import CHANGE, VIEW, user_scope
from apps.areas.choices import AreaLevel
from apps.areas.models import Area
from apps.areas.selectors import area_roots
from apps.core.forms import add_service_errors
from apps.core.submissions import submit_once

from .choices import RegistrationState
from .forms import (
    AssignForm,
    EndForm,
    MemberForm,
    PartnerUnitFilterForm,
    PartnerUnitForm,
    PartTimeMemberForm,
    RegistrationFilterForm,
    RegistrationForm,
    RosterFilterForm,
    SecretaryForm,
    ServiceLogForm,
)
from .models import MemberRegistration, PartnerUnit, PartTimeMember, PartyMember, PartyOrganisation
from .selectors import organisation_service_places, party_coverage, registration_communities, registrations
from .services import (
    may_end,
    member_add,
    organisation_set_secretary,
    part_time_member_add,
    partner_unit_create,
    registration_assign,
    registration_create,
    registration_end,
    service_log,
)

PAGE_SIZE = 50


def _require(request: HttpRequest, permission: str) -> None:
    if not user_scope(request.user).allows(permission):
        raise PermissionDenied


def _count(model, field: str) -> Coalesce:
    counted = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field).annotate(n=Count("pk"))
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), Value(0))


def _organisations(request: HttpRequest) -> QuerySet[PartyOrganisation]:
    """The organisations the user sees, with what a node of the tree shows."""
    return (
        PartyOrganisation.objects.restrict(request.user, VIEW)
        .select_related("area", "secretary")
        .annotate(
            member_count=_count(PartyMember, "organisation"),
            child_count=_count(PartyOrganisation, "parent"),
        )
    )


def _changeable(request: HttpRequest, pk: int) -> PartyOrganisation:
    """The organisation if the user may change it; not found when out of sight, forbidden when only seen."""
    organisation = get_object_or_404(
        PartyOrganisation.objects.restrict(request.user, VIEW).select_related("area"), pk=pk
    )
    if not PartyOrganisation.objects.restrict(request.user, CHANGE).filter(pk=pk).exists():
        raise PermissionDenied
    return organisation


def organisation_tree(request: HttpRequest) -> HttpResponse:
    _require(request, "party.view")
    visible = PartyOrganisation.objects.restrict(request.user, VIEW)
    # The tops: organisations whose parent the user does not see (or that have none).
    tops = _organisations(request).exclude(parent__in=visible.values("pk")).order_by("area__code", "name")
    return render(request, "party/organisation_tree.html", {"organisations": tops})


def organisation_children(request: HttpRequest, pk: int) -> HttpResponse:
    """The children of one node, for the tree to unfold lazily."""
    parent = get_object_or_404(PartyOrganisation.objects.restrict(request.user, VIEW), pk=pk)
    children = _organisations(request).filter(parent=parent).order_by("area__code", "name")
    return render(request, "party/includes/organisation_nodes.html", {"organisations": children})


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visible = PartyOrganisation.objects.restrict(request.user, VIEW)
    organisation = get_object_or_404(
        visible.select_related("area", "secretary", "parent").annotate(
            # The breadcrumb links the parent only where the user may open it.
            parent_visible=Exists(visible.filter(pk=OuterRef("parent_id")))
        ),
        pk=pk,
    )
    form = RosterFilterForm(request.GET or None)
    members = PartyMember.objects.restrict(request.user, VIEW).filter(organisation=organisation)
    if form.is_valid() and form.cleaned_data["working"]:
        members = members.filter(is_working_member=True)
    part_time = []
    if organisation.is_joint:
        part_time = (
            PartTimeMember.objects.restrict(request.user, VIEW)
            .filter(organisation=organisation)
            .select_related("partner_unit")
        )
    page = Paginator(members.order_by("name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "party/organisation_detail.html",
        {
            "organisation": organisation,
            "form": form,
            "page_obj": page,
            "part_time_members": part_time,
            "may_change": PartyOrganisation.objects.restrict(request.user, CHANGE).filter(pk=pk).exists(),
        },
    )


def _form_page(request, form, *, title: str, organisation=None, notice: str = "") -> HttpResponse:
    context = {"form": form, "organisation": organisation, "title": title, "notice": notice}
    return render(request, "party/form.html", context)


def member_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _changeable(request, pk)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = submit_once(
            request,
            form,
            lambda data: member_add(actor=request.user, organisation=organisation, **data),
            to=reverse("party:organisation_detail", args=[organisation.pk]),
            success=lambda member: _("%(name)s was added to the roster.") % {"name": member.name},
        )
        if done:
            return done
    return _form_page(request, form, organisation=organisation, title=_("Add a member"))


def secretary_set_view(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _changeable(request, pk)
    members = PartyMember.objects.restrict(request.user, VIEW).filter(organisation=organisation)
    form = SecretaryForm(
        request.POST or None, members=members, initial={"secretary": organisation.secretary_id}
    )
    if request.method == "POST" and form.is_valid():
        try:
            organisation_set_secretary(
                actor=request.user, organisation=organisation, member=form.cleaned_data["secretary"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The secretary has been set."))
            return redirect("party:organisation_detail", pk=organisation.pk)
    return _form_page(request, form, organisation=organisation, title=_("Set the secretary"))


def part_time_member_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _changeable(request, pk)
    area = organisation.area
    units = PartnerUnit.objects.restrict(request.user, VIEW).filter(**{f"{area.level_field}_id": area.pk})
    form = PartTimeMemberForm(request.POST or None, partner_units=units)
    if request.method == "POST" and form.is_valid():
        done = submit_once(
            request,
            form,
            lambda data: part_time_member_add(actor=request.user, organisation=organisation, **data),
            to=reverse("party:organisation_detail", args=[organisation.pk]),
            success=lambda member: _("%(name)s was added as a part-time member.") % {"name": member.name},
        )
        if done:
            return done
    notice = "" if organisation.is_joint else _("Only joint committees have part-time members.")
    return _form_page(
        request, form, organisation=organisation, title=_("Add a part-time member"), notice=notice
    )


def partner_unit_list(request: HttpRequest) -> HttpResponse:
    _require(request, "party.view")
    form = PartnerUnitFilterForm(request.GET or None)
    units = PartnerUnit.objects.restrict(request.user, VIEW)
    if form.is_valid():
        if text := form.cleaned_data["q"].strip():
            units = units.filter(
                Q(name__icontains=text) | Q(address__icontains=text) | Q(contact_name__icontains=text)
            )
        if unit_type := form.cleaned_data["unit_type"]:
            units = units.filter(unit_type=unit_type)
    units = units.select_related("area").annotate(part_time_count=_count(PartTimeMember, "partner_unit"))
    page = Paginator(units.order_by("name", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "party/partner_unit_list.html",
        {
            "form": form,
            "page_obj": page,
            "may_create": user_scope(request.user).allows("party.change"),
        },
    )


def partner_unit_create_view(request: HttpRequest) -> HttpResponse:
    _require(request, "party.change")
    visible_areas = Area.objects.restrict(request.user, VIEW).filter(is_active=True)
    form = PartnerUnitForm(
        request.POST or None, visible_areas=visible_areas, initial={"area": request.GET.get("area")}
    )
    if request.method == "POST" and form.is_valid():
        done = submit_once(
            request,
            form,
            lambda data: partner_unit_create(actor=request.user, **data),
            to=reverse("party:partner_unit_list"),
            success=lambda unit: _("The partner unit %(name)s was added.") % {"name": unit.name},
        )
        if done:
            return done
    return _form_page(request, form, title=_("New partner unit"))


def coverage(request: HttpRequest) -> HttpResponse:
    _require(request, "party.view")
    visible_areas = Area.objects.restrict(request.user, VIEW).filter(is_active=True)
    chosen = request.GET.get("area", "")
    if chosen:
        if not (chosen.isascii() and chosen.isdigit()):
            raise Http404
        area = get_object_or_404(visible_areas, pk=chosen)
    else:
        area = area_roots(request.user).first()
        if area is None:
            raise Http404
    total, rows = party_coverage(request.user, area)
    above = visible_areas.filter(pk__in=area.ancestor_ids).order_by("level")
    return render(
        request,
        "party/coverage.html",
        {"area": area, "total": total, "rows": rows, "above": above},
    )


# Member registration (在职党员到社区报到)

SERVICE_LOG_SIZE = 50


def _may_register(request: HttpRequest) -> bool:
    scope = user_scope(request.user)
    return scope.allows("cogov.change") or scope.allows("party.change")


def registration_list(request: HttpRequest) -> HttpResponse:
    """Who is registered with the user's communities, and (from the organisation side) where the user's
    members serve; filtered by state, activity, grid, organisation and member name."""
    _require(request, "cogov.view")
    rows = registrations(request.user)
    form = RegistrationFilterForm(
        request.GET or None,
        # Only the grids someone is registered in: a district holds thousands of grids.
        grids=Area.objects.filter(pk__in=rows.values("grid_id")).order_by("code"),
        organisations=PartyOrganisation.objects.restrict(request.user, VIEW),
    )
    organisation = None
    if form.is_valid():
        data = form.cleaned_data
        if text := data["q"].strip():
            rows = rows.filter(member__name__icontains=text)
        if data["state"]:
            rows = rows.filter(state=data["state"])
        if data["activity"] == form.SERVING:
            rows = rows.filter(is_serving=True)
        elif data["activity"] == form.IDLE:
            rows = rows.filter(is_serving=False)
        if data["grid"]:
            rows = rows.filter(grid=data["grid"])
        if organisation := data["organisation"]:
            rows = rows.filter(member__organisation=organisation)
    page = Paginator(rows.order_by("community__code", "member__name", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "party/registration_list.html",
        {
            "form": form,
            "page_obj": page,
            "organisation": organisation,
            "may_register": _may_register(request),
        },
    )


def registration_create_view(request: HttpRequest) -> HttpResponse:
    if not _may_register(request):
        raise PermissionDenied
    members = (
        PartyMember.objects.restrict(request.user, VIEW)
        .filter(is_working_member=True)
        .select_related("organisation")
        .order_by("name", "id")
    )
    form = RegistrationForm(
        request.POST or None,
        members=members,
        communities=registration_communities(request.user).order_by("code"),
        initial={"member": request.GET.get("member"), "community": request.GET.get("community")},
    )
    if request.method == "POST" and form.is_valid():
        done = submit_once(
            request,
            form,
            lambda data: registration_create(actor=request.user, **data),
            to=lambda registration: reverse("party:registration_detail", args=[registration.pk]),
            success=lambda registration: (
                _("%(name)s is registered with %(community)s.")
                % {"name": registration.member.name, "community": form.cleaned_data["community"].name}
            ),
        )
        if done:
            return done
    return render(request, "party/registration_form.html", {"form": form, "title": _("Register a member")})


def _registration(request: HttpRequest, pk: int) -> MemberRegistration:
    return get_object_or_404(
        registrations(request.user).select_related("member__organisation__area", "registered_by"), pk=pk
    )


def _permissions(request: HttpRequest, registration: MemberRegistration) -> dict[str, bool]:
    active = registration.state == RegistrationState.ACTIVE
    community_side = user_scope(request.user).holds("cogov.change", registration.community)
    return {
        "may_assign": active and community_side,
        "may_log": active and community_side,
        "may_end": active and may_end(request.user, registration),
    }


def _assignable(request: HttpRequest, registration: MemberRegistration) -> QuerySet[Area]:
    return (
        Area.objects.restrict(request.user, VIEW)
        .filter(
            community=registration.community_id,
            level__in=(AreaLevel.GRID, AreaLevel.BUILDING),
            is_active=True,
        )
        .exclude(pk=registration.area_id)
        .order_by("code")
    )


def _detail(request: HttpRequest, registration: MemberRegistration, **bound) -> HttpResponse:
    """The registration's page; `bound` holds the form that was posted with errors, if any."""
    allowed = _permissions(request, registration)
    forms = {}
    if allowed["may_assign"]:
        forms["assign_form"] = AssignForm(areas=_assignable(request, registration))
    if allowed["may_log"]:
        forms["log_form"] = ServiceLogForm(initial={"served_on": timezone.localdate()})
    if allowed["may_end"]:
        forms["end_form"] = EndForm()
    forms.update(bound)
    records = registration.service_records.select_related("area", "recorded_by")[:SERVICE_LOG_SIZE]
    events = registration.events.select_related("actor")
    return render(
        request,
        "party/registration_detail.html",
        {
            "registration": registration,
            "records": records,
            "events": events,
            "service_log_size": SERVICE_LOG_SIZE,
            **allowed,
            **forms,
        },
    )


def registration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "cogov.view")
    return _detail(request, _registration(request, pk))


def _act(request: HttpRequest, pk: int, permission: str):
    """The registration, if visible (404) and the user may take this action on it (403)."""
    registration = _registration(request, pk)
    if not _permissions(request, registration)[permission]:
        raise PermissionDenied
    if request.method != "POST":
        return registration, None
    return registration, request.POST


def registration_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    registration, data = _act(request, pk, "may_assign")
    if data is None:
        return redirect("party:registration_detail", pk=pk)
    form = AssignForm(data, areas=_assignable(request, registration))
    if form.is_valid():
        try:
            registration_assign(actor=request.user, registration=registration, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The member has been assigned."))
            return redirect("party:registration_detail", pk=pk)
    return _detail(request, registration, assign_form=form)


def service_log_view(request: HttpRequest, pk: int) -> HttpResponse:
    registration, data = _act(request, pk, "may_log")
    if data is None:
        return redirect("party:registration_detail", pk=pk)
    form = ServiceLogForm(data)
    if form.is_valid():
        done = submit_once(
            request,
            form,
            lambda data: service_log(actor=request.user, registration=registration, **data),
            to=reverse("party:registration_detail", args=[pk]),
            success=_("The service has been logged."),
        )
        if done:
            return done
    return _detail(request, registration, log_form=form)


def registration_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    registration, data = _act(request, pk, "may_end")
    if data is None:
        return redirect("party:registration_detail", pk=pk)
    form = EndForm(data)
    if form.is_valid():
        try:
            registration_end(actor=request.user, registration=registration, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The registration has ended."))
            return redirect("party:registration_detail", pk=pk)
    return _detail(request, registration, end_form=form)


def organisation_service_places_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Where the organisation's working members serve, loaded into the organisation's page."""
    organisation = get_object_or_404(PartyOrganisation.objects.restrict(request.user, VIEW), pk=pk)
    return render(
        request,
        "party/includes/registration_places.html",
        {"organisation": organisation, "places": organisation_service_places(request.user, organisation)},
    )
