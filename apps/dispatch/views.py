"""The department handler's pages (the inbox of orders, the resolution form) and the order actions of the
case page: sign for or check in, return, ask for more time; decide an extension, rate a response.

Orders are looked up through `restrict` (a handler's own department's orders, and the orders on the
cases of the user's areas): anything else answers 404. Each action calls one service and goes back to
the case page, or to the inbox it came from.
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.scope import user_scope
from apps.cases.forms import ConfirmForm, ResolveForm
from apps.cases.views import case_page, get_case, order_form_key, perform
from apps.departments.models import Department

from . import selectors, services
from .choices import OrderKind
from .forms import DecideForm, ExtensionForm, RateResponseForm, ReturnForm
from .models import DispatchOrder, ExtensionRequest

PAGE_SIZE = 50
BUCKETS = {
    "to_sign": gettext_lazy("to sign for"),
    "to_check_in": gettext_lazy("to check in"),
    "in_hand": gettext_lazy("in hand"),
    "due_soon": gettext_lazy("due soon"),
    "overdue": gettext_lazy("overdue"),
}


def _return_form(request: HttpRequest, order: DispatchOrder, **kwargs) -> ReturnForm:
    departments = (
        Department.objects.restrict(request.user).filter(is_active=True).exclude(pk=order.department_id)
    )
    return ReturnForm(departments=departments.order_by("level", "name"), **kwargs)


# The forms of the order actions offered on the case page, by the names of `selectors.order_actions`.
ORDER_FORMS = {
    "accept": lambda _request, _order, **kwargs: ConfirmForm(**kwargs),
    "return": _return_form,
    "extend": lambda _request, _order, **kwargs: ExtensionForm(**kwargs),
    "decide": lambda _request, _order, **kwargs: DecideForm(**kwargs),
    "rate": lambda _request, _order, **kwargs: RateResponseForm(**kwargs),
}


def _get_order(request: HttpRequest, pk: int) -> DispatchOrder:
    return get_object_or_404(DispatchOrder.objects.restrict(request.user), pk=pk)


def _back(request: HttpRequest, order: DispatchOrder) -> str:
    """Where to go afterwards: the page the form was on when it says so (the inbox), else the case page."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("cases:detail", args=[order.case_id])


def _order_action(request: HttpRequest, order: DispatchOrder, action: str, run, done: str) -> HttpResponse:
    key = order_form_key(order, action)
    form = ORDER_FORMS[action](request, order, data=request.POST, prefix=key)

    def show() -> HttpResponse:
        return case_page(request, get_case(request, order.case_id), bound={key: form})

    return perform(request, form, run=run, done=done, back=_back(request, order), invalid=show)


# The department handler's inbox


def inbox(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user_scope(user).allows("order.handle"):
        raise PermissionDenied
    counts = selectors.order_inbox_counts(user)
    bucket = request.GET.get("bucket", "")
    if bucket not in BUCKETS:
        # Straight to the work: the first tab with something in it.
        bucket = next((name for name in BUCKETS if counts[name]), next(iter(BUCKETS)))
    orders = selectors.order_inbox(user, bucket).prefetch_related("deadlines")
    context = {
        "tabs": [(name, label, counts[name]) for name, label in BUCKETS.items()],
        "bucket": bucket,
        "page_obj": Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page")),
        "several_departments": len(user_scope(user).departments("order.handle")) != 1,
    }
    return render(request, "dispatch/inbox.html", context)


def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """The department's account of what it did, with photos: a form made for a phone."""
    order = get_object_or_404(
        selectors.own_orders(request.user).select_related("case__area", "case__category", "department"), pk=pk
    )
    posted = request.method == "POST"
    form = ResolveForm(request.POST if posted else None, request.FILES if posted else None)

    def show() -> HttpResponse:
        return render(request, "dispatch/resolve.html", {"order": order, "case": order.case, "form": form})

    if not posted:
        return show()
    return perform(
        request,
        form,
        run=lambda data: services.order_resolve(
            order=order, actor=request.user, account=data["account"], photos=data["photos"]
        ),
        done=_("The resolution has been reported."),
        back=reverse("cases:detail", args=[order.case_id]),
        invalid=show,
    )


# Order actions of the case page


@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    order = _get_order(request, pk)
    done = _("Signed for.") if order.kind == OrderKind.DISPATCH else _("Checked in.")
    return _order_action(
        request, order, "accept", lambda _data: services.order_accept(order=order, actor=request.user), done
    )


@require_POST
def return_order(request: HttpRequest, pk: int) -> HttpResponse:
    order = _get_order(request, pk)
    return _order_action(
        request,
        order,
        "return",
        lambda data: services.order_return(
            order=order,
            actor=request.user,
            grounds=data["grounds"],
            suggested_department=data["suggested_department"],
            suggested_owner=data["suggested_owner"],
        ),
        _("The order has been returned to the level that dispatched it."),
    )


@require_POST
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    order = _get_order(request, pk)
    return _order_action(
        request,
        order,
        "extend",
        lambda data: services.extension_request(
            order=order, actor=request.user, minutes=data["hours"] * 60, reason=data["reason"]
        ),
        _("More time has been asked for; the level that dispatched will decide."),
    )


@require_POST
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    order = _get_order(request, pk)
    return _order_action(
        request,
        order,
        "rate",
        lambda data: services.order_rate_response(
            order=order, actor=request.user, rating=data["rating"], comment=data["comment"]
        ),
        _("The department's response has been rated."),
    )


@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    extension = get_object_or_404(
        ExtensionRequest.objects.filter(
            order__in=DispatchOrder.objects.restrict(request.user)
        ).select_related("order"),
        pk=pk,
    )
    order = extension.order
    return _order_action(
        request,
        order,
        "decide",
        lambda data: services.extension_decide(
            request=extension, actor=request.user, approve=data["decision"] == "approve", note=data["note"]
        ),
        _("The extension has been decided."),
    )
