"""Co-building in the admin: shown within the user's scope, written only by the pages and the API
(through the services, which keep the timeline)."""

from django.contrib import admin

from apps.core.admin import ReadOnlyMixin, ScopedAdmin

from .models import Agreement, AgreementEvent, Evaluation, EvaluationRound, JointProject, Need, Resource


class AgreementEventInline(ReadOnlyMixin, admin.TabularInline):
    model = AgreementEvent
    fields = ["created_at", "action", "actor", "from_state", "to_state", "note", "data"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["title", "area", "partner_unit", "signed_on", "valid_until", "state"]
    list_filter = ["state", "signed_on"]
    search_fields = ["title", "partner_unit__name", "area__name"]
    list_select_related = ["area", "partner_unit"]
    raw_id_fields = ["area", "partner_unit", "created_by"]
    fields = [
        "area",
        "partner_unit",
        "title",
        "content",
        "signed_on",
        "valid_from",
        "valid_until",
        "state",
        "terminated_at",
        "created_by",
        "created_at",
    ]
    readonly_fields = fields
    inlines = [AgreementEventInline]


class _ItemAdmin(ReadOnlyMixin, ScopedAdmin):
    search_fields = ["title", "agreement__title", "agreement__partner_unit__name"]
    list_select_related = ["agreement", "area"]
    raw_id_fields = ["agreement", "area"]


@admin.register(Resource)
class ResourceAdmin(_ItemAdmin):
    list_display = ["title", "kind", "quantity", "agreement", "area"]
    list_filter = ["kind"]
    fields = ["agreement", "area", "title", "kind", "quantity", "description", "created_at"]
    readonly_fields = fields


@admin.register(Need)
class NeedAdmin(_ItemAdmin):
    list_display = ["title", "state", "needed_by", "taken_by", "agreement", "area"]
    list_filter = ["state"]
    list_select_related = ["agreement", "area", "taken_by"]
    raw_id_fields = ["agreement", "area", "taken_by", "taken_by_user"]
    fields = [
        "agreement",
        "area",
        "title",
        "description",
        "needed_by",
        "state",
        "taken_by",
        "taken_at",
        "taken_by_user",
        "fulfilled_at",
        "fulfilment_note",
        "remind_at",
        "created_at",
    ]
    readonly_fields = fields


@admin.register(JointProject)
class JointProjectAdmin(_ItemAdmin):
    list_display = ["title", "status", "planned_on", "agreement", "area"]
    list_filter = ["status"]
    fields = [
        "agreement",
        "area",
        "title",
        "description",
        "planned_on",
        "status",
        "completed_at",
        "completion_note",
        "created_at",
    ]
    readonly_fields = fields


@admin.register(EvaluationRound)
class EvaluationRoundAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["year", "area", "opens_on", "closes_on"]
    list_filter = ["year"]
    search_fields = ["area__name"]
    list_select_related = ["area"]
    raw_id_fields = ["area", "created_by"]
    fields = ["area", "year", "opens_on", "closes_on", "created_by", "created_at"]
    readonly_fields = fields


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["agreement", "round", "direction", "score", "recorded_at"]
    list_filter = ["direction", "round__year"]
    search_fields = ["agreement__title", "agreement__partner_unit__name", "agreement__area__name"]
    list_select_related = ["agreement", "round__area"]
    raw_id_fields = ["round", "agreement", "area", "recorded_by"]
    fields = ["round", "agreement", "area", "direction", "score", "comment", "recorded_by", "recorded_at"]
    readonly_fields = fields
