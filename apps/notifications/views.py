"""The inbox pages: the list of one's own notifications, opening one, marking all read, and the unread
badge of the navigation, which the page shell loads with htmx so that no other page pays its query.

A notification is looked up in the user's own (`restrict`): someone else's answers exactly like a
missing one (404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.scope import VIEW

from . import selectors
from .choices import ShowFilter
from .forms import InboxFilterForm
from .models import Notification
from .services import notification_mark_read, notifications_mark_all_read

PAGE_SIZE = 50


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    unread_only, kind = False, ""
    if form.is_valid():
        unread_only = form.cleaned_data["show"] == ShowFilter.UNREAD
        kind = form.cleaned_data["kind"]
    notifications = selectors.inbox(request.user, unread_only=unread_only, kind=kind)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"form": form, "page_obj": page, "unread": selectors.unread_count(request.user)},
    )


@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification.objects.restrict(request.user, VIEW), pk=pk)
    notification_mark_read(notification=notification, user=request.user)
    return redirect(notification.link or "notifications:inbox")


@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(user=request.user)
    messages.success(request, _("%(count)d notifications marked as read.") % {"count": count})
    return redirect("notifications:inbox")


@login_not_required
@never_cache
@require_GET
def badge(request: HttpRequest) -> HttpResponse:
    # A page left open past the end of its session polls on: 401 makes app.js reload the page, which
    # then leads to the login page, instead of the login page landing inside the badge.
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    # Every open page polls here each minute; with SESSION_SAVE_EVERY_REQUEST that would keep an idle
    # session alive for as long as a tab is open. Without `request.session`, SessionMiddleware leaves the
    # session (and its expiry) as it is.
    del request.session
    unread = selectors.unread_count(request.user)
    # No request context: the navigation's context processor would cost a query per poll.
    return HttpResponse(render_to_string("notifications/_badge.html", {"unread": unread}))
