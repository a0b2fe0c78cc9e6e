from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.accounts.scope import CHANGE
from apps.core.admin import ScopedAdmin, ServiceAdminMixin

from .models import RoleAssignment, User
from .services import role_grant, role_revoke


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "email", "is_active", "is_staff", "last_login"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["full_name", "email"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "full_name", "password1", "password2"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user)

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser hands out administration rights or Django permissions.
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return ["is_staff", "is_superuser", "groups", "user_permissions", "last_login", "date_joined"]

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or User.objects.restrict(request.user, CHANGE).filter(pk=obj.pk).exists()


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ServiceAdminMixin, ScopedAdmin):
    list_display = ["user", "role", "area", "department", "is_full_time", "granted_at", "revoked_at"]
    list_filter = ["role", "is_full_time", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__username", "user__full_name", "area__name", "department__name"]
    list_select_related = ["user", "area", "department"]
    raw_id_fields = ["user", "area", "department"]
    fields = ["user", "role", "area", "department", "is_full_time", "leader_kind"]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_through_service(self, request, obj, form, change):
        created = role_grant(actor=request.user, **form.cleaned_data)
        obj.pk = created.pk

    @admin.action(description=_("Revoke the selected roles"))
    def revoke(self, request, queryset):
        revoked = 0
        for assignment in queryset.filter(revoked_at__isnull=True):
            try:
                role_revoke(actor=request.user, assignment=assignment)
            except ValidationError as error:
                self.message_user(request, "; ".join(error.messages), level=messages.ERROR)
                return
            revoked += 1
        self.message_user(request, _("%(count)d roles revoked.") % {"count": revoked})
