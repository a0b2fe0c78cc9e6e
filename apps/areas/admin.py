from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ScopedAdmin, ServiceAdminMixin

from . import services
from .models import Area, AreaChange, GridStandard


@admin.register(Area)
class AreaAdmin(ServiceAdminMixin, ScopedAdmin):
    list_display = ["name", "code", "level", "kind", "parent", "households", "population", "is_active"]
    list_filter = ["level", "kind", "is_active"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]
    fields = [
        "parent",
        "code",
        "name",
        "kind",
        "households",
        "population",
        "centre_lng",
        "centre_lat",
        "boundary",
        "level",
        "path",
        "is_active",
        "merged_into",
    ]
    readonly_fields = ["level", "path", "is_active", "merged_into"]

    def get_readonly_fields(self, request, obj=None):
        # The place and the code change only through the move, split and merge services.
        return [*self.readonly_fields, "parent", "code"] if obj else self.readonly_fields

    def save_through_service(self, request, obj, form, change):
        if change:
            changes = {
                field: form.cleaned_data[field] for field in form.changed_data if field in services.UPDATABLE
            }
            services.area_update(actor=request.user, area=obj, **changes)
        else:
            created = services.area_create(
                actor=request.user,
                parent=form.cleaned_data["parent"],
                name=form.cleaned_data["name"],
                code=form.cleaned_data["code"],
                kind=form.cleaned_data["kind"],
                households=form.cleaned_data["households"],
                population=form.cleaned_data["population"],
                boundary=form.cleaned_data["boundary"],
                centre_lng=form.cleaned_data["centre_lng"],
                centre_lat=form.cleaned_data["centre_lat"],
            )
            obj.pk = created.pk


@admin.register(AreaChange)
class AreaChangeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "area", "kind", "actor", "reason"]
    list_filter = ["kind"]
    search_fields = ["area__name", "area__code", "reason"]
    list_select_related = ["area", "actor"]
    raw_id_fields = ["area"]

    def get_queryset(self, request):
        visible = Area.objects.restrict(request.user).values("pk")
        return super().get_queryset(request).filter(area__in=visible)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GridStandard)
class GridStandardAdmin(ServiceAdminMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "households_per_grid_min",
        "households_per_grid_max",
        "updated_at",
        "updated_by",
    ]
    readonly_fields = ["updated_at", "updated_by"]
    fieldsets = [
        (_("Grids"), {"fields": ["households_per_grid_min", "households_per_grid_max"]}),
        (_("Communities"), {"fields": ["community_split_above", "community_merge_below"]}),
        (
            _("Staffing"),
            {"fields": ["workers_per_10k_residents", "grid_head_required", "full_time_workers_per_grid"]},
        ),
        (None, {"fields": ["updated_at", "updated_by"]}),
    ]

    def has_add_permission(self, request):
        return not GridStandard.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_service(self, request, obj, form, change):
        figures = {field: form.cleaned_data[field] for field in form.changed_data}
        saved = services.grid_standard_update(actor=request.user, **figures)
        obj.pk = saved.pk
