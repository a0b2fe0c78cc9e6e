"""Admin of the visit plans (superusers; written through the service, which recomputes the schedules)
and read-only, scoped pages of visits with their photos."""

from django.contrib import admin

from apps.core.admin import ReadOnlyMixin, ScopedAdmin, ServiceAdminMixin

from .models import Visit, VisitPhoto, VisitPlan
from .services import visit_plan_save


@admin.register(VisitPlan)
class VisitPlanAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = ["name", "household_kind", "risk_colour", "care_tag", "interval_days", "is_active"]
    list_filter = ["is_active", "household_kind", "risk_colour"]
    fields = ["name", "household_kind", "risk_colour", "care_tag", "interval_days", "is_active"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, obj, form, change):
        data = form.cleaned_data
        saved = visit_plan_save(
            actor=request.user,
            plan=obj if change else None,
            name=data["name"],
            interval_days=data["interval_days"],
            household_kind=data["household_kind"],
            risk_colour=data["risk_colour"],
            care_tag=data["care_tag"],
            is_active=data["is_active"],
        )
        obj.pk = saved.pk


class VisitPhotoInline(ReadOnlyMixin, admin.TabularInline):
    model = VisitPhoto
    fields = ["file", "name", "content_type", "size", "created_at"]
    readonly_fields = fields
    extra = 0


@admin.register(Visit)
class VisitAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["visited_at", "kind", "worker", "area", "household", "follow_up", "case"]
    list_filter = ["kind", "follow_up"]
    search_fields = ["notes", "met", "household__address"]
    list_select_related = ["worker", "area", "household", "case"]
    date_hierarchy = "visited_at"
    fields = [
        "kind",
        "worker",
        "area",
        "household",
        "visited_at",
        "longitude",
        "latitude",
        "met",
        "notes",
        "follow_up",
        "follow_up_note",
        "case",
    ]
    readonly_fields = fields
    inlines = [VisitPhotoInline]
