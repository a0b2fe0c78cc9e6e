"""The base of every admin page for a scoped model: the same `restrict` as pages and the API, writes
through the services, nothing deleted (history is kept by retiring and revoking instead)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from apps.accounts.scope import CHANGE, VIEW


class ScopedAdmin(admin.ModelAdmin):
    # Foreign keys whose choices are scoped; others keep Django's default choices.
    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, VIEW)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if hasattr(related.objects, "restrict") and "queryset" not in kwargs:
            kwargs["queryset"] = related.objects.restrict(request.user, VIEW)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related = db_field.related_model
        if hasattr(related.objects, "restrict") and "queryset" not in kwargs:
            kwargs["queryset"] = related.objects.restrict(request.user, VIEW)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        # Reading goes by the "view" scope, changing by the narrower "change" scope.
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or self.model.objects.restrict(request.user, CHANGE).filter(pk=obj.pk).exists()

    def has_delete_permission(self, request, obj=None):
        return False


class SuperusersOnlyAdmin:
    """Admin pages of the installation's connections to other systems (integration clients, their code
    tables and webhooks): their rows act without a person behind them, across a client's whole area, so
    only superusers see, add and change them. Read-only pages refuse adding and changing themselves."""

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser


class ServiceAdminMixin:
    """Admin forms whose save calls a service. `save_through_service(request, obj, form, change)` does
    the write; a ValidationError it raises becomes an error message and nothing is saved."""

    def save_through_service(self, request, obj, form, change):
        raise NotImplementedError

    def save_model(self, request, obj, form, change):
        self.save_through_service(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        # The service has written the many-to-many fields itself.
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            # The admin's own transaction has rolled back: nothing was written.
            for message in error.messages:
                self.message_user(request, message, level=messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class ReadOnlyMixin:
    """Rows written only by the services (which check each step and keep the timeline): shown, never
    added, changed or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
