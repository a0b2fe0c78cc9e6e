"""Party pages: the organisation tree, an organisation with its roster, partner units and coverage."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from apps.accounts.scope import CHANGE, VIEW, user_scope
from apps.areas.models import Area
from apps.areas.selectors import area_roots
from apps.core.forms import add_service_errors

from .forms import (
    MemberForm,
    PartnerUnitFilterForm,
    PartnerUnitForm,
    PartTimeMemberForm,
    RosterFilterForm,
    SecretaryForm,
)
from .models import PartnerUnit, PartTimeMember, PartyMember, PartyOrganisation
from .selectors import party_coverage
from .services import member_add, organisation_set_secretary, part_time_member_add, partner_unit_create

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
        try:
            member = member_add(actor=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was added to the roster.") % {"name": member.name})
            return redirect("party:organisation_detail", pk=organisation.pk)
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
        try:
            member = part_time_member_add(actor=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s was added as a part-time member.") % {"name": member.name})
            return redirect("party:organisation_detail", pk=organisation.pk)
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
        try:
            unit = partner_unit_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The partner unit %(name)s was added.") % {"name": unit.name})
            return redirect("party:partner_unit_list")
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
