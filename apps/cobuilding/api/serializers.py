from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.areas.api.serializers import ActorSerializer
from apps.areas.models import Area
from apps.cobuilding import services
from apps.cobuilding.choices import Direction, Grade, ProjectStatus
from apps.cobuilding.models import (
    SCORE_MAX,
    Agreement,
    AgreementEvent,
    Evaluation,
    EvaluationRound,
    JointProject,
    Need,
    Resource,
)
from apps.core.api.fields import IdentityUrlField, RestrictedPrimaryKeyRelatedField
from apps.party.models import PartnerUnit


def _ancestor(label):
    return {"read_only": True, "allow_null": True, "label": label}


class _Placed(serializers.ModelSerializer):
    """The copied ancestors of a placed row, as ids."""

    district = serializers.IntegerField(source="district_id", **_ancestor(_("district")))
    street = serializers.IntegerField(source="street_id", **_ancestor(_("street")))
    community = serializers.IntegerField(source="community_id", **_ancestor(_("community")))


PLACED = ["district", "street", "community"]


class AgreementSerializer(_Placed):
    """A co-building agreement (共建协议); signs one through `agreement_create`."""

    url = IdentityUrlField(view_name="api:cobuilding-agreement-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    area = RestrictedPrimaryKeyRelatedField(queryset=Area.objects.all(), label=_("street or community"))
    area_name = serializers.CharField(source="area.name", read_only=True)
    partner_unit = RestrictedPrimaryKeyRelatedField(
        queryset=PartnerUnit.objects.all(), label=_("partner unit")
    )
    partner_unit_name = serializers.CharField(source="partner_unit.name", read_only=True)
    shown_state = serializers.ChoiceField(
        choices=["active", "expired", "terminated"],
        read_only=True,
        label=_("state as shown: an active agreement past its end is expired"),
    )

    class Meta:
        model = Agreement
        fields = [
            "id",
            "url",
            "display",
            "title",
            "content",
            "area",
            "area_name",
            "partner_unit",
            "partner_unit_name",
            "signed_on",
            "valid_from",
            "valid_until",
            "state",
            "shown_state",
            "terminated_at",
            *PLACED,
            "created_at",
        ]
        read_only_fields = ["state", "terminated_at", "created_at"]
        # The service decides whether the pair already has an active agreement, with its own message.
        validators = []

    def create(self, validated_data):
        return services.agreement_create(actor=self.context["request"].user, **validated_data)


class AgreementEventSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    actor = ActorSerializer(read_only=True, allow_null=True)

    class Meta:
        model = AgreementEvent
        fields = [
            "id",
            "action",
            "action_label",
            "actor",
            "from_state",
            "to_state",
            "note",
            "data",
            "created_at",
        ]
        read_only_fields = fields


class AgreementDetailSerializer(AgreementSerializer):
    """An agreement with its timeline."""

    events = AgreementEventSerializer(many=True, read_only=True)

    class Meta(AgreementSerializer.Meta):
        fields = [*AgreementSerializer.Meta.fields, "events"]


class AgreementReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, label=_("reason"))


class NeedFulfilmentSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=1000, label=_("what was done"))


class _ItemSerializer(_Placed):
    display = serializers.CharField(source="__str__", read_only=True)
    agreement = RestrictedPrimaryKeyRelatedField(queryset=Agreement.objects.all(), label=_("agreement"))

    def create(self, validated_data):
        return self.service(actor=self.context["request"].user, **validated_data)


ITEM = ["id", "url", "display", "agreement", "title", "description"]


class ResourceSerializer(_ItemSerializer):
    """A resource the unit offers (资源清单); adds one through `resource_add`."""

    url = IdentityUrlField(view_name="api:cobuilding-resource-detail")
    service = staticmethod(services.resource_add)

    class Meta:
        model = Resource
        fields = [*ITEM, "kind", "quantity", *PLACED, "created_at"]
        read_only_fields = ["created_at"]


class NeedSerializer(_ItemSerializer):
    """A need of the community or street (需求清单); adds one through `need_add`."""

    url = IdentityUrlField(view_name="api:cobuilding-need-detail")
    taken_by_name = serializers.CharField(
        source="taken_by.name", read_only=True, allow_null=True, default=None
    )
    service = staticmethod(services.need_add)

    class Meta:
        model = Need
        fields = [
            *ITEM,
            "needed_by",
            "state",
            "taken_by",
            "taken_by_name",
            "taken_at",
            "fulfilled_at",
            "fulfilment_note",
            *PLACED,
            "created_at",
        ]
        read_only_fields = ["state", "taken_by", "taken_at", "fulfilled_at", "fulfilment_note", "created_at"]


class NeedTakeSerializer(serializers.Serializer):
    partner_unit = RestrictedPrimaryKeyRelatedField(
        queryset=PartnerUnit.objects.all(), label=_("the partner unit taking the need")
    )


class JointProjectSerializer(_ItemSerializer):
    """A project the two sides agree on (项目清单); adds one through `project_add`."""

    url = IdentityUrlField(view_name="api:cobuilding-project-detail")
    service = staticmethod(services.project_add)

    class Meta:
        model = JointProject
        fields = [*ITEM, "planned_on", "status", "completed_at", "completion_note", *PLACED, "created_at"]
        read_only_fields = ["status", "completed_at", "completion_note", "created_at"]


class ProjectStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ProjectStatus.choices, label=_("status"))
    note = serializers.CharField(max_length=1000, required=False, default="", allow_blank=True)


class EvaluationRoundSerializer(_Placed):
    """The two-way evaluation (双向评议) of one year in a street or district; opens one through
    `round_create`."""

    url = IdentityUrlField(view_name="api:cobuilding-round-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    area = RestrictedPrimaryKeyRelatedField(queryset=Area.objects.all(), label=_("street or district"))
    area_name = serializers.CharField(source="area.name", read_only=True)
    is_open = serializers.BooleanField(read_only=True, label=_("open today"))

    class Meta:
        model = EvaluationRound
        fields = [
            "id",
            "url",
            "display",
            "area",
            "area_name",
            "year",
            "opens_on",
            "closes_on",
            "is_open",
            *PLACED,
        ]
        validators = []

    def create(self, validated_data):
        return services.round_create(actor=self.context["request"].user, **validated_data)


class TwoWayEvaluationSerializer(_Placed):
    """One score of the two-way evaluation; records one through `evaluation_record` (inside the round's
    window only)."""

    url = IdentityUrlField(view_name="api:cobuilding-evaluation-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    round = RestrictedPrimaryKeyRelatedField(queryset=EvaluationRound.objects.all(), label=_("round"))
    agreement = RestrictedPrimaryKeyRelatedField(queryset=Agreement.objects.all(), label=_("agreement"))
    direction = serializers.ChoiceField(choices=Direction.choices, label=_("direction"))
    score = serializers.IntegerField(min_value=0, max_value=SCORE_MAX, label=_("score (0 to 100)"))
    grade = serializers.ChoiceField(choices=Grade.choices, read_only=True, label=_("grade"))
    recorded_by = ActorSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "url",
            "display",
            "round",
            "agreement",
            "direction",
            "score",
            "grade",
            "comment",
            "recorded_by",
            "recorded_at",
            *PLACED,
        ]
        read_only_fields = ["recorded_at"]
        validators = []

    def create(self, validated_data):
        return services.evaluation_record(
            actor=self.context["request"].user, evaluation_round=validated_data.pop("round"), **validated_data
        )


class ResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    count = serializers.IntegerField(read_only=True)
    average = serializers.FloatField(read_only=True)
    grade = serializers.ChoiceField(choices=Grade.choices, read_only=True)


class RoundResultsSerializer(serializers.Serializer):
    units = ResultSerializer(
        many=True, read_only=True, help_text=_("per partner unit: scores from communities")
    )
    areas = ResultSerializer(
        many=True, read_only=True, help_text=_("per community or street: scores from units")
    )
