"""Admin of the reference lists (care groups, risk rules: superusers only) and read-only, scoped pages of
households, residents (masks only: a plain number is read through the reveal page, which logs it), the
access log and imports. Nothing is deleted."""

from django.contrib import admin

from apps.core.admin import ReadOnlyMixin, ScopedAdmin

from .models import CareTag, Household, HouseholdEvent, ImportJob, Resident, ResidentAccess, RiskRule


class SuperuserListAdmin(admin.ModelAdmin):
    """A list the whole installation shares: read by staff, changed by superusers, retired not deleted."""

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CareTag)
class CareTagAdmin(SuperuserListAdmin):
    list_display = ["name", "code", "sort_order", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]


@admin.register(RiskRule)
class RiskRuleAdmin(SuperuserListAdmin):
    list_display = ["name", "code", "colour", "sort_order", "is_active"]
    list_filter = ["colour", "is_active"]
    search_fields = ["name", "code"]


class HouseholdEventInline(ReadOnlyMixin, admin.TabularInline):
    model = HouseholdEvent
    fields = ["created_at", "action", "actor", "resident", "reason", "data"]
    readonly_fields = fields
    extra = 0


class ResidentInline(ReadOnlyMixin, admin.TabularInline):
    model = Resident
    fields = [
        "name",
        "gender",
        "birth_year",
        "id_number_mask",
        "phone_mask",
        "relation",
        "residence",
        "is_active",
    ]
    readonly_fields = fields
    extra = 0


@admin.register(Household)
class HouseholdAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["address", "kind", "risk_colour", "grid", "visit_due_on", "is_active"]
    list_filter = ["kind", "risk_colour", "is_active"]
    search_fields = ["address"]
    list_select_related = ["grid"]
    fields = [
        "building",
        "unit",
        "floor",
        "room",
        "address",
        "kind",
        "risk_colour",
        "risk_rule",
        "risk_set_at",
        "notes",
        "is_active",
        "last_visited_at",
        "visit_plan",
        "visit_interval_days",
        "visit_due_on",
    ]
    readonly_fields = fields
    inlines = [ResidentInline, HouseholdEventInline]


@admin.register(Resident)
class ResidentAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["name", "id_number_mask", "phone_mask", "household", "residence", "is_active"]
    list_filter = ["residence", "is_active", "tags"]
    search_fields = ["name"]
    list_select_related = ["household"]
    fields = [
        "household",
        "name",
        "gender",
        "birth_year",
        "id_number_mask",
        "phone_mask",
        "relation",
        "residence",
        "tags",
        "party_member",
        "is_active",
        "moved_out_at",
    ]
    readonly_fields = fields


@admin.register(ResidentAccess)
class ResidentAccessAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["created_at", "user", "resident", "field", "purpose", "reason", "ip_address"]
    list_filter = ["field", "purpose"]
    search_fields = ["user__username", "reason"]
    list_select_related = ["user", "resident"]
    date_hierarchy = "created_at"
    fields = list_display
    readonly_fields = fields


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "created_by", "status", "strict", "total_rows", "rejected_count", "created_at"]
    list_filter = ["status", "strict"]
    exclude = ["errors"]

    def get_queryset(self, request):
        jobs = super().get_queryset(request)
        return jobs if request.user.is_superuser else jobs.filter(created_by=request.user)
