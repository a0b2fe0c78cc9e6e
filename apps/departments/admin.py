from django.contrib import admin

from apps.core.admin import ScopedAdmin, ServiceAdminMixin

from . import services
from .models import Department


@admin.register(Department)
class DepartmentAdmin(ServiceAdminMixin, ScopedAdmin):
    list_display = ["name", "level", "area", "phone", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "short_name", "area__name"]
    list_select_related = ["area"]
    raw_id_fields = ["area"]
    filter_horizontal = ["categories"]
    autocomplete_fields = ["served_areas"]
    fields = ["area", "level", "name", "short_name", "phone", "served_areas", "categories", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        return ["area", "level"] if obj else []

    def save_through_service(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.department_update(
                actor=request.user,
                department=obj,
                name=data["name"],
                short_name=data["short_name"],
                phone=data["phone"],
                is_active=data["is_active"],
                served_areas=data["served_areas"],
                categories=data["categories"],
            )
        else:
            created = services.department_create(
                actor=request.user,
                area=data["area"],
                name=data["name"],
                level=data["level"],
                short_name=data["short_name"],
                phone=data["phone"],
                served_areas=data["served_areas"],
                categories=data["categories"],
            )
            obj.pk = created.pk
