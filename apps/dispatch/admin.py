"""Admin of the SLA policies (every save writes the next version through `sla_policy_revise`), and
read-only pages of orders, deadlines, whistles, escalations, supervisions and extension requests in the
user's scope. Nothing is deleted."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.accounts.scope import VIEW
from apps.core.admin import ReadOnlyMixin, ScopedAdmin, ServiceAdminMixin

from . import services
from .models import Deadline, DispatchOrder, Escalation, ExtensionRequest, SlaPolicy, Supervision, Whistle


@admin.register(SlaPolicy)
class SlaPolicyAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Every version is listed. Adding writes version 1 of a new line (or the next of an existing one);
    changing writes the next version of that line: the row shown is never edited, and orders keep the
    version they were dispatched under."""

    list_display = [
        "kind",
        "category",
        "level",
        "version",
        "accept_minutes",
        "accept_clock",
        "resolve_minutes",
        "resolve_clock",
        "warn_percents",
        "is_active",
        "created_at",
    ]
    list_filter = ["kind", "is_active", "level"]
    list_select_related = ["category"]
    list_per_page = 50
    fields = [
        "kind",
        "category",
        "level",
        "accept_minutes",
        "accept_clock",
        "resolve_minutes",
        "resolve_clock",
        "warn_percents",
        "note",
        "version",
        "is_active",
        "created_by",
        "created_at",
    ]
    readonly_fields = ["version", "is_active", "created_by", "created_at"]

    def get_readonly_fields(self, request, obj=None):
        # A change is the next version of the same line: kind, category and level stay.
        return [*self.readonly_fields, "kind", "category", "level"] if obj else self.readonly_fields

    # Time limits bind every district: only superusers change them.
    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, obj, form, change):
        data = form.cleaned_data
        # On a change, kind, category and level are read-only: the line is the row's own.
        revised = services.sla_policy_revise(
            actor=request.user,
            kind=obj.kind,
            category=obj.category,
            level=obj.level,
            accept_minutes=data["accept_minutes"],
            accept_clock=data["accept_clock"],
            resolve_minutes=data["resolve_minutes"],
            resolve_clock=data["resolve_clock"],
            warn_percents=data["warn_percents"],
            note=data["note"],
        )
        # The admin's messages and log entry name the version written, not the one it started from.
        obj.pk, obj.version = revised.pk, revised.version


class ThroughOrderAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Rows of an order, seen when the order is in the user's scope."""

    list_per_page = 50
    show_full_result_count = False

    def get_queryset(self, request):
        visible = DispatchOrder.objects.restrict(request.user, VIEW).values("pk")
        return super().get_queryset(request).filter(order__in=visible)


class DeadlineInline(ReadOnlyMixin, admin.TabularInline):
    model = Deadline
    fields = ["kind", "state", "clock", "minutes", "extended_minutes", "started_at", "due_at", "provisional"]
    readonly_fields = fields
    extra = 0


@admin.register(DispatchOrder)
class DispatchOrderAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = [
        "case",
        "department",
        "kind",
        "status",
        "is_lead",
        "created_at",
        "accepted_at",
        "resolved_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["case__serial", "department__name"]
    list_select_related = ["case", "department"]
    inlines = [DeadlineInline]
    exclude = ["district", "street", "community", "grid", "building"]


@admin.register(Deadline)
class DeadlineAdmin(ThroughOrderAdmin):
    list_display = ["order", "kind", "state", "due_at", "provisional", "warnings_fired", "breached_at"]
    list_filter = ["state", "kind", "provisional"]
    search_fields = ["case__serial"]
    list_select_related = ["order__department", "order__case"]


@admin.register(Whistle)
class WhistleAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["case", "kind", "level", "area", "blown_by", "escalated_from", "created_at"]
    list_filter = ["kind", "level"]
    search_fields = ["case__serial"]
    list_select_related = ["case", "area", "blown_by"]
    exclude = ["district", "street", "community", "grid", "building"]


@admin.register(Escalation)
class EscalationAdmin(ThroughOrderAdmin):
    list_display = ["order", "from_level", "to_level", "whistle", "created_at"]
    list_filter = ["to_level"]
    list_select_related = ["order__department", "order__case", "whistle"]


@admin.register(Supervision)
class SupervisionAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["case", "level", "issued_by", "issuing_area", "order", "created_at"]
    list_filter = ["level"]
    search_fields = ["case__serial"]
    list_select_related = ["case", "issued_by", "issuing_area", "order__department"]
    exclude = ["district", "street", "community", "grid", "building"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ThroughOrderAdmin):
    list_display = [
        "order",
        "case",
        "minutes",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
    ]
    list_filter = ["status"]
    list_select_related = ["order__department", "order__case", "requested_by", "decided_by"]

    @admin.display(description=_("case"))
    def case(self, extension: ExtensionRequest):
        return extension.order.case
