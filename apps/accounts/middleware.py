from django.contrib import messages
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.utils.translation import gettext as _

from apps.accounts.session import SIGNED_IN_COOKIE


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Every page needs a signed-in user unless its view is marked `login_not_required`.

    DRF views authenticate their own requests (session or token) and answer 401; DRF marks them
    `login_required = False`. A visitor who still carries the signed-in marker cookie (set at sign-in,
    removed at sign-out) has outlived their session: they are told so on the login page instead of being
    sent there without a word. The marker outlives the session cookie, which the browser drops at expiry.
    """

    def handle_no_permission(self, request, view_func):
        expired = bool(request.COOKIES.get(SIGNED_IN_COOKIE))
        if expired:
            messages.warning(request, _("Your session has expired. Please sign in again."))
        response = super().handle_no_permission(request, view_func)
        if expired:
            response.delete_cookie(SIGNED_IN_COOKIE)
        return response
