"""The staff's case pages: the inbox, a case's page with the actions the user may take now, the whistle and
supervision forms, the supervision overview, and the case's photos and files.

Every lookup starts from `Case.objects.restrict`, so a case out of scope answers exactly like a missing
one (404). Each action form posts to a view that calls one service and goes back to the case page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.scope import user_scope
from apps.areas.models import Area
from apps.areas.selectors import area_paths, area_roots
from apps.core.forms import add_service_errors
from apps.core.uploads import served
from apps.departments.models import Department
from apps.dispatch import selectors as dispatch_selectors
from apps.dispatch.choices import ACTIVE_ORDER_STATUSES, WHISTLE_KINDS
from apps.dispatch.display import policy_text
from apps.dispatch.services import acting_area, case_dispatch, policy_for, whistle_blow
from apps.dispatch.services import supervise as supervise_case
from apps.workcalendar.choices import Clock
from apps.workcalendar.clock import CalendarDays, due_time

from . import display, selectors, services
from .choices import AttachmentKind, CaseAction
from .forms import (
    ConfirmForm,
    DispatchForm,
    InboxFilterSet,
    MergeForm,
    NoteForm,
    RateForm,
    ReasonForm,
    ResolveForm,
    SendBackForm,
    SuperviseForm,
    VerifyForm,
    WhistleForm,
)
from .intake import serving_departments
from .models import Case, CaseAttachment, Category
from .states import ConflictError

PAGE_SIZE = 50
SHORT_LIST = 20
ALL = "all"
# The street and community staff's inbox tabs, in the order of the work.
BUCKETS = {
    "to_accept": gettext_lazy("to accept"),
    "to_dispatch": gettext_lazy("to dispatch"),
    "waiting": gettext_lazy("waiting on departments"),
    "warnings": gettext_lazy("warnings"),
    "overdue": gettext_lazy("overdue"),
    "escalated": gettext_lazy("escalated to me"),
    "to_verify": gettext_lazy("to verify"),
    "to_close": gettext_lazy("to close"),
}
# due_time reads the work calendar a few weeks past a deadline's due date: loading that much once makes
# the explanations of every deadline on a page cost one query.
CALENDAR_READ_AHEAD = timedelta(days=31)


def _visible(user):
    return Case.objects.restrict(user)


def get_case(request: HttpRequest, pk: int) -> Case:
    return get_object_or_404(
        _visible(request.user).select_related(
            "category__parent", "area", "lead_department", "merged_into", "leader_claimed_by"
        ),
        pk=pk,
    )


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def perform(
    request: HttpRequest,
    form: forms.Form,
    *,
    run: Callable[[dict], object],
    done: str,
    back: str,
    invalid: Callable[[], HttpResponse],
) -> HttpResponse:
    """The one path of every action form: parse, call the one service, and go `back`.

    A conflict (someone acted first, or the case moved on) comes back as an error message; any other
    refusal shows the form again (`invalid`) with its input and the service's errors on its fields. A form
    with nothing to fill in has nothing to show again: its errors come back as messages too.
    """
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ConflictError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(back)
        except ValidationError as error:
            if not form.fields:
                for message in error.messages:
                    messages.error(request, message)
                return redirect(back)
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(back)
    return invalid()


# The inbox


def _area_choices(user) -> list[tuple]:
    """The user's top areas and the areas just below them (any other visible area is still accepted)."""
    roots = list(area_roots(user).order_by("code"))
    below = Area.objects.restrict(user).filter(parent__in=roots, is_active=True).order_by("code")
    offered = sorted([*roots, *below], key=lambda area: area.code)
    return [("", _("all my areas")), *((area.pk, area.name) for area in offered)]


def _category_choices() -> list[tuple]:
    """The category tree as one list, subcategories indented under their parents."""
    categories = list(Category.objects.filter(is_active=True))
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)
    choices: list[tuple] = [("", _("any category"))]
    for root in children.get(None, []):
        choices.append((root.pk, root.name))
        choices.extend((child.pk, f"\N{EM SPACE}{child.name}") for child in children.get(root.pk, []))
    return choices


def inbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user_scope(user).allows("case.view"):
        raise PermissionDenied
    bucket = request.GET.get("bucket", ALL)
    if bucket not in BUCKETS:
        bucket = ALL
    if bucket == ALL:
        cases = _visible(user).select_related("category", "area", "lead_department")
        if not request.GET.getlist("status"):
            # Without a chosen status the tab lists the cases still being worked on; the history of
            # closed and rejected cases is one status filter away.
            cases = cases.open()
    else:
        cases = selectors.case_inbox(user, bucket)
    filters = InboxFilterSet(request.GET, queryset=cases, request=request)
    filters.form.fields["area"].widget.choices = _area_choices(user)
    filters.form.fields["category"].widget.choices = _category_choices()
    page = Paginator(selectors.with_alerts(filters.qs), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.case_inbox_counts(user)
    context = {
        "tabs": [(name, label, counts[name]) for name, label in BUCKETS.items()],
        "bucket": bucket,
        "filters": filters,
        "page_obj": page,
        "may_supervise": user_scope(user).allows("case.supervise"),
    }
    return render(request, "cases/inbox.html", context)


# The case page


@dataclass(frozen=True)
class PageAction:
    """An action of the case page: its form (built from the request and the case) and its one service."""

    form: Callable[..., forms.Form]
    run: Callable[[HttpRequest, Case, dict], object]
    done: str


def _merge_form(request, case, **kwargs):
    return MergeForm(cases=_visible(request.user).exclude(pk=case.pk), **kwargs)


def _dispatch_form(request, case, **kwargs):
    return DispatchForm(departments=serving_departments(request.user, case.area), **kwargs)


def _simple(form_class):
    return lambda _request, _case, **kwargs: form_class(**kwargs)


CASE_ACTIONS: dict[str, PageAction] = {
    CaseAction.ACCEPT: PageAction(
        _simple(ConfirmForm),
        lambda request, case, _data: services.case_accept(case=case, actor=request.user),
        gettext_lazy("The case has been accepted."),
    ),
    CaseAction.REJECT: PageAction(
        _simple(ReasonForm),
        lambda request, case, data: services.case_reject(
            case=case, actor=request.user, reason=data["reason"]
        ),
        gettext_lazy("The case has been rejected."),
    ),
    CaseAction.HANDLE_IN_GRID: PageAction(
        _simple(NoteForm),
        lambda request, case, data: services.case_handle_in_grid(
            case=case, actor=request.user, note=data["note"]
        ),
        gettext_lazy("The case has been assigned to its grid."),
    ),
    CaseAction.DISPATCH: PageAction(
        _dispatch_form,
        lambda request, case, data: case_dispatch(
            case=case, department=data["department"], actor=request.user, instructions=data["instructions"]
        ),
        gettext_lazy("The case has been dispatched."),
    ),
    CaseAction.RESOLVE: PageAction(
        _simple(ResolveForm),
        lambda request, case, data: services.case_resolve_in_grid(
            case=case, actor=request.user, account=data["account"], photos=data["photos"]
        ),
        gettext_lazy("The resolution has been recorded."),
    ),
    CaseAction.VERIFY: PageAction(
        _simple(VerifyForm),
        lambda request, case, data: services.case_verify(
            case=case, actor=request.user, passed=True, note=data["note"], photos=data["photos"]
        ),
        gettext_lazy("The case has been verified on site."),
    ),
    CaseAction.SEND_BACK: PageAction(
        _simple(SendBackForm),
        lambda request, case, data: services.case_verify(
            case=case, actor=request.user, passed=False, note=data["note"]
        ),
        gettext_lazy("The case has been sent back to be handled again."),
    ),
    CaseAction.CLOSE: PageAction(
        _simple(NoteForm),
        lambda request, case, data: services.case_close(case=case, actor=request.user, note=data["note"]),
        gettext_lazy("The case has been closed."),
    ),
    CaseAction.RATE: PageAction(
        _simple(RateForm),
        lambda request, case, data: services.case_rate(
            case=case, actor=request.user, rating=data["rating"], comment=data["comment"]
        ),
        gettext_lazy("The resident's verdict has been recorded."),
    ),
    CaseAction.SUSPEND: PageAction(
        _simple(ReasonForm),
        lambda request, case, data: services.case_suspend(
            case=case, actor=request.user, reason=data["reason"]
        ),
        gettext_lazy("The case has been suspended; its deadlines are paused."),
    ),
    CaseAction.RESUME: PageAction(
        _simple(NoteForm),
        lambda request, case, data: services.case_resume(case=case, actor=request.user, note=data["note"]),
        gettext_lazy("The case has been resumed; its deadlines run again."),
    ),
    CaseAction.MERGE: PageAction(
        _merge_form,
        lambda request, case, data: services.case_merge(
            case=case, into=data["into"], actor=request.user, note=data["note"]
        ),
        gettext_lazy("The case has been merged."),
    ),
    CaseAction.LEADER_CLAIM: PageAction(
        _simple(NoteForm),
        lambda request, case, data: services.case_leader_claim(
            case=case, actor=request.user, note=data["note"]
        ),
        gettext_lazy("You have claimed this case."),
    ),
}


def _explained(deadlines: list) -> list[tuple]:
    """Each deadline with the lines of its calendar arithmetic."""
    if not deadlines:
        return []
    days = None
    if any(deadline.clock == Clock.WORKING for deadline in deadlines):
        first = min(timezone.localdate(deadline.counted_from) for deadline in deadlines)
        last = max(timezone.localdate(deadline.due_at) for deadline in deadlines) + CALENDAR_READ_AHEAD
        days = CalendarDays.load(first, last)
    return [
        (
            deadline,
            due_time(
                start=deadline.counted_from,
                minutes=max(deadline.minutes + deadline.extended_minutes - deadline.counted_minutes, 0),
                clock=deadline.clock,
                days=days,
            ).explanation(),
        )
        for deadline in deadlines
    ]


def _order_forms(request: HttpRequest, order, actions: set[str], bound: dict) -> dict[str, forms.Form]:
    from apps.dispatch.views import ORDER_FORMS  # noqa: PLC0415 - the dispatch pages build on these

    made = {}
    for action in actions:
        if action not in ORDER_FORMS:
            continue
        key = order_form_key(order, action)
        made[action] = bound.pop(key, None) or ORDER_FORMS[action](request, order, prefix=key)
    return made


def order_form_key(order, action: str) -> str:
    """The prefix of an order's action form on the case page, so that each order's fields are its own."""
    return f"order{order.pk}-{action}"


def case_page(request: HttpRequest, case: Case, *, bound: dict | None = None) -> HttpResponse:
    """The case page; `bound` holds a refused form by its prefix, shown again with its input and errors."""
    user = request.user
    bound = dict(bound or {})
    now = timezone.now()
    events = list(case.events.select_related("actor").prefetch_related("attachments"))
    ids = display.department_ids(events)
    names = dict(Department.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    attachments = [attachment for event in events for attachment in event.attachments.all()]

    actions = selectors.case_actions(user, case)
    case_forms = {
        action: bound.pop(action, None) or CASE_ACTIONS[action].form(request, case, prefix=action)
        for action in actions
        if action in CASE_ACTIONS
    }
    orders = []
    for order in dispatch_selectors.case_orders(case):
        order_actions = dispatch_selectors.order_actions(user, order, now=now)
        orders.append((order, order_actions, _order_forms(request, order, order_actions, bound)))
    # A refused form this user is no longer offered (the case moved on meanwhile): its errors as messages.
    for form in bound.values():
        for error in form.non_field_errors() or [e for errors in form.errors.values() for e in errors]:
            messages.error(request, error)

    scope = user_scope(user)
    sees_reporter = scope.unrestricted or "case.view" in scope.permissions_over(
        [*case.area.ancestor_ids, case.area_id]
    )
    context = {
        "case": case,
        "ancestors": area_paths(user, [case.area])[case.area.pk],
        "sees_reporter": sees_reporter,
        "photos": [a for a in attachments if a.kind == AttachmentKind.PHOTO],
        "files": [a for a in attachments if a.kind == AttachmentKind.FILE],
        "timeline": [(event, display.details(event, names)) for event in events],
        "actions": actions,
        "forms": case_forms,
        "orders": orders,
        "deadlines": _explained(dispatch_selectors.case_deadlines(case)),
        "now": now,
    }
    return render(request, "cases/detail.html", context)


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return case_page(request, get_case(request, pk))


@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    case = get_case(request, pk)
    page_action = CASE_ACTIONS.get(action)
    if page_action is None:
        raise Http404
    form = page_action.form(request, case, data=request.POST, files=request.FILES, prefix=action)
    return perform(
        request,
        form,
        run=lambda data: page_action.run(request, case, data),
        done=page_action.done,
        back=reverse("cases:detail", args=[case.pk]),
        invalid=lambda: case_page(request, case, bound={action: form}),
    )


def attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    """A case's photo or file, only for those who see the case: never a link into MEDIA_URL."""
    item = get_object_or_404(
        CaseAttachment.objects.filter(case__in=_visible(request.user)), pk=attachment_id, case_id=pk
    )
    return served(item, as_attachment=item.kind == AttachmentKind.FILE)


# The whistle and supervision forms


def _not_now(request: HttpRequest, case: Case, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("cases:detail", pk=case.pk)


def _whistle_limits(user, case: Case) -> dict[str, str]:
    """What each kind of whistle would demand of the departments, from the policies in force."""
    level = acting_area(user, case, "case.whistle").level
    limits = {}
    for kind in WHISTLE_KINDS:
        try:
            limits[kind] = policy_text(
                policy_for(kind=kind, category=case.category, level=level), whistle=True
            )
        except ValidationError as error:
            limits[kind] = " ".join(error.messages)
    return limits


def whistle(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(request, pk)
    if CaseAction.WHISTLE not in selectors.case_actions(request.user, case):
        return _not_now(request, case, _("You cannot blow a whistle on this case now."))
    form = WhistleForm(_posted(request), departments=serving_departments(request.user, case.area))

    def show() -> HttpResponse:
        limits = _whistle_limits(request.user, case)
        kinds = [(option, limits[option.data["value"]]) for option in form["kind"]]
        return render(request, "cases/whistle.html", {"case": case, "form": form, "kinds": kinds})

    if request.method != "POST":
        return show()
    return perform(
        request,
        form,
        run=lambda data: whistle_blow(
            case=case,
            kind=data["kind"],
            departments=list(data["departments"]),
            actor=request.user,
            reason=data["reason"],
            lead=data["lead"],
        ),
        done=_("The whistle has been blown: the departments have been told to check in."),
        back=reverse("cases:detail", args=[case.pk]),
        invalid=show,
    )


def supervise(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_case(request, pk)
    if CaseAction.SUPERVISE not in selectors.case_actions(request.user, case):
        return _not_now(request, case, _("You cannot supervise this case now."))
    orders = case.orders.filter(status__in=ACTIVE_ORDER_STATUSES).select_related("department")
    form = SuperviseForm(_posted(request), orders=orders)

    def show() -> HttpResponse:
        return render(request, "cases/supervise.html", {"case": case, "form": form})

    if request.method != "POST":
        return show()
    return perform(
        request,
        form,
        run=lambda data: supervise_case(
            case=case, actor=request.user, level=data["level"], note=data["note"], order=data["order"]
        ),
        done=_("The supervision has been issued."),
        back=reverse("cases:detail", args=[case.pk]),
        invalid=show,
    )


def supervision(request: HttpRequest) -> HttpResponse:
    """For superiors: the supervisions issued in their areas, and the cases that may need one."""
    user = request.user
    if not user_scope(user).allows("case.supervise"):
        raise PermissionDenied
    supervisions = dispatch_selectors.supervisions_visible(user)
    counts = selectors.case_inbox_counts(user)
    context = {
        "page_obj": Paginator(supervisions, PAGE_SIZE).get_page(request.GET.get("page")),
        "lists": [
            (
                bucket,
                BUCKETS[bucket],
                counts[bucket],
                list(selectors.with_alerts(selectors.case_inbox(user, bucket))[:SHORT_LIST]),
            )
            for bucket in ("overdue", "escalated")
        ],
    }
    return render(request, "cases/supervision.html", context)
