"""Project pages: the list (the "projects" tab of party building), creation, the detail with its
milestones, evaluations and timeline, and one POST endpoint per action."""

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.scope import CHANGE, VIEW, user_scope
from apps.areas.models import Area
from apps.core.forms import add_service_errors
from apps.core.submissions import submit_once
from apps.party.models import PartyOrganisation

from . import services
from .choices import EvaluationBy, ProjectState
from .forms import (
    CancelForm,
    CompleteForm,
    EvaluationForm,
    MilestoneCompleteForm,
    MilestoneForm,
    ProjectFilterForm,
    ProjectForm,
)
from .models import Milestone, Project
from .selectors import filter_projects, owner_candidates, project_list

PAGE_SIZE = 50


def _require(request: HttpRequest, permission: str) -> None:
    if not user_scope(request.user).allows(permission):
        raise PermissionDenied


def _visible(request: HttpRequest, pk: int) -> Project:
    return get_object_or_404(project_list(request.user), pk=pk)


def _may_change(request: HttpRequest, project: Project) -> bool:
    return Project.objects.restrict(request.user, CHANGE).filter(pk=project.pk).exists()


def _changeable(request: HttpRequest, pk: int) -> Project:
    """The project if the user may change it; not found when out of sight, forbidden when only seen."""
    project = _visible(request, pk)
    if not _may_change(request, project):
        raise PermissionDenied
    return project


def _project_form(request: HttpRequest, data=None, *, with_area: bool = True, **kwargs) -> ProjectForm:
    return ProjectForm(
        data,
        areas=Area.objects.holding(request.user, "cogov.change").filter(is_active=True),
        owners=owner_candidates(request.user),
        organisations=PartyOrganisation.objects.restrict(request.user, VIEW),
        with_area=with_area,
        **kwargs,
    )


def project_list_view(request: HttpRequest) -> HttpResponse:
    _require(request, "cogov.view")
    form = ProjectFilterForm(request.GET or None)
    projects = project_list(request.user)
    if form.is_valid():
        projects = filter_projects(projects, user=request.user, **form.cleaned_data)
    page = Paginator(projects.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/project_list.html",
        {
            "form": form,
            "page_obj": page,
            "today": timezone.localdate(),
            "may_create": user_scope(request.user).allows("cogov.change"),
        },
    )


def project_create_view(request: HttpRequest) -> HttpResponse:
    _require(request, "cogov.change")
    form = _project_form(request, request.POST or None, initial={"area": request.GET.get("area")})
    if request.method == "POST" and form.is_valid():
        done = submit_once(
            request,
            form,
            lambda data: services.project_create(actor=request.user, **data),
            to=lambda project: reverse("projects:detail", args=[project.pk]),
            success=lambda project: _("The project %(title)s was created.") % {"title": project.title},
        )
        if done:
            return done
    return render(request, "projects/project_form.html", {"form": form, "title": _("New project")})


def project_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = _changeable(request, pk)
    initial = {name: getattr(project, name) for name in services.UPDATABLE}
    form = _project_form(request, request.POST or None, with_area=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The project has been updated."))
            return redirect("projects:detail", pk=project.pk)
    context = {"form": form, "project": project, "title": _("Change the project")}
    return render(request, "projects/project_form.html", context)


def _detail(request: HttpRequest, project: Project, **bound) -> HttpResponse:
    """The detail page, with the forms of the actions (a failed action's form bound, with its errors)."""
    milestones = list(project.milestones.select_related("done_by").order_by("due_on", "id"))
    evaluations = {
        evaluation.by: evaluation for evaluation in project.evaluations.select_related("recorded_by")
    }
    may_change = _may_change(request, project)
    evaluation_forms = []
    if may_change and project.state == ProjectState.COMPLETED:
        evaluation_forms = [
            bound.get(f"evaluation_{by}") or EvaluationForm(by=by)
            for by in EvaluationBy.values
            if by not in evaluations
        ]
    context = {
        "project": project,
        "milestones": milestones,
        "evaluations": [evaluations[by] for by in EvaluationBy.values if by in evaluations],
        "events": project.events.select_related("actor").order_by("created_at", "id"),
        "today": timezone.localdate(),
        "may_change": may_change,
        "is_owner": request.user.pk == project.owner_id,
        "underway": project.state == ProjectState.UNDERWAY,
        "milestone_form": bound.get("milestone_form") or MilestoneForm(),
        "complete_form": bound.get("complete_form") or CompleteForm(),
        "cancel_form": bound.get("cancel_form") or CancelForm(),
        "milestone_errors": bound.get("milestone_errors"),
        "evaluation_forms": evaluation_forms,
    }
    return render(request, "projects/project_detail.html", context)


def project_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _visible(request, pk))


def _act(request, project, form, *, key: str, action, success: str) -> HttpResponse:
    """Run a service with the form's input: back to the detail on success, the detail with the form's
    errors otherwise."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("projects:detail", pk=project.pk)
    return _detail(request, _visible(request, project.pk), **{key: form})


@require_POST
def milestone_add_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = _changeable(request, pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        done = submit_once(
            request,
            form,
            lambda data: services.milestone_add(actor=request.user, project=project, **data),
            to=reverse("projects:detail", args=[project.pk]),
            success=_("The milestone was added."),
        )
        if done:
            return done
    return _detail(request, _visible(request, project.pk), milestone_form=form)


@require_POST
def milestone_complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(
        Milestone.objects.restrict(request.user, VIEW).select_related("project"), pk=pk
    )
    project = milestone.project
    if request.user.pk != project.owner_id and not _may_change(request, project):
        raise PermissionDenied
    form = MilestoneCompleteForm(request.POST)
    return _act(
        request,
        project,
        form,
        key="milestone_errors",
        action=lambda data: services.milestone_complete(actor=request.user, milestone=milestone, **data),
        success=_("The milestone is done."),
    )


@require_POST
def project_complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = _changeable(request, pk)
    return _act(
        request,
        project,
        CompleteForm(request.POST),
        key="complete_form",
        action=lambda data: services.project_complete(actor=request.user, project=project, **data),
        success=_("The project is completed and awaits its two evaluations."),
    )


@require_POST
def project_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = _changeable(request, pk)
    return _act(
        request,
        project,
        CancelForm(request.POST),
        key="cancel_form",
        action=lambda data: services.project_cancel(actor=request.user, project=project, **data),
        success=_("The project was cancelled."),
    )


@require_POST
def project_evaluate_view(request: HttpRequest, pk: int) -> HttpResponse:
    project = _changeable(request, pk)
    by = request.POST.get("by", "")
    if by not in EvaluationBy.values:
        # Each of the page's two evaluation forms names its kind; anything else is not from the page.
        raise BadRequest
    form = EvaluationForm(request.POST, by=by)
    return _act(
        request,
        project,
        form,
        key=f"evaluation_{by}",
        action=lambda data: services.project_evaluate(actor=request.user, project=project, by=by, **data),
        success=_("The evaluation was recorded."),
    )
