"""The admin of integration clients: register a system, issue, rotate and revoke its keys, read its calls.

Only superusers manage clients (the services refuse anyone else). A new key is shown once, on the page
that answers the action, and never again: only its prefix and keyed hash are stored.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from apps.core.admin import ServiceAdminMixin, SuperusersOnlyAdmin

from . import services
from .models import ApiCall, ApiKey, IntegrationClient
from .scopes import KeyScope


class ClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=KeyScope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = IntegrationClient
        fields = ["name", "code", "area", "scopes", "rate_limit", "description", "contact", "is_active"]


@admin.register(IntegrationClient)
class IntegrationClientAdmin(SuperusersOnlyAdmin, ServiceAdminMixin, admin.ModelAdmin):
    form = ClientForm
    list_display = ["name", "code", "area", "scope_list", "rate_limit", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["area"]
    raw_id_fields = ["area"]
    change_form_template = "integrations/admin/client_change_form.html"

    def has_delete_permission(self, request, obj=None):
        # Clients are deactivated, never deleted: their calls and the cases they reported stay readable.
        return False

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # The keys are listed under the form (the template), each with its rotate and revoke buttons.
        keys = ApiKey.objects.filter(client_id=object_id).select_related("created_by", "revoked_by")
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "keys": keys})

    @admin.display(description=_("scopes"))
    def scope_list(self, client):
        return ", ".join(client.scope_labels())

    def save_through_service(self, request, obj, form, change):
        data = form.cleaned_data
        common = {
            "actor": request.user,
            "name": data["name"],
            "area": data["area"],
            "scopes": data["scopes"],
            "rate_limit": data["rate_limit"],
            "description": data["description"],
            "contact": data["contact"],
        }
        if change:
            services.client_update(client=obj, is_active=data["is_active"], **common)
        else:
            created = services.client_register(code=data["code"], **common)
            obj.pk = created.pk

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:client_id>/keys/issue/", view(self.key_issue_view), name="integrations_key_issue"),
            path("keys/<int:key_id>/rotate/", view(self.key_rotate_view), name="integrations_key_rotate"),
            path("keys/<int:key_id>/revoke/", view(self.key_revoke_view), name="integrations_key_revoke"),
            *super().get_urls(),
        ]

    def _shown_once(self, request, key, raw):
        return TemplateResponse(
            request,
            "integrations/admin/key_issued.html",
            {
                **self.admin_site.each_context(request),
                "title": _("New API key"),
                "client": key.client,
                "key": key,
                "raw": raw,
                "opts": self.model._meta,
                "back": reverse("admin:integrations_integrationclient_change", args=[key.client_id]),
            },
        )

    def _refused(self, request, error: ValidationError, client_id):
        for message in error.messages:
            self.message_user(request, message, level=messages.ERROR)
        return redirect("admin:integrations_integrationclient_change", client_id)

    @staticmethod
    def _superuser_only(request):
        if not request.user.is_superuser:
            raise admin.sites.PermissionDenied

    def key_issue_view(self, request, client_id):
        return require_POST(self._key_issue)(request, client_id)

    def _key_issue(self, request, client_id):
        self._superuser_only(request)
        client = get_object_or_404(IntegrationClient, pk=client_id)
        try:
            key, raw = services.key_issue(actor=request.user, client=client)
        except ValidationError as error:
            return self._refused(request, error, client.pk)
        return self._shown_once(request, key, raw)

    def key_rotate_view(self, request, key_id):
        return require_POST(self._key_rotate)(request, key_id)

    def _key_rotate(self, request, key_id):
        self._superuser_only(request)
        key = get_object_or_404(ApiKey, pk=key_id)
        try:
            new_key, raw = services.key_rotate(actor=request.user, key=key)
        except ValidationError as error:
            return self._refused(request, error, key.client_id)
        return self._shown_once(request, new_key, raw)

    def key_revoke_view(self, request, key_id):
        return require_POST(self._key_revoke)(request, key_id)

    def _key_revoke(self, request, key_id):
        self._superuser_only(request)
        key = get_object_or_404(ApiKey, pk=key_id)
        try:
            services.key_revoke(actor=request.user, key=key)
        except ValidationError as error:
            return self._refused(request, error, key.client_id)
        self.message_user(request, _("The key %(key)s is revoked.") % {"key": key}, level=messages.SUCCESS)
        return redirect("admin:integrations_integrationclient_change", key.client_id)


@admin.register(ApiCall)
class ApiCallAdmin(SuperusersOnlyAdmin, admin.ModelAdmin):
    list_display = ["at", "client", "method", "path", "status", "duration_ms", "ip"]
    list_filter = ["client", "status", "method"]
    search_fields = ["path"]
    list_select_related = ["client"]
    date_hierarchy = "at"
    list_per_page = 100
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
