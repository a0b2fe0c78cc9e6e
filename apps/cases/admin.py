from django.contrib import admin

from .models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "parent", "sort_order", "is_active"]
    list_filter = ["is_active", "parent"]
    search_fields = ["name", "code"]
    list_select_related = ["parent"]

    def has_delete_permission(self, request, obj=None):
        # Categories are retired (inactive), never deleted: cases and departments refer to them.
        return False
