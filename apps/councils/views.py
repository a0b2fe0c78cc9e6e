"""Council pages: the meetings of the user's areas, one meeting with its topics, resolutions and their
follow-up, and the council tasks (mine or all in scope)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.scope import CHANGE, VIEW, user_scope
from apps.areas.models import Area
from apps.core.forms import add_service_errors
from apps.core.submissions import submit_once

from . import selectors, services
from .forms import (
    CaseForm,
    MeetingFilterForm,
    MeetingForm,
    ResolutionForm,
    TaskCancelForm,
    TaskCompleteForm,
    TaskFilterForm,
    TaskForm,
    TopicForm,
)
from .models import Meeting, Resolution, Task

PAGE_SIZE = 50


def _require(request: HttpRequest, permission: str) -> None:
    if not user_scope(request.user).allows(permission):
        raise PermissionDenied


def _may_change(request: HttpRequest, model, pk: int) -> bool:
    return model.objects.restrict(request.user, CHANGE).filter(pk=pk).exists()


def _changeable_meeting(request: HttpRequest, pk: int) -> Meeting:
    """The meeting if the user may change it; not found when out of sight, forbidden when only seen."""
    meeting = get_object_or_404(Meeting.objects.restrict(request.user, VIEW).select_related("area"), pk=pk)
    if not _may_change(request, Meeting, pk):
        raise PermissionDenied
    return meeting


def _form_page(request, form, *, title: str, meeting=None, back: str = "") -> HttpResponse:
    return render(
        request, "councils/form.html", {"form": form, "title": title, "meeting": meeting, "back": back}
    )


def meeting_list(request: HttpRequest) -> HttpResponse:
    _require(request, "cogov.view")
    form = MeetingFilterForm(request.GET or None)
    found = selectors.meetings(request.user)
    if form.is_valid():
        found = selectors.filter_meetings(found, **form.cleaned_data)
    page = Paginator(found.order_by("-held_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "councils/meeting_list.html",
        {
            "form": form,
            "page_obj": page,
            "may_create": user_scope(request.user).allows("cogov.change"),
        },
    )


def meeting_create(request: HttpRequest) -> HttpResponse:
    _require(request, "cogov.change")
    areas = (
        Area.objects.restrict(request.user, VIEW)
        .filter(is_active=True, level__in=services.MEETING_LEVELS)
        .order_by("level", "code")
    )
    form = MeetingForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        done = submit_once(
            request,
            form,
            lambda data: services.meeting_create(actor=request.user, **data),
            to=lambda meeting: reverse("councils:meeting_detail", args=[meeting.pk]),
            success=_("The meeting was recorded."),
        )
        if done:
            return done
    return _form_page(request, form, title=_("Record a council meeting"))


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_object_or_404(
        Meeting.objects.restrict(request.user, VIEW).select_related("area", "created_by"), pk=pk
    )
    topics = list(meeting.topics.order_by("id"))
    may_change = _may_change(request, Meeting, pk)
    return render(
        request,
        "councils/meeting_detail.html",
        {
            "meeting": meeting,
            "topics": topics,
            "resolutions": selectors.resolutions_of(meeting, request.user),
            "may_change": may_change,
            "topic_form": TopicForm() if may_change else None,
            "resolution_form": ResolutionForm(topics=meeting.topics.order_by("id")) if may_change else None,
        },
    )


@require_POST
def topic_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _changeable_meeting(request, pk)
    form = TopicForm(request.POST)
    if form.is_valid():
        done = submit_once(
            request,
            form,
            lambda data: services.topic_add(actor=request.user, meeting=meeting, **data),
            to=reverse("councils:meeting_detail", args=[meeting.pk]),
            success=_("The topic was added."),
        )
        if done:
            return done
    return _form_page(request, form, title=_("Add a topic"), meeting=meeting)


@require_POST
def resolution_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _changeable_meeting(request, pk)
    form = ResolutionForm(request.POST, topics=meeting.topics.order_by("id"))
    if form.is_valid():
        done = submit_once(
            request,
            form,
            lambda data: services.resolution_add(actor=request.user, meeting=meeting, **data),
            to=reverse("councils:meeting_detail", args=[meeting.pk]),
            success=_("The resolution was recorded."),
        )
        if done:
            return done
    return _form_page(request, form, title=_("Record a resolution"), meeting=meeting)


def _changeable_resolution(request: HttpRequest, pk: int) -> Resolution:
    resolution = get_object_or_404(
        Resolution.objects.restrict(request.user, VIEW).select_related("meeting__area", "topic"), pk=pk
    )
    if not _may_change(request, Resolution, pk):
        raise PermissionDenied
    return resolution


def resolution_task(request: HttpRequest, pk: int) -> HttpResponse:
    resolution = _changeable_resolution(request, pk)
    meeting = resolution.meeting
    form = TaskForm(
        request.POST or None,
        areas=selectors.follow_up_areas(request.user, meeting),
        owners=selectors.possible_owners(meeting),
        initial={
            "area": meeting.area_id,
            "title": resolution.topic.title if resolution.topic else "",
            "description": resolution.text,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            task = services.resolution_make_task(
                actor=request.user, resolution=resolution, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The council task was created."))
            return redirect("councils:task_detail", pk=task.pk)
    return _form_page(
        request, form, title=_("Make the resolution a task"), meeting=meeting, back=resolution.text
    )


def resolution_case(request: HttpRequest, pk: int) -> HttpResponse:
    resolution = _changeable_resolution(request, pk)
    meeting = resolution.meeting
    form = CaseForm(
        request.POST or None,
        areas=selectors.follow_up_areas(request.user, meeting),
        owners=selectors.possible_owners(meeting, ("cogov.view", "case.view")),
        initial={"area": meeting.area_id, "title": resolution.topic.title if resolution.topic else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.resolution_make_case(actor=request.user, resolution=resolution, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The resolution was reported as a case."))
            return redirect("councils:meeting_detail", pk=meeting.pk)
    return _form_page(
        request, form, title=_("Report the resolution as a case"), meeting=meeting, back=resolution.text
    )


def task_list(request: HttpRequest) -> HttpResponse:
    _require(request, "cogov.view")
    form = TaskFilterForm(request.GET or None)
    found = selectors.tasks(request.user)
    filters = {"q": "", "mine": False, "show": "open"}
    if form.is_valid():
        filters |= {key: value for key, value in form.cleaned_data.items() if value}
    found = selectors.filter_tasks(found, user=request.user, **filters)
    page = Paginator(found.order_by("deadline", "id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "councils/task_list.html", {"form": form, "page_obj": page, "show": filters["show"]}
    )


def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(
        selectors.tasks(request.user).select_related("resolution__topic", "created_by"), pk=pk
    )
    may_change = _may_change(request, Task, pk)
    return render(
        request,
        "councils/task_detail.html",
        {
            "task": task,
            "events": task.events.select_related("actor").order_by("created_at", "id"),
            "may_complete": task.state == "open" and (may_change or task.owner_id == request.user.pk),
            "may_cancel": task.state == "open" and may_change,
            "complete_form": TaskCompleteForm(),
            "cancel_form": TaskCancelForm(),
        },
    )


def _task_action(request: HttpRequest, pk: int, form_class, action, *, title: str, done: str):
    task = get_object_or_404(Task.objects.restrict(request.user, VIEW), pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(actor=request.user, task=task, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("councils:task_detail", pk=task.pk)
    return _form_page(request, form, title=title, back=task.title)


@require_POST
def task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _task_action(
        request,
        pk,
        TaskCompleteForm,
        services.task_complete,
        title=_("Mark the task done"),
        done=_("The task was marked done."),
    )


@require_POST
def task_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _task_action(
        request,
        pk,
        TaskCancelForm,
        services.task_cancel,
        title=_("Cancel the task"),
        done=_("The task was cancelled."),
    )
