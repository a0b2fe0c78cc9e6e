"""Read-only admin of notifications and their deliveries; a failed delivery can be sent again.

Notifications are personal and not placed in an area, so these pages are not scoped by area: Django's
model permissions decide who sees them (superusers, and staff given the view permissions).
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Delivery, Notification
from .services import delivery_retry


class ReadOnlyAdmin(admin.ModelAdmin):
    list_per_page = 50
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = ["channel", "state", "attempts", "last_error", "sent_at", "next_attempt_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "key", "recipient__username", "recipient__full_name"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "notification",
        "recipient",
        "channel",
        "state",
        "attempts",
        "last_error",
        "next_attempt_at",
    ]
    list_filter = ["state", "channel"]
    search_fields = ["notification__title", "notification__recipient__username"]
    list_select_related = ["notification__recipient"]
    actions = ["redeliver"]

    @admin.display(description=_("recipient"))
    def recipient(self, delivery: Delivery):
        return delivery.notification.recipient

    @admin.action(description=_("Deliver the selected notifications again"))
    def redeliver(self, request, queryset):
        queued = 0
        for delivery in queryset:
            try:
                delivery_retry(delivery=delivery, actor=request.user)
            except ValidationError as error:
                self.message_user(request, f"{delivery}: {'; '.join(error.messages)}", level=messages.WARNING)
            else:
                queued += 1
        self.message_user(request, _("%(count)d deliveries queued again.") % {"count": queued})
