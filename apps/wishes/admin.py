"""Read-only admin pages of micro wishes and their timelines in the user's scope: every change goes
through the services (the pages and the API)."""

from django.contrib import admin

from apps.core.admin import ReadOnlyMixin, ScopedAdmin

from .models import MicroWish, WishEvent


class WishEventInline(ReadOnlyMixin, admin.TabularInline):
    model = WishEvent
    fields = ["created_at", "action", "actor", "from_state", "to_state", "note", "data"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(MicroWish)
class MicroWishAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["title", "category", "state", "area", "claim_by", "fulfil_by", "created_at"]
    list_filter = ["state", "category"]
    search_fields = ["title", "description"]
    list_select_related = ["area"]
    raw_id_fields = ["area", "resident", "member", "organisation", "partner_unit", "created_by"]
    inlines = [WishEventInline]
    # The resident's name only masked here: the admin does not know who may see it in full.
    fields = [
        "title",
        "description",
        "category",
        "area",
        "resident_masked",
        "state",
        "claim_by",
        "fulfil_by",
        "member",
        "organisation",
        "partner_unit",
        "claimed_at",
        "fulfilled_at",
        "fulfilment_note",
        "confirmed_at",
        "rating",
        "thanks",
        "rated_at",
        "withdrawn_at",
        "withdraw_reason",
        "created_by",
        "created_at",
        "remind_at",
    ]
    readonly_fields = fields
