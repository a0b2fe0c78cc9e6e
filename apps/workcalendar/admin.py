from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ServiceAdminMixin

from . import services
from .models import WorkDay


class YearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        return [(str(day.year), str(day.year)) for day in WorkDay.objects.dates("day", "year")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(day__year=int(self.value()))
        return queryset


@admin.register(WorkDay)
class WorkDayAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Dates of the work calendar; only superusers change them, through the calendar's services."""

    list_display = ["day", "is_workday", "holiday", "note", "source", "updated_at", "updated_by"]
    list_filter = [YearFilter, "source", "is_workday"]
    search_fields = ["holiday", "note"]
    list_select_related = ["updated_by"]
    list_per_page = 100
    show_full_result_count = False
    fields = ["day", "is_workday", "holiday", "note", "source", "updated_at", "updated_by"]
    readonly_fields = ["source", "updated_at", "updated_by"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "day"] if obj else self.readonly_fields

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.workday_set(
            day=obj.day if change else data["day"],
            is_workday=data["is_workday"],
            holiday=data["holiday"],
            note=data["note"],
            actor=request.user,
        )
        obj.pk = saved.pk
