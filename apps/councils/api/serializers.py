from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.models import RoleAssignment, User
from apps.accounts.scope import subtree_filter, user_scope
from apps.areas.models import Area
from apps.cases.choices import Urgency
from apps.cases.models import Category
from apps.core.api.fields import IdentityUrlField, RestrictedPrimaryKeyRelatedField
from apps.councils import services
from apps.councils.models import Meeting, Resolution, Task, TaskEvent, Topic


@extend_schema_field(OpenApiTypes.INT)
class OwnerField(serializers.PrimaryKeyRelatedField):
    """An owner among the people holding a role within or above the requester's council areas; anyone
    else answers like a missing id. The service then checks the owner sees the follow-up's area."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return User.objects.none()
        scope = user_scope(request.user)
        users = User.objects.filter(is_active=True)
        if scope.unrestricted:
            return users
        within = subtree_filter(scope.areas("cogov.view"))
        if within is None:
            return users.none()
        roles = RoleAssignment.objects.active().filter(within | Q(area_id__in=scope.ancestors("cogov.view")))
        return users.filter(pk__in=roles.values("user_id"))


class CouncilParticipantSerializer(serializers.Serializer):
    name = serializers.CharField(label=_("name"), max_length=50)
    role = serializers.CharField(label=_("role or unit"), max_length=100, required=False, allow_blank=True)


class CouncilTopicSerializer(serializers.ModelSerializer):
    display = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = Topic
        fields = ["id", "display", "meeting", "title", "description", "raised_by", "created_at"]
        read_only_fields = ["meeting", "created_at"]

    def create(self, validated_data):
        return services.topic_add(
            actor=self.context["request"].user, meeting=self.context["meeting"], **validated_data
        )


class ResolutionSerializer(serializers.ModelSerializer):
    url = IdentityUrlField(view_name="api:party/resolutions-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    task = serializers.PrimaryKeyRelatedField(read_only=True, label=_("task"))
    case_serial = serializers.CharField(source="case.serial", read_only=True, default=None)
    case_status = serializers.CharField(source="case.status", read_only=True, default=None)
    case_status_label = serializers.CharField(source="case.get_status_display", read_only=True, default=None)
    topic = serializers.PrimaryKeyRelatedField(
        queryset=Topic.objects.none(), required=False, allow_null=True, label=_("topic")
    )

    class Meta:
        model = Resolution
        fields = [
            "id",
            "url",
            "display",
            "meeting",
            "topic",
            "text",
            "outcome",
            "outcome_label",
            "follow_up",
            "task",
            "case",
            "case_serial",
            "case_status",
            "case_status_label",
            "case_owner",
            "case_deadline",
            "created_at",
        ]
        read_only_fields = ["meeting", "follow_up", "case", "case_owner", "case_deadline", "created_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # The case only where the reader may read it (selectors.resolution_rows); a row written just now
        # has none yet.
        if not getattr(instance, "case_visible", False):
            data.update(case=None, case_serial=None, case_status=None, case_status_label=None)
        return data

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meeting = self.context.get("meeting")
        if meeting is not None:
            # Only the meeting's own topics: another meeting's topic answers like a missing one.
            self.fields["topic"].queryset = Topic.objects.filter(meeting=meeting)

    def create(self, validated_data):
        return services.resolution_add(
            actor=self.context["request"].user, meeting=self.context["meeting"], **validated_data
        )


class MeetingSerializer(serializers.ModelSerializer):
    """A council meeting; records one through `meeting_create`."""

    url = IdentityUrlField(view_name="api:party/meetings-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    area = RestrictedPrimaryKeyRelatedField(queryset=Area.objects.all(), label=_("area"))
    participants = CouncilParticipantSerializer(many=True, label=_("participants"))

    class Meta:
        model = Meeting
        fields = [
            "id",
            "url",
            "display",
            "kind",
            "kind_label",
            "title",
            "held_at",
            "area",
            "place",
            "host",
            "participants",
            "minutes",
            "district",
            "street",
            "community",
            "grid",
            "created_at",
        ]
        read_only_fields = ["district", "street", "community", "grid", "created_at"]

    def create(self, validated_data):
        return services.meeting_create(actor=self.context["request"].user, **validated_data)


class MeetingDetailSerializer(MeetingSerializer):
    topics = CouncilTopicSerializer(many=True, read_only=True)
    resolutions = ResolutionSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "topics", "resolutions"]


class _FollowUpSerializer(serializers.Serializer):
    area = RestrictedPrimaryKeyRelatedField(
        queryset=Area.objects.all(), default=None, allow_null=True, label=_("area")
    )
    # Not required here: the service answers a missing owner or deadline with its own message.
    owner = OwnerField(allow_null=True, default=None, label=_("owner"))
    deadline = serializers.DateField(allow_null=True, default=None, label=_("deadline"))


class MakeTaskSerializer(_FollowUpSerializer):
    title = serializers.CharField(max_length=150, required=False, allow_blank=True, label=_("title"))
    description = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, label=_("description")
    )


class MakeCaseSerializer(_FollowUpSerializer):
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(is_active=True), allow_null=True, default=None, label=_("category")
    )
    title = serializers.CharField(max_length=100, required=False, allow_blank=True, label=_("title"))
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL, label=_("urgency"))


class CouncilTaskEventSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    actor_name = serializers.CharField(source="actor.display_name", read_only=True, default=None)

    class Meta:
        model = TaskEvent
        fields = [
            "id",
            "action",
            "action_label",
            "actor",
            "actor_name",
            "from_state",
            "to_state",
            "note",
            "created_at",
        ]


class CouncilTaskSerializer(serializers.ModelSerializer):
    url = IdentityUrlField(view_name="api:party/council-tasks-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    owner_name = serializers.CharField(source="owner.display_name", read_only=True)
    meeting = serializers.IntegerField(source="resolution.meeting_id", read_only=True, label=_("meeting"))
    is_overdue = serializers.BooleanField(read_only=True, label=_("overdue"))

    class Meta:
        model = Task
        fields = [
            "id",
            "url",
            "display",
            "title",
            "description",
            "state",
            "state_label",
            "is_overdue",
            "owner",
            "owner_name",
            "deadline",
            "area",
            "resolution",
            "meeting",
            "report",
            "done_at",
            "cancel_reason",
            "cancelled_at",
            "district",
            "street",
            "community",
            "grid",
            "created_at",
        ]
        read_only_fields = fields


class CouncilTaskDetailSerializer(CouncilTaskSerializer):
    events = CouncilTaskEventSerializer(many=True, read_only=True)

    class Meta(CouncilTaskSerializer.Meta):
        fields = [*CouncilTaskSerializer.Meta.fields, "events"]
        read_only_fields = fields


class CouncilTaskCompleteSerializer(serializers.Serializer):
    report = serializers.CharField(max_length=4000, allow_blank=True, label=_("report"))


class CouncilTaskCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True, label=_("reason for cancelling"))
