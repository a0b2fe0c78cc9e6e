"""Co-building pages: agreements with their three lists, and the rounds of the two-way evaluation.

Every lookup starts from `restrict`, so an agreement or round out of scope answers exactly like a missing
one (404); seeing it without the right to change it answers 403 to a write.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.scope import CHANGE, VIEW, user_scope
from apps.areas.models import Area
from apps.core.forms import add_service_errors
from apps.core.submissions import submit_once
from apps.party.models import PartnerUnit

from . import services
from .choices import EXPIRED, AgreementState, NeedState, ProjectStatus
from .forms import (
    AgreementFilterForm,
    AgreementForm,
    EvaluationForm,
    FulfilForm,
    NeedForm,
    ProjectForm,
    ProjectStatusForm,
    ReasonForm,
    ResourceForm,
    RoundForm,
    TakeForm,
)
from .models import Agreement, Evaluation, EvaluationRound, JointProject, Need, Resource, today
from .selectors import round_results

PAGE_SIZE = 50


def _require(request: HttpRequest, permission: str) -> None:
    if not user_scope(request.user).allows(permission):
        raise PermissionDenied


def _count(model, field: str, **conditions) -> Coalesce:
    counted = (
        model.objects.filter(**{field: OuterRef("pk")}, **conditions)
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
    )
    return Coalesce(Subquery(counted.values("n"), output_field=IntegerField()), Value(0))


def _visible_units(request: HttpRequest) -> QuerySet[PartnerUnit]:
    return PartnerUnit.objects.restrict(request.user, VIEW).order_by("name", "id")


def agreement_list(request: HttpRequest) -> HttpResponse:
    _require(request, "cogov.view")
    form = AgreementFilterForm(request.GET or None, partner_units=_visible_units(request))
    agreements = Agreement.objects.restrict(request.user, VIEW)
    if form.is_valid():
        data = form.cleaned_data
        if text := data["q"].strip():
            agreements = agreements.filter(
                Q(title__icontains=text)
                | Q(partner_unit__name__icontains=text)
                | Q(area__name__icontains=text)
            )
        if data["state"] == EXPIRED:
            agreements = agreements.filter(state=AgreementState.ACTIVE, valid_until__lt=today())
        elif data["state"] == AgreementState.ACTIVE:
            agreements = agreements.filter(state=AgreementState.ACTIVE, valid_until__gte=today())
        elif data["state"]:
            agreements = agreements.filter(state=data["state"])
        if data["unit"]:
            agreements = agreements.filter(partner_unit=data["unit"])
    agreements = agreements.select_related("area", "partner_unit").annotate(
        resource_count=_count(Resource, "agreement"),
        open_need_count=_count(Need, "agreement", state=NeedState.OPEN),
        project_count=_count(JointProject, "agreement"),
    )
    page = Paginator(agreements.order_by("-signed_on", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cobuilding/agreement_list.html",
        {"form": form, "page_obj": page, "may_create": user_scope(request.user).allows("cogov.change")},
    )


def _agreement_areas(request: HttpRequest) -> QuerySet[Area]:
    return (
        Area.objects.restrict(request.user, VIEW)
        .holding(request.user, "cogov.change")
        .filter(is_active=True, level__in=services.AGREEMENT_LEVELS)
        .order_by("code")
    )


def agreement_create(request: HttpRequest) -> HttpResponse:
    _require(request, "cogov.change")
    form = AgreementForm(
        request.POST or None,
        areas=_agreement_areas(request),
        partner_units=_visible_units(request),
        initial={"signed_on": today(), "valid_from": today()},
    )
    if request.method == "POST" and form.is_valid():
        done = submit_once(
            request,
            form,
            lambda data: services.agreement_create(actor=request.user, **data),
            to=lambda agreement: reverse("cobuilding:agreement_detail", args=[agreement.pk]),
            success=_("The agreement was signed."),
        )
        if done:
            return done
    return render(request, "cobuilding/form.html", {"form": form, "title": _("New co-building agreement")})


def _agreement(request: HttpRequest, pk: int) -> Agreement:
    return get_object_or_404(
        Agreement.objects.restrict(request.user, VIEW).select_related("area", "partner_unit", "created_by"),
        pk=pk,
    )


def _changeable(request: HttpRequest, model, pk: int, *related: str):
    """The row if the user may change it: not found when out of sight, forbidden when only seen."""
    row = get_object_or_404(model.objects.restrict(request.user, VIEW).select_related(*related), pk=pk)
    if not model.objects.restrict(request.user, CHANGE).filter(pk=pk).exists():
        raise PermissionDenied
    return row


def _takers(request: HttpRequest, agreement: Agreement) -> QuerySet[PartnerUnit]:
    """The units that may take this agreement's needs: its own and those in force with the same area."""
    in_force = Agreement.objects.filter(
        area_id=agreement.area_id, state=AgreementState.ACTIVE, valid_until__gte=today()
    )
    return (
        PartnerUnit.objects.restrict(request.user, VIEW)
        .filter(Q(pk=agreement.partner_unit_id) | Q(pk__in=in_force.values("partner_unit_id")))
        .order_by("name")
        .distinct()
    )


def _detail(request: HttpRequest, agreement: Agreement, bound: dict | None = None) -> HttpResponse:
    bound = bound or {}
    may_change = Agreement.objects.restrict(request.user, CHANGE).filter(pk=agreement.pk).exists()
    needs = list(
        Need.objects.restrict(request.user, VIEW)
        .filter(agreement=agreement)
        .select_related("taken_by", "taken_by_user")
        .order_by("id")
    )
    # The units offered to take the open needs, read once for every row's form.
    takers = (
        list(_takers(request, agreement))
        if may_change and any(n.state == NeedState.OPEN for n in needs)
        else []
    )
    context = {
        "agreement": agreement,
        "may_change": may_change,
        "in_force": agreement.in_force,
        "resources": Resource.objects.restrict(request.user, VIEW).filter(agreement=agreement).order_by("id"),
        "needs": needs,
        "projects": JointProject.objects.restrict(request.user, VIEW)
        .filter(agreement=agreement)
        .order_by("id"),
        "events": agreement.events.select_related("actor").order_by("created_at", "id"),
        "takers": takers,
        "project_statuses": ProjectStatus.choices,
        "resource_form": bound.get("resource") or ResourceForm(prefix="resource"),
        "need_form": bound.get("need") or NeedForm(prefix="need"),
        "project_form": bound.get("project") or ProjectForm(prefix="project"),
        "terminate_form": bound.get("terminate") or ReasonForm(prefix="terminate"),
    }
    return render(request, "cobuilding/agreement_detail.html", context)


def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _agreement(request, pk))


# The forms of the agreement page that add to it, with the service each calls.
ADDS = {
    "resource": (ResourceForm, services.resource_add, gettext_lazy("The resource was added.")),
    "need": (NeedForm, services.need_add, gettext_lazy("The need was added.")),
    "project": (ProjectForm, services.project_add, gettext_lazy("The project was added.")),
}


@require_POST
def agreement_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Add a resource, need or project to the agreement's lists."""
    form_class, service, done = ADDS[kind]
    agreement = _changeable(request, Agreement, pk, "area", "partner_unit", "created_by")
    form = form_class(request.POST, prefix=kind)
    if form.is_valid():
        answer = submit_once(
            request,
            form,
            lambda data: service(actor=request.user, agreement=agreement, **data),
            to=reverse("cobuilding:agreement_detail", args=[agreement.pk]),
            success=str(done),
        )
        if answer:
            return answer
    return _detail(request, agreement, {kind: form})


@require_POST
def agreement_terminate(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = _changeable(request, Agreement, pk, "area", "partner_unit", "created_by")
    form = ReasonForm(request.POST, prefix="terminate")
    if form.is_valid():
        try:
            services.agreement_terminate(actor=request.user, agreement=agreement, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The agreement was terminated."))
            return redirect("cobuilding:agreement_detail", pk=agreement.pk)
    return _detail(request, agreement, {"terminate": form})


def _act(request: HttpRequest, form, action, done: str, agreement_id: int) -> HttpResponse:
    """Run a row action from the agreement page; its errors come back as messages on that page."""
    if form.is_valid():
        try:
            action(**form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, done)
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("cobuilding:agreement_detail", pk=agreement_id)


@require_POST
def need_take(request: HttpRequest, pk: int) -> HttpResponse:
    need = _changeable(request, Need, pk, "agreement", "area")
    form = TakeForm(request.POST, partner_units=_takers(request, need.agreement))

    def take(partner_unit):
        services.need_take(actor=request.user, need=need, partner_unit=partner_unit)

    return _act(request, form, take, _("The need was taken."), need.agreement_id)


@require_POST
def need_fulfil(request: HttpRequest, pk: int) -> HttpResponse:
    need = _changeable(request, Need, pk, "area")

    def fulfil(note):
        services.need_fulfil(actor=request.user, need=need, note=note)

    return _act(
        request, FulfilForm(request.POST), fulfil, _("The fulfilment was recorded."), need.agreement_id
    )


@require_POST
def need_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    need = _changeable(request, Need, pk, "area")

    def cancel(reason):
        services.need_cancel(actor=request.user, need=need, reason=reason)

    return _act(request, ReasonForm(request.POST), cancel, _("The need was cancelled."), need.agreement_id)


@require_POST
def project_status(request: HttpRequest, pk: int) -> HttpResponse:
    project = _changeable(request, JointProject, pk, "area")

    def move(status, note):
        services.project_set_status(actor=request.user, project=project, status=status, note=note)

    return _act(
        request,
        ProjectStatusForm(request.POST),
        move,
        _("The project status was changed."),
        project.agreement_id,
    )


def round_list(request: HttpRequest) -> HttpResponse:
    _require(request, "cogov.view")
    rounds = (
        EvaluationRound.objects.restrict(request.user, VIEW)
        .select_related("area")
        .annotate(evaluation_count=_count(Evaluation, "round"))
        .order_by("-year", "area__code", "id")
    )
    page = Paginator(rounds, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cobuilding/round_list.html",
        {"page_obj": page, "may_create": user_scope(request.user).allows("cogov.change"), "today": today()},
    )


def round_create(request: HttpRequest) -> HttpResponse:
    _require(request, "cogov.change")
    areas = (
        Area.objects.restrict(request.user, VIEW)
        .holding(request.user, "cogov.change")
        .filter(is_active=True, level__in=services.ROUND_LEVELS)
        .order_by("code")
    )
    form = RoundForm(request.POST or None, areas=areas, initial={"year": today().year})
    if request.method == "POST" and form.is_valid():
        done = submit_once(
            request,
            form,
            lambda data: services.round_create(actor=request.user, **data),
            to=lambda evaluation_round: reverse("cobuilding:round_detail", args=[evaluation_round.pk]),
            success=_("The evaluation round was opened."),
        )
        if done:
            return done
    return render(
        request, "cobuilding/form.html", {"form": form, "title": _("New evaluation round"), "rounds": True}
    )


def _round_agreements(request: HttpRequest, evaluation_round: EvaluationRound) -> QuerySet[Agreement]:
    """The agreements in the round's area whose evaluations the user may record."""
    area = evaluation_round.area
    return (
        Agreement.objects.restrict(request.user, CHANGE)
        .filter(**{f"{area.level_field}_id": area.pk})
        .select_related("area", "partner_unit")
        .order_by("area__code", "partner_unit__name", "id")
    )


def _round_page(request: HttpRequest, evaluation_round: EvaluationRound, form=None) -> HttpResponse:
    unit_results, area_results = round_results(request.user, evaluation_round)
    agreements = _round_agreements(request, evaluation_round)
    may_record = user_scope(request.user).allows("cogov.change") and agreements.exists()
    evaluations = (
        Evaluation.objects.restrict(request.user, VIEW)
        .filter(round=evaluation_round)
        .select_related("agreement__area", "agreement__partner_unit", "recorded_by")
        .order_by("-recorded_at", "-id")
    )
    page = Paginator(evaluations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cobuilding/round_detail.html",
        {
            "round": evaluation_round,
            "is_open": evaluation_round.is_open,
            "unit_results": unit_results,
            "area_results": area_results,
            "page_obj": page,
            "may_record": may_record,
            "form": form or EvaluationForm(agreements=agreements),
        },
    )


def _round(request: HttpRequest, pk: int) -> EvaluationRound:
    return get_object_or_404(
        EvaluationRound.objects.restrict(request.user, VIEW).select_related("area"), pk=pk
    )


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_page(request, _round(request, pk))


@require_POST
def evaluation_record(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation_round = _round(request, pk)
    _require(request, "cogov.change")
    form = EvaluationForm(request.POST, agreements=_round_agreements(request, evaluation_round))
    if form.is_valid():
        try:
            services.evaluation_record(
                actor=request.user, evaluation_round=evaluation_round, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The evaluation was recorded."))
            return redirect("cobuilding:round_detail", pk=evaluation_round.pk)
    return _round_page(request, evaluation_round, form)
