"""The admin of webhooks: subscriptions (the signing secret shown once, on the page that answers the
creation) and the delivery log, read-only, with redelivery as an action. Only superusers see them."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from apps.core.admin import ServiceAdminMixin, SuperusersOnlyAdmin

from . import services
from .choices import WebhookEvent
from .models import WebhookDelivery, WebhookSubscription


class NeverDeletedAdmin(SuperusersOnlyAdmin):
    def has_delete_permission(self, request, obj=None):
        # The delivery log is history: subscriptions are deactivated, never deleted.
        return False


class SubscriptionForm(forms.ModelForm):
    target_url = forms.URLField(label=_("target URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ["client", "target_url", "events", "description", "is_active"]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(NeverDeletedAdmin, ServiceAdminMixin, admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ["client", "target_url", "event_list", "is_active", "created_at"]
    list_filter = ["is_active", "client"]
    search_fields = ["target_url", "client__name", "client__code"]
    list_select_related = ["client"]

    def get_readonly_fields(self, request, obj=None):
        return ["client"] if obj else []

    @admin.display(description=_("events"))
    def event_list(self, subscription):
        return ", ".join(subscription.event_labels())

    def save_through_service(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.subscription_update(
                actor=request.user,
                subscription=obj,
                target_url=data["target_url"],
                events=data["events"],
                description=data["description"],
                is_active=data["is_active"],
            )
            return
        created, secret = services.subscription_create(
            actor=request.user,
            client=data["client"],
            target_url=data["target_url"],
            events=data["events"],
            description=data["description"],
        )
        if not data["is_active"]:
            services.subscription_update(actor=request.user, subscription=created, is_active=False)
        obj.pk = created.pk
        request.webhook_secret = secret

    def response_add(self, request, obj, post_url_continue=None):
        secret = getattr(request, "webhook_secret", None)
        if secret is None:
            return super().response_add(request, obj, post_url_continue)
        return TemplateResponse(
            request,
            "webhooks/admin/secret_shown.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Webhook signing secret"),
                "subscription": WebhookSubscription.objects.select_related("client").get(pk=obj.pk),
                "secret": secret,
                "opts": self.model._meta,
                "back": reverse("admin:webhooks_webhooksubscription_change", args=[obj.pk]),
            },
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(NeverDeletedAdmin, admin.ModelAdmin):
    list_display = [
        "id",
        "event",
        "client",
        "state",
        "attempts",
        "last_status_code",
        "occurred_at",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["state", "event", "subscription__client"]
    list_select_related = ["subscription__client"]
    date_hierarchy = "occurred_at"
    list_per_page = 100
    show_full_result_count = False
    actions = ["redeliver"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("client"), ordering="subscription__client__name")
    def client(self, delivery):
        return delivery.subscription.client

    @admin.action(description=_("Redeliver the selected deliveries now"))
    def redeliver(self, request, queryset):
        if not request.user.is_superuser:
            raise admin.sites.PermissionDenied
        done = 0
        for delivery in queryset:
            try:
                services.delivery_redeliver(actor=request.user, delivery=delivery)
            except ValidationError as error:
                self.message_user(request, f"#{delivery.pk}: {' '.join(error.messages)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "%(count)d delivery will be sent again now.",
                    "%(count)d deliveries will be sent again now.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )
