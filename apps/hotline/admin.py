"""The admin of the hotline's code tables (maintained by system administrators) and a read-only view of the
orders received, each with a link to its case."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.core.admin import ReadOnlyMixin, ScopedAdmin, SuperusersOnlyAdmin

from .models import CodeMapping, HotlineOrder


@admin.register(CodeMapping)
class CodeMappingAdmin(SuperusersOnlyAdmin, admin.ModelAdmin):
    """A hotline's code of a category or a place and what it stands for in GridGov. One table per client
    serves the whole installation: only superusers see and change it."""

    list_display = ["client", "kind", "code", "label", "category", "area"]
    list_filter = ["client", "kind"]
    search_fields = ["code", "label"]
    list_select_related = ["client", "category", "area"]
    raw_id_fields = ["area"]
    fields = ["client", "kind", "code", "label", "category", "area"]
    list_per_page = 100

    def has_delete_permission(self, request, obj=None):
        # A wrong entry is corrected; orders already received keep what they were mapped to.
        return request.user.is_superuser


@admin.register(HotlineOrder)
class HotlineOrderAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["serial", "client", "title", "state", "triage_reason", "case_link", "received_at"]
    list_filter = ["state", "triage_reason", "client"]
    search_fields = ["serial", "title"]
    list_select_related = ["client", "case"]
    date_hierarchy = "received_at"
    fields = [
        "client",
        "serial",
        "received_at",
        "state",
        "triage_reason",
        "case_link",
        "category_code",
        "area_code",
        "category",
        "area",
        "title",
        "description",
        "address",
        "longitude",
        "latitude",
        "caller_name",
        "caller_phone",
        "urgency",
        "payload",
        "note",
        "resolved_by",
        "resolved_at",
        "withdrawn_at",
        "withdraw_reason",
    ]
    readonly_fields = fields

    @admin.display(description=_("case"))
    def case_link(self, order: HotlineOrder) -> str:
        if order.case_id is None:
            return "—"
        url = reverse("admin:cases_case_change", args=[order.case_id])
        return format_html('<a href="{}">{}</a>', url, order.case.serial)

    @admin.display(description=_("caller's phone"))
    def caller_phone(self, order: HotlineOrder) -> str:
        return order.caller_phone_masked or "—"
