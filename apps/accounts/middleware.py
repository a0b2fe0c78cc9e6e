from django.conf import settings
from django.contrib import messages
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.utils.translation import gettext as _


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Every page needs a signed-in user unless its view is marked `login_not_required`.

    The API authenticates its own requests (session or token) and answers 401, so it is left to DRF.
    A request that still carries a session cookie has outlived its session: it is told so on the login
    page instead of being sent there without a word.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

    def handle_no_permission(self, request, view_func):
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            messages.warning(request, _("Your session has expired. Please sign in again."))
        return super().handle_no_permission(request, view_func)
