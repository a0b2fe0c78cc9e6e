"""Micro wish pages: the list (the "wishes" tab of party building), posting a wish, a wish with its
timeline and the actions its state allows, and the public wish wall of a community."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.scope import VIEW, user_scope
from apps.areas.choices import AreaLevel
from apps.areas.models import Area
from apps.cases.views import perform
from apps.core.submissions import submit_once
from apps.party.models import PartnerUnit, PartyMember, PartyOrganisation

from . import services
from .choices import WishState
from .forms import ClaimForm, ConfirmForm, FulfilForm, RateForm, WishFilterForm, WishForm, WithdrawForm
from .models import MicroWish, overdue_filter
from .selectors import sees_resident, wall_wishes, wish_list

PAGE_SIZE = 50


def _require(request: HttpRequest, permission: str) -> None:
    if not user_scope(request.user).allows(permission):
        raise PermissionDenied


def wish_list_view(request: HttpRequest) -> HttpResponse:
    _require(request, "cogov.view")
    form = WishFilterForm(request.GET or None)
    wishes = wish_list(request.user)
    today = timezone.localdate()
    if form.is_valid():
        data = form.cleaned_data
        if text := data["q"].strip():
            wishes = wishes.filter(Q(title__icontains=text) | Q(description__icontains=text))
        if data["state"]:
            wishes = wishes.filter(state=data["state"])
        if data["overdue"]:
            wishes = wishes.filter(overdue_filter(today))
    page = Paginator(wishes.order_by("-created_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    for wish in page:
        wish.resident_shown = (
            wish.resident_name if sees_resident(request.user, wish) else wish.resident_masked
        )
        wish.overdue = wish.overdue_on(today)
    return render(
        request,
        "wishes/list.html",
        {"form": form, "page_obj": page, "may_create": user_scope(request.user).allows("cogov.change")},
    )


def _wish_areas(request: HttpRequest):
    return (
        Area.objects.holding(request.user, "cogov.change")
        .filter(is_active=True, level__in=services.WISH_LEVELS)
        .order_by("code")
    )


def wish_create_view(request: HttpRequest) -> HttpResponse:
    _require(request, "cogov.change")
    form = WishForm(
        request.POST or None, areas=_wish_areas(request), initial={"area": request.GET.get("area")}
    )
    if request.method == "POST" and form.is_valid():
        done = submit_once(
            request,
            form,
            lambda data: services.wish_post(actor=request.user, **data),
            to=lambda wish: reverse("wishes:detail", args=[wish.pk]),
            success=_("The micro wish was posted."),
        )
        if done:
            return done
    return render(request, "wishes/form.html", {"form": form, "title": _("Post a micro wish")})


@dataclass(frozen=True)
class PageAction:
    form: Callable
    run: Callable
    done: str
    states: tuple[str, ...]


def _claim_form(request, wish, **kwargs) -> ClaimForm:
    def claimants(model):
        return model.objects.restrict(request.user, VIEW).filter(district_id=wish.district_id)

    return ClaimForm(
        members=claimants(PartyMember).order_by("name", "id"),
        organisations=claimants(PartyOrganisation).order_by("area__code", "name"),
        partner_units=claimants(PartnerUnit).order_by("name", "id"),
        **kwargs,
    )


def _plain(form_class) -> Callable:
    """The form of an action that needs nothing of the wish or the user to build."""
    return lambda _request, _wish, **kwargs: form_class(**kwargs)


ACTIONS: dict[str, PageAction] = {
    "claim": PageAction(
        form=_claim_form,
        run=lambda request, wish, form: services.wish_claim(
            actor=request.user,
            wish=wish,
            fulfil_by=form.cleaned_data["fulfil_by"],
            note=form.cleaned_data["note"],
            **form.claimant(),
        ),
        done=gettext_lazy("The claim has been recorded."),
        states=(WishState.POSTED,),
    ),
    "fulfil": PageAction(
        form=_plain(FulfilForm),
        run=lambda request, wish, form: services.wish_fulfil(
            actor=request.user, wish=wish, note=form.cleaned_data["note"]
        ),
        done=gettext_lazy("The wish is recorded as fulfilled."),
        states=(WishState.CLAIMED,),
    ),
    "confirm": PageAction(
        form=_plain(ConfirmForm),
        run=lambda request, wish, form: services.wish_confirm(
            actor=request.user, wish=wish, note=form.cleaned_data["note"]
        ),
        done=gettext_lazy("The wish is confirmed."),
        states=(WishState.FULFILLED,),
    ),
    "rate": PageAction(
        form=_plain(RateForm),
        run=lambda request, wish, form: services.wish_rate(
            actor=request.user,
            wish=wish,
            rating=form.cleaned_data["rating"],
            thanks=form.cleaned_data["thanks"],
        ),
        done=gettext_lazy("The resident's thanks or rating has been recorded."),
        states=(WishState.CONFIRMED,),
    ),
    "withdraw": PageAction(
        form=_plain(WithdrawForm),
        run=lambda request, wish, form: services.wish_withdraw(
            actor=request.user, wish=wish, reason=form.cleaned_data["reason"]
        ),
        done=gettext_lazy("The wish has been withdrawn."),
        states=(WishState.POSTED, WishState.CLAIMED),
    ),
}


def _get_wish(request: HttpRequest, pk: int) -> MicroWish:
    return get_object_or_404(wish_list(request.user).select_related("created_by", "community"), pk=pk)


def _available(wish: MicroWish, may_change: bool) -> list[str]:
    if not may_change:
        return []
    return [
        name
        for name, action in ACTIONS.items()
        if wish.state in action.states and not (name == "rate" and wish.rated_at is not None)
    ]


def _detail_page(request: HttpRequest, wish: MicroWish, bound: dict | None = None, status: int = 200):
    may_change = sees_resident(request.user, wish)
    available = _available(wish, may_change)
    bound = bound or {}
    forms = {name: bound.get(name) or ACTIONS[name].form(request, wish, prefix=name) for name in available}
    context = {
        "wish": wish,
        "resident_shown": wish.resident_name if may_change else wish.resident_masked,
        "may_change": may_change,
        "forms": forms,
        "events": wish.events.select_related("actor"),
    }
    return render(request, "wishes/detail.html", context, status=status)


def wish_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _get_wish(request, pk))


@require_POST
def wish_act_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    wish = _get_wish(request, pk)
    page_action = ACTIONS.get(action)
    if page_action is None:
        raise Http404
    if not sees_resident(request.user, wish):
        raise PermissionDenied
    form = page_action.form(request, wish, data=request.POST, prefix=action)
    return perform(
        request,
        form,
        run=lambda _data: page_action.run(request, wish, form),
        done=page_action.done,
        back=reverse("wishes:detail", args=[wish.pk]),
        invalid=lambda: _detail_page(request, wish, bound={action: form}, status=400),
    )


@login_not_required
@require_GET
def wish_wall_view(request: HttpRequest, code: str) -> HttpResponse:
    """A community's unclaimed wishes, for anyone: masked names, no internal fields."""
    community = get_object_or_404(Area, code=code, level=AreaLevel.COMMUNITY, is_active=True)
    page = Paginator(wall_wishes(community), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "wishes/wall.html", {"community": community, "page_obj": page})
