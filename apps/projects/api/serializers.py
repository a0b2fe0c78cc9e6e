from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.models import User
from apps.areas.models import Area
from apps.core.api.fields import IdentityUrlField, RestrictedPrimaryKeyRelatedField
from apps.party.models import PartyOrganisation
from apps.projects.choices import EvaluationBy, Grade, ProjectKind
from apps.projects.models import Milestone, Project, ProjectEvaluation, ProjectEvent
from apps.projects.selectors import owner_candidates


@extend_schema_field(OpenApiTypes.INT)
class OwnerField(serializers.PrimaryKeyRelatedField):
    """A user who may own a project, among the people the requesting user can see: any other id answers
    like a missing one."""

    def get_queryset(self):
        request = self.context.get("request")
        return User.objects.none() if request is None else owner_candidates(request.user)


class ProjectMilestoneSerializer(serializers.ModelSerializer):
    url = IdentityUrlField(view_name="api:project-milestone-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    done_by = serializers.StringRelatedField()

    class Meta:
        model = Milestone
        fields = ["id", "url", "display", "project", "title", "due_on", "done_at", "done_by", "note"]
        read_only_fields = fields


class ProjectEvaluationSerializer(serializers.ModelSerializer):
    grade = serializers.ChoiceField(choices=Grade.choices, read_only=True)
    recorded_by = serializers.StringRelatedField()

    class Meta:
        model = ProjectEvaluation
        fields = ["id", "by", "score", "grade", "participants", "comment", "recorded_by", "recorded_at"]
        read_only_fields = fields


class ProjectEventSerializer(serializers.ModelSerializer):
    actor = serializers.StringRelatedField()

    class Meta:
        model = ProjectEvent
        fields = ["id", "action", "actor", "from_state", "to_state", "note", "data", "created_at"]
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer):
    """A project as lists show it, with its progress (milestones done of total)."""

    url = IdentityUrlField(view_name="api:project-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    owner_name = serializers.CharField(source="owner.__str__", read_only=True)
    milestone_total = serializers.IntegerField(read_only=True)
    milestone_done = serializers.IntegerField(read_only=True)
    milestones_overdue = serializers.IntegerField(read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "url",
            "display",
            "kind",
            "title",
            "area",
            "owner",
            "owner_name",
            "organisation",
            "deadline",
            "budget",
            "state",
            "milestone_total",
            "milestone_done",
            "milestones_overdue",
            "created_at",
            "district",
            "street",
            "community",
            "grid",
        ]
        read_only_fields = fields


class ProjectDetailSerializer(ProjectSerializer):
    """A project with its four fixes, milestones, evaluations and timeline."""

    milestones = ProjectMilestoneSerializer(many=True, read_only=True)
    evaluations = ProjectEvaluationSerializer(many=True, read_only=True)
    events = ProjectEventSerializer(many=True, read_only=True)

    class Meta(ProjectSerializer.Meta):
        fields = [
            *ProjectSerializer.Meta.fields,
            "content",
            "measures",
            "cancel_reason",
            "completion_summary",
            "completed_at",
            "evaluated_at",
            "created_by",
            "milestones",
            "evaluations",
            "events",
        ]
        read_only_fields = fields


class ProjectCreateSerializer(serializers.Serializer):
    """The four fixes. Missing ones are refused by the service with its own message, field by field."""

    area = RestrictedPrimaryKeyRelatedField(queryset=Area.objects.all(), label=_("area"))
    kind = serializers.ChoiceField(choices=ProjectKind.choices, label=_("kind"))
    title = serializers.CharField(max_length=100, label=_("title"))
    content = serializers.CharField(required=False, allow_blank=True, default="", label=_("content (定内容)"))
    owner = OwnerField(required=False, allow_null=True, default=None, label=_("owner (定责任人)"))
    deadline = serializers.DateField(
        required=False, allow_null=True, default=None, label=_("deadline (定时限)")
    )
    measures = serializers.CharField(
        required=False, allow_blank=True, default="", label=_("measures (定措施)")
    )
    organisation = RestrictedPrimaryKeyRelatedField(
        queryset=PartyOrganisation.objects.all(), required=False, allow_null=True, default=None
    )
    budget = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )


class ProjectUpdateSerializer(serializers.Serializer):
    """The fields that change; the others stay."""

    kind = serializers.ChoiceField(choices=ProjectKind.choices, required=False)
    title = serializers.CharField(max_length=100, required=False)
    content = serializers.CharField(required=False, allow_blank=True)
    owner = OwnerField(required=False, allow_null=True)
    deadline = serializers.DateField(required=False, allow_null=True)
    measures = serializers.CharField(required=False, allow_blank=True)
    organisation = RestrictedPrimaryKeyRelatedField(
        queryset=PartyOrganisation.objects.all(), required=False, allow_null=True
    )
    budget = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True
    )


class ProjectMilestoneCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    due_on = serializers.DateField(allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ProjectNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class ProjectCompleteSerializer(serializers.Serializer):
    summary = serializers.CharField(allow_blank=True, label=_("completion summary"))


class ProjectCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, label=_("reason for cancelling"))


class ProjectEvaluateSerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=EvaluationBy.choices)
    score = serializers.IntegerField(min_value=0, max_value=100)
    participants = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
