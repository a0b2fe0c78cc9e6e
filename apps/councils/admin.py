from django.contrib import admin

from apps.core.admin import ReadOnlyMixin, ScopedAdmin

from .models import Meeting, Resolution, Task, TaskEvent, Topic


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TopicInline(_ReadOnlyInline):
    model = Topic
    fields = ["title", "raised_by", "description"]


class ResolutionInline(_ReadOnlyInline):
    model = Resolution
    fields = ["topic", "text", "outcome", "follow_up", "case", "case_owner", "case_deadline"]


class TaskEventInline(_ReadOnlyInline):
    model = TaskEvent
    fields = ["created_at", "action", "actor", "from_state", "to_state", "note"]


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["title", "kind", "area", "held_at", "host"]
    list_filter = ["kind"]
    search_fields = ["title", "place", "host"]
    list_select_related = ["area"]
    raw_id_fields = ["area", "created_by"]
    date_hierarchy = "held_at"
    inlines = [TopicInline, ResolutionInline]


@admin.register(Resolution)
class ResolutionAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["__str__", "meeting", "outcome", "follow_up", "case", "case_deadline"]
    list_filter = ["outcome", "follow_up"]
    search_fields = ["text", "meeting__title"]
    list_select_related = ["meeting", "case"]
    raw_id_fields = ["meeting", "topic", "case", "case_owner", "follow_up_by"]


@admin.register(Task)
class TaskAdmin(ReadOnlyMixin, ScopedAdmin):
    list_display = ["title", "owner", "area", "deadline", "state"]
    list_filter = ["state"]
    search_fields = ["title", "description", "owner__full_name", "owner__username"]
    list_select_related = ["owner", "area"]
    raw_id_fields = ["resolution", "area", "owner", "created_by"]
    inlines = [TaskEventInline]
