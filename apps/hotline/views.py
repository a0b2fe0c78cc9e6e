"""The staff's hotline pages: the triage queue, the received orders, one order with the forms to map it by
hand or reject it, the place search of the mapping form, and the navigation's count of waiting orders.

Every lookup starts from `restrict(user, "triage")`: an order outside the user's areas answers 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.scope import user_scope
from apps.areas.models import Area
from apps.areas.selectors import area_paths
from apps.cases.intake_views import area_results
from apps.cases.states import ConflictError
from apps.core.forms import add_service_errors

from . import selectors, services
from .choices import OrderState
from .forms import PageOrderFilterSet, RejectForm, ResolveForm
from .models import HotlineOrder

PAGE_SIZE = 50


def _check_triage(request: HttpRequest) -> None:
    if not user_scope(request.user).allows("case.triage"):
        raise PermissionDenied


def _listing(request: HttpRequest, orders, template: str, extra: dict) -> HttpResponse:
    filters = PageOrderFilterSet(request.GET, queryset=orders)
    page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, template, {"filters": filters, "page_obj": page, **extra})


@require_GET
def triage(request: HttpRequest) -> HttpResponse:
    """The orders waiting to be mapped by hand, in the user's areas."""
    _check_triage(request)
    return _listing(request, selectors.triage_queue(request.user), "hotline/triage.html", {})


@require_GET
def orders(request: HttpRequest) -> HttpResponse:
    """Every order received in the user's areas, with where it stands."""
    _check_triage(request)
    return _listing(request, selectors.staff_orders(request.user), "hotline/orders.html", {})


def _order(request: HttpRequest, pk: int) -> HotlineOrder:
    _check_triage(request)
    return get_object_or_404(selectors.staff_orders(request.user).select_related("resolved_by"), pk=pk)


def order_page(
    request: HttpRequest,
    order: HotlineOrder,
    *,
    resolve_form: ResolveForm | None = None,
    reject_form: RejectForm | None = None,
) -> HttpResponse:
    waiting = order.state == OrderState.TRIAGE
    if resolve_form is None and waiting:
        initial = {"category": order.category_id}
        if order.area_id != order.client.area_id:
            initial["area"] = order.area_id
        resolve_form = ResolveForm(user=request.user, initial=initial)
    chosen = _chosen_area(request, resolve_form) if waiting else None
    context = {
        "order": order,
        "ancestors": area_paths(request.user, [order.area])[order.area_id],
        "resolve_form": resolve_form,
        "reject_form": reject_form or (RejectForm() if waiting else None),
        "chosen": chosen,
    }
    return render(request, "hotline/detail.html", context)


def _chosen_area(request: HttpRequest, form: ResolveForm) -> dict | None:
    value = form["area"].value()
    if not value or not str(value).isdigit():
        return None
    area = Area.objects.restrict(request.user).filter(pk=value).first()
    if area is None:
        return None
    return {"area": area, "path": area_paths(request.user, [area])[area.pk]}


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return order_page(request, _order(request, pk))


@require_POST
def resolve(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    form = ResolveForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        try:
            order = services.order_triage_resolve(
                actor=request.user,
                order=order,
                category=data["category"],
                area=data["area"],
                remember=data["remember"],
            )
        except ConflictError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("hotline:detail", pk=order.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Case %(serial)s has been created from the order.") % {"serial": order.case.serial}
            )
            return redirect("hotline:triage")
    return order_page(request, order, resolve_form=form)


@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    order = _order(request, pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.order_triage_reject(actor=request.user, order=order, reason=form.cleaned_data["reason"])
        except ConflictError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("hotline:detail", pk=order.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The order has been rejected."))
            return redirect("hotline:triage")
    return order_page(request, order, reject_form=form)


@require_GET
def areas(request: HttpRequest) -> HttpResponse:
    """Places matching the search box of the mapping form (an htmx fragment)."""
    _check_triage(request)
    return area_results(request, choose="hotline:area", target="#chosen-area")


@require_GET
def area(request: HttpRequest, pk: int) -> HttpResponse:
    """The chosen place of the mapping form: its hidden input and its name (an htmx fragment)."""
    _check_triage(request)
    chosen = get_object_or_404(Area.objects.restrict(request.user).filter(is_active=True), pk=pk)
    context = {"chosen": {"area": chosen, "path": area_paths(request.user, [chosen])[chosen.pk]}}
    return render(request, "hotline/_area_chosen.html", context | {"clear_results": True})


@login_not_required
@never_cache
@require_GET
def badge(request: HttpRequest) -> HttpResponse:
    """The navigation's count of orders waiting for triage (polled like the notifications' badge)."""
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    # Polled every minute by every open page: leave the session's expiry alone (see notifications.badge).
    del request.session
    waiting = selectors.triage_count(request.user) if user_scope(request.user).allows("case.triage") else 0
    return HttpResponse(render_to_string("hotline/_badge.html", {"waiting": waiting}))
