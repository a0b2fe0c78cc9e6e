"""Admin of the evaluation weights (superusers, through the service) and read-only, scoped pages of the
rollups and of the watermark, for checking what the dashboards read."""

from django import forms
from django.contrib import admin

from apps.core.admin import ReadOnlyMixin, ScopedAdmin, ServiceAdminMixin

from .evaluation import INDICATORS, weights_save
from .models import (
    AreaDay,
    CaseDay,
    CaseStock,
    DepartmentDay,
    EvaluationWeight,
    RollupState,
    VisitDay,
    WorkerDay,
)


class EvaluationWeightForm(forms.ModelForm):
    indicator = forms.ChoiceField(
        choices=[
            (subject, [(indicator.code, indicator.label) for indicator in indicators])
            for subject, indicators in INDICATORS.items()
        ]
    )

    class Meta:
        model = EvaluationWeight
        fields = ["subject", "indicator", "weight"]


@admin.register(EvaluationWeight)
class EvaluationWeightAdmin(ServiceAdminMixin, admin.ModelAdmin):
    form = EvaluationWeightForm
    list_display = ["subject", "indicator", "weight", "updated_at"]
    list_filter = ["subject"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, obj, form, change):
        data = form.cleaned_data
        weights_save(actor=request.user, subject=data["subject"], values={data["indicator"]: data["weight"]})
        obj.pk = EvaluationWeight.objects.get(subject=data["subject"], indicator=data["indicator"]).pk


class PlacedAdmin(ReadOnlyMixin, ScopedAdmin):
    """Rows the refresh writes, placed in an area: read-only, scoped, filtered by level."""

    list_filter = ["level"]
    list_select_related = ["area"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


class RollupAdmin(PlacedAdmin):
    date_hierarchy = "day"


@admin.register(CaseDay)
class CaseDayAdmin(RollupAdmin):
    list_display = ["day", "area", "category", "created", "resolved", "closed", "overdue", "escalated"]
    list_select_related = ["area", "category"]


@admin.register(AreaDay)
class AreaDayAdmin(RollupAdmin):
    list_display = ["day", "area", "created", "resolved", "closed", "overdue", "escalated"]


@admin.register(DepartmentDay)
class DepartmentDayAdmin(RollupAdmin):
    list_display = ["day", "area", "department", "orders_received", "checked_in_on_time", "orders_resolved"]
    list_select_related = ["area", "department"]


@admin.register(VisitDay)
class VisitDayAdmin(RollupAdmin):
    list_display = ["day", "area", "visits", "households_planned", "households_overdue", "snapshot_at"]


@admin.register(WorkerDay)
class WorkerDayAdmin(RollupAdmin):
    list_display = ["day", "area", "worker", "visits", "cases_reported"]
    list_select_related = ["area", "worker"]


@admin.register(CaseStock)
class CaseStockAdmin(PlacedAdmin):
    list_display = ["area", "level", "open", "overdue", "escalated"]


@admin.register(RollupState)
class RollupStateAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "complete_through", "refreshed_at", "refreshed_days", "seconds"]
    readonly_fields = list_display
