from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.messages.views import SuccessMessageMixin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from apps.core.api.errors import error_body


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You have signed out."))
        return response


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("core:home")
    success_message = gettext_lazy("Your password has been changed.")


def locked_out(request: HttpRequest, response=None, credentials=None) -> HttpResponse:
    """What django-axes answers once a username has failed too often from one address."""
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    message = ngettext(
        "Too many failed sign-in attempts. Please wait %(minutes)d minute and try again.",
        "Too many failed sign-in attempts. Please wait %(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}
    if request.path_info.startswith("/api/"):
        return JsonResponse(error_body(code="locked_out", message=message), status=429)
    context = {"form": AuthenticationForm(request), "locked_out_message": message}
    return render(request, "accounts/login.html", context, status=429)
