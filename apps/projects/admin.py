"""Projects in the admin: shown within the user's scope, written only through the pages and the API
(whose services check the four fixes and write the timeline)."""

from django.contrib import admin

from apps.core.admin import ReadOnlyMixin, ScopedAdmin

from .models import Milestone, Project, ProjectEvaluation, ProjectEvent


class MilestoneInline(ReadOnlyMixin, admin.TabularInline):
    model = Milestone
    fields = ["title", "due_on", "done_at", "done_by", "note", "remind_at"]
    readonly_fields = fields
    extra = 0


class EvaluationInline(ReadOnlyMixin, admin.TabularInline):
    model = ProjectEvaluation
    fields = ["by", "score", "participants", "comment", "recorded_by", "recorded_at"]
    readonly_fields = fields
    extra = 0


class EventInline(ReadOnlyMixin, admin.TabularInline):
    model = ProjectEvent
    fields = ["created_at", "action", "actor", "from_state", "to_state", "note", "data"]
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Project)
class ProjectAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["title", "kind", "state", "area", "owner", "deadline", "created_at"]
    list_filter = ["kind", "state"]
    search_fields = ["title", "content", "measures"]
    list_select_related = ["area", "owner"]
    raw_id_fields = ["area", "owner", "organisation", "created_by"]
    date_hierarchy = "created_at"
    inlines = [MilestoneInline, EvaluationInline, EventInline]
    fields = [
        "title",
        "kind",
        "state",
        "area",
        "content",
        "owner",
        "organisation",
        "deadline",
        "measures",
        "budget",
        "cancel_reason",
        "completion_summary",
        "completed_at",
        "evaluated_at",
        "created_by",
        "created_at",
        "remind_at",
    ]


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["title", "project", "due_on", "done_at", "remind_at"]
    list_filter = ["due_on"]
    search_fields = ["title", "project__title"]
    list_select_related = ["project"]
    raw_id_fields = ["project", "area", "done_by"]
