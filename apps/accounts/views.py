from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.forms import PasswordChangeForm, RoleGrantForm, UserCreateForm
from apps.accounts.models import RoleAssignment, User
from apps.accounts.roles import ROLE_LEVELS
from apps.accounts.scope import CHANGE, VIEW, user_scope
from apps.accounts.services import role_grant, role_revoke, user_create_with_role
from apps.accounts.session import clear_signed_in, mark_signed_in
from apps.areas.models import Area
from apps.areas.selectors import area_search
from apps.core.forms import add_service_errors
from apps.departments.models import Department

PAGE_SIZE = 50
AREA_SUGGESTIONS = 20


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        mark_signed_in(response)
        return response


@method_decorator(login_not_required, name="dispatch")
class LogoutView(auth_views.LogoutView):
    """Open to everyone: signing out of a session that already expired still ends on the login page."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You have signed out."))
        clear_signed_in(response)
        return response


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("core:home")
    success_message = gettext_lazy("Your password has been changed.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


# Users and roles: the pages of scoped administrators ("role.change"). A user is in an admin's sight when
# one of their roles is; other users answer "not found".


def _require_role_admin(request: HttpRequest) -> None:
    if not user_scope(request.user).allows("role.change"):
        raise PermissionDenied


def _role_form_kwargs(request: HttpRequest) -> dict:
    return {
        "areas": Area.objects.restrict(request.user, VIEW).filter(is_active=True),
        "departments": Department.objects.restrict(request.user, CHANGE).filter(is_active=True),
    }


def user_list(request: HttpRequest) -> HttpResponse:
    _require_role_admin(request)
    text = request.GET.get("q", "").strip()[:100]
    users = User.objects.restrict(request.user, VIEW)
    if text:
        users = users.filter(Q(username__icontains=text) | Q(full_name__icontains=text))
    roles = RoleAssignment.objects.active().restrict(request.user, VIEW).select_related("area", "department")
    users = users.prefetch_related(Prefetch("roles", queryset=roles, to_attr="active_roles"))
    page = Paginator(users.order_by("username"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page_obj": page, "q": text})


def user_create_view(request: HttpRequest) -> HttpResponse:
    _require_role_admin(request)
    form = UserCreateForm(request.POST or None, **_role_form_kwargs(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = user_create_with_role(
                actor=request.user,
                username=data["username"],
                password=data["password"],
                full_name=data["full_name"],
                role=data["role"],
                area=data["area"],
                department=data["department"],
                is_full_time=data["is_full_time"],
                leader_kind=data["leader_kind"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The account %(username)s was created.") % {"username": user.username}
            )
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


def _user_detail_page(request: HttpRequest, target: User, form: RoleGrantForm) -> HttpResponse:
    roles = (
        RoleAssignment.objects.restrict(request.user, VIEW)
        .filter(user=target)
        .select_related("area", "department", "granted_by", "revoked_by")
        .order_by(F("revoked_at").desc(nulls_first=True), "-granted_at")
    )
    revocable = set(
        RoleAssignment.objects.active()
        .restrict(request.user, CHANGE)
        .filter(user=target)
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "accounts/user_detail.html",
        {"target": target, "roles": roles, "revocable": revocable, "form": form},
    )


def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_role_admin(request)
    target = get_object_or_404(User.objects.restrict(request.user, VIEW), pk=pk)
    return _user_detail_page(request, target, RoleGrantForm(**_role_form_kwargs(request)))


@require_POST
def role_grant_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_role_admin(request)
    target = get_object_or_404(User.objects.restrict(request.user, VIEW), pk=pk)
    form = RoleGrantForm(request.POST, **_role_form_kwargs(request))
    if form.is_valid():
        data = form.cleaned_data
        try:
            assignment = role_grant(
                actor=request.user,
                user=target,
                role=data["role"],
                area=data["area"],
                department=data["department"],
                is_full_time=data["is_full_time"],
                leader_kind=data["leader_kind"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(user)s is now %(role)s of %(place)s.")
                % {
                    "user": target.display_name,
                    "role": assignment.get_role_display(),
                    "place": assignment.place,
                },
            )
            return redirect("accounts:user_detail", pk=target.pk)
    return _user_detail_page(request, target, form)


@require_POST
def role_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_role_admin(request)
    assignment = get_object_or_404(
        RoleAssignment.objects.restrict(request.user, VIEW).select_related("user"), pk=pk
    )
    if not RoleAssignment.objects.restrict(request.user, CHANGE).filter(pk=pk).exists():
        raise PermissionDenied
    try:
        role_revoke(actor=request.user, assignment=assignment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The role has been revoked."))
    if User.objects.restrict(request.user, VIEW).filter(pk=assignment.user_id).exists():
        return redirect("accounts:user_detail", pk=assignment.user_id)
    return redirect("accounts:user_list")


def area_options(request: HttpRequest) -> HttpResponse:
    """Suggestions for the area code field: the admin's areas of the levels the chosen role is held for."""
    _require_role_admin(request)
    text = request.GET.get("area", "").strip()[:100]
    levels = ROLE_LEVELS.get(request.GET.get("role", "")) or ()
    areas = []
    if text and levels:
        areas = area_search(request.user, text).filter(level__in=levels)[:AREA_SUGGESTIONS]
    return render(request, "accounts/includes/area_options.html", {"areas": areas})
