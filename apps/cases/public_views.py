"""一键达: the printable QR codes of a place (staff), and the pages residents reach without an account:
the report page of a report point, the thank-you page, the follow page and the rating page.

Residents' pages are found by unguessable tokens only; an unknown token answers 404. They never show who
on the staff did what, nor anyone's phone number.
"""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.throttling import BaseThrottle

from apps.areas.choices import AreaLevel
from apps.areas.models import Area
from apps.core.forms import add_service_errors

from .choices import CaseStatus, Rating
from .intake import holds
from .models import Case, ReportPoint
from .public import POINT_LEVELS, ThrottledError, public_timeline, report_points_for, resident_report
from .public_forms import RatingForm, ResidentReportForm, subcategories, top_categories
from .services import case_rate

QR_PAGE_SIZE = 48
# A point's code never changes: drawing it (a few milliseconds each) is done once, not on every print.
QR_CACHE_SECONDS = 7 * 24 * 3600


def report_url(point: ReportPoint) -> str:
    return settings.GRIDGOV_BASE_URL.rstrip("/") + reverse("public:report", args=[point.token])


def qr_image(url: str) -> str:
    """The QR code of `url` as an SVG data URI, for an <img> (the content security policy allows data:)."""
    key = f"report-qr:{url}"
    image = cache.get(key)
    if image is None:
        image = segno.make_qr(url, error="m").svg_data_uri(scale=1, border=2)
        cache.set(key, image, QR_CACHE_SECONDS)
    return image


@require_GET
def qr_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable codes of a community, grid or building, and of each building below it."""
    user = request.user
    area = get_object_or_404(
        Area.objects.restrict(user).filter(is_active=True, level__in=POINT_LEVELS).select_related("parent"),
        pk=pk,
    )
    if not holds(user, "case.view", area):
        raise Http404
    buildings = Area.objects.none()
    if area.level < AreaLevel.BUILDING:
        buildings = (
            Area.objects.restrict(user)
            .filter(is_active=True, level=AreaLevel.BUILDING, **{f"{area.level_field}_id": area.pk})
            .select_related("parent")
            .order_by("code")
        )
    page = Paginator(buildings, QR_PAGE_SIZE).get_page(request.GET.get("page"))
    places = ([area] if page.number == 1 else []) + list(page)
    points = report_points_for(actor=user, areas=places)
    cards = []
    for place in places:
        url = report_url(points[place.pk])
        cards.append({"place": place, "url": url, "image": qr_image(url)})
    return render(request, "cases/public/qr_sheet.html", {"area": area, "cards": cards, "page": page})


def _point(token: str) -> ReportPoint:
    return get_object_or_404(
        ReportPoint.objects.select_related("area"), token=token, is_active=True, area__is_active=True
    )


def _client(request: HttpRequest) -> str:
    # The same address the API throttles count: behind NUM_PROXIES trusted proxies, the entry of
    # X-Forwarded-For they added, which the client cannot forge.
    return BaseThrottle().get_ident(request)


def _place_names(area: Area) -> list[str]:
    """The place from the street down, as residents know it."""
    above = Area.objects.filter(pk__in=area.ancestor_ids, level__gte=AreaLevel.STREET).order_by("level")
    return [*above.values_list("name", flat=True), area.name]


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, token: str) -> HttpResponse:
    point = _point(token)
    posted = request.method == "POST"
    form = ResidentReportForm(request.POST if posted else None, request.FILES if posted else None)
    status = 200
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            case = resident_report(
                point=point,
                client=_client(request),
                category=data["category"],
                description=data["description"],
                photos=[data["photo"]] if data["photo"] else [],
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
            )
        except ThrottledError as error:
            form.add_error(None, error)
            status = 429
        except ValidationError as error:
            add_service_errors(form, error, rename={"attachments": "photo"})
        else:
            return redirect("public:thanks", token=case.follow_token)
    top = form.chosen_top()
    context = {
        "point": point,
        "place": _place_names(point.area),
        "form": form,
        "tops": top_categories(),
        "subcategories": subcategories(top),
        "chosen_category": form["category"].value(),
    }
    return render(request, "cases/public/report.html", context, status=status)


@login_not_required
@require_GET
def report_categories(request: HttpRequest) -> HttpResponse:
    """The subcategories of the chosen kind of problem (an htmx fragment of the report page)."""
    value = request.GET.get("top", "")
    top = top_categories().filter(pk=value).first() if value.isdigit() else None
    return render(request, "cases/public/_subcategories.html", {"subcategories": subcategories(top)})


def _case(**token) -> Case:
    return get_object_or_404(Case.objects.select_related("category", "area", "merged_into"), **token)


@login_not_required
@never_cache
@require_GET
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    case = _case(follow_token=token)
    follow = request.build_absolute_uri(reverse("public:track", args=[case.follow_token]))
    return render(request, "cases/public/thanks.html", {"case": case, "follow_url": follow})


@login_not_required
@never_cache
@require_GET
def track(request: HttpRequest, token: str) -> HttpResponse:
    case = _case(follow_token=token)
    context = {
        "case": case,
        "timeline": public_timeline(case),
        "may_rate": case.status == CaseStatus.CLOSED and case.rated_at is None,
    }
    return render(request, "cases/public/track.html", context)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, token: str) -> HttpResponse:
    case = _case(rating_token=token)
    may_rate = case.status == CaseStatus.CLOSED and case.rated_at is None
    posted = request.method == "POST"
    form = RatingForm(request.POST if posted and may_rate else None)
    status = 200
    if posted and not may_rate:
        status = 409
    elif posted and form.is_valid():
        data = form.cleaned_data
        try:
            case = case_rate(case=case, rating=data["rating"], comment=data["comment"], actor=None)
        except ValidationError as error:
            add_service_errors(form, error)
            status = 409
        else:
            if data["rating"] == Rating.DISSATISFIED:
                messages.info(request, _("Thank you. Your case has been reopened and will be handled again."))
            else:
                messages.success(request, _("Thank you for rating how your case was handled."))
            return redirect("public:track", token=case.follow_token)
    context = {"case": case, "form": form, "may_rate": may_rate}
    return render(request, "cases/public/rate.html", context, status=status)
