from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.accounts.scope import user_scope
from apps.areas.api.serializers import ActorSerializer, AreaBriefSerializer
from apps.areas.models import Area
from apps.cases.choices import REPORTABLE_CHANNELS, CaseAction, HandlingLevel, Rating, Urgency
from apps.cases.models import Case, CaseAttachment, CaseEvent, Category, RoutingRule
from apps.cases.selectors import CASE_BUCKETS, case_actions
from apps.core.api.fields import IdentityUrlField, RestrictedPrimaryKeyRelatedField
from apps.core.api.files import file_url
from apps.core.api.idempotency import IdempotentCreateSerializer
from apps.dispatch.api.serializers import CaseOrderSerializer

from .briefs import CategoryBriefSerializer, DepartmentBriefSerializer


def _ancestor(label):
    return {"read_only": True, "allow_null": True, "label": label}


class CaseSerializer(serializers.ModelSerializer):
    """A case as listed: no timeline, no reporter, nothing that needs more than its own row."""

    url = IdentityUrlField(view_name="api:case-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    category = CategoryBriefSerializer(read_only=True)
    area = AreaBriefSerializer(read_only=True)
    district = serializers.IntegerField(source="district_id", **_ancestor(_("district")))
    street = serializers.IntegerField(source="street_id", **_ancestor(_("street")))
    community = serializers.IntegerField(source="community_id", **_ancestor(_("community")))
    grid = serializers.IntegerField(source="grid_id", **_ancestor(_("grid")))
    building = serializers.IntegerField(source="building_id", **_ancestor(_("building")))
    lead_department = serializers.IntegerField(source="lead_department_id", **_ancestor(_("lead department")))

    class Meta:
        model = Case
        fields = [
            "id",
            "url",
            "display",
            "serial",
            "title",
            "status",
            "status_label",
            "channel",
            "urgency",
            "category",
            "area",
            "district",
            "street",
            "community",
            "grid",
            "building",
            "address",
            "longitude",
            "latitude",
            "lead_department",
            "suspended_at",
            "leader_claimed_at",
            "reopen_count",
            "external_system",
            "external_ref",
            "created_at",
            "accepted_at",
            "dispatched_at",
            "resolved_at",
            "closed_at",
        ]
        read_only_fields = fields


class CaseEventSerializer(serializers.ModelSerializer):
    """One entry of the timeline."""

    action_label = serializers.CharField(source="get_action_display", read_only=True)
    actor = ActorSerializer(read_only=True, allow_null=True)

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "action",
            "action_label",
            "actor",
            "from_status",
            "to_status",
            "reason",
            "data",
            "created_at",
        ]
        read_only_fields = fields


class CaseAttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=_("The file, for those who may see the case."))

    class Meta:
        model = CaseAttachment
        fields = ["id", "url", "event", "kind", "name", "content_type", "size", "created_at"]
        read_only_fields = fields

    def get_url(self, attachment: CaseAttachment) -> str:
        # Served by the API, after the same scope check as the case itself (a token or a key works there).
        return file_url(self, "api:case-attachment", pk=attachment.case_id, attachment_id=attachment.pk)


@extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=CaseAction.choices)))
class CaseActionsField(serializers.Field):
    """The case-level actions the requesting user may take now."""

    def __init__(self, **kwargs):
        kwargs["read_only"] = True
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def to_representation(self, case: Case) -> list[str]:
        return sorted(case_actions(self.context["request"].user, case))


class CaseDetailSerializer(CaseSerializer):
    """One case with its timeline, orders and their deadlines, attachments, and what the user may do now.
    The reporter's phone is only ever shown masked, and the reporter only to the staff of the case's
    areas: a department called in on the case sees neither."""

    description = serializers.CharField(read_only=True)
    reporter_phone = serializers.CharField(source="reporter_phone_masked", read_only=True)
    merged_into = serializers.IntegerField(source="merged_into_id", **_ancestor(_("merged into")))
    leader_claimed_by = ActorSerializer(read_only=True, allow_null=True)
    created_by = ActorSerializer(read_only=True, allow_null=True)
    events = CaseEventSerializer(many=True, read_only=True)
    orders = CaseOrderSerializer(many=True, read_only=True)
    attachments = CaseAttachmentSerializer(many=True, read_only=True)
    actions = CaseActionsField(label=_("actions allowed now"))

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "description",
            "reporter_name",
            "reporter_phone",
            "handled_in_grid",
            "merged_into",
            "leader_claimed_by",
            "rating",
            "rating_comment",
            "created_by",
            "verified_at",
            "rated_at",
            "events",
            "orders",
            "attachments",
            "actions",
        ]
        read_only_fields = fields

    def to_representation(self, case: Case) -> dict:
        data = super().to_representation(case)
        if not user_scope(self.context["request"].user).holds("case.view", case.area):
            data["reporter_name"] = data["reporter_phone"] = ""
        return data


class CaseCreateSerializer(IdempotentCreateSerializer):
    """A case report. The idempotency key comes in the Idempotency-Key header or in this field: a retry
    with the same key answers the case reported the first time, and reports nothing new."""

    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), label=_("category"))
    area = RestrictedPrimaryKeyRelatedField(queryset=Area.objects.all(), label=_("area"))
    channel = serializers.ChoiceField(choices=REPORTABLE_CHANNELS, label=_("channel"))
    title = serializers.CharField(label=_("title"), max_length=100)
    description = serializers.CharField(label=_("description"), max_length=4000)
    address = serializers.CharField(
        label=_("address"), max_length=200, required=False, allow_blank=True, default=""
    )
    longitude = serializers.FloatField(
        label=_("longitude"), min_value=-180, max_value=180, required=False, allow_null=True, default=None
    )
    latitude = serializers.FloatField(
        label=_("latitude"), min_value=-90, max_value=90, required=False, allow_null=True, default=None
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL, label=_("urgency"))
    reporter_name = serializers.CharField(
        label=_("reporter's name"), max_length=50, required=False, allow_blank=True, default=""
    )
    reporter_phone = serializers.CharField(
        label=_("reporter's phone"),
        max_length=30,
        required=False,
        allow_blank=True,
        default="",
        write_only=True,
    )
    external_system = serializers.CharField(
        label=_("external system"), max_length=30, required=False, allow_blank=True, default=""
    )
    external_ref = serializers.CharField(
        label=_("external reference"), max_length=64, required=False, allow_blank=True, default=""
    )
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


# The input of the case actions.


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        label=_("note"), max_length=2000, required=False, allow_blank=True, default=""
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("reason"), max_length=2000)


class ResolveInGridSerializer(serializers.Serializer):
    account = serializers.CharField(label=_("what was done"), max_length=4000)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class VerifySerializer(serializers.Serializer):
    passed = serializers.BooleanField(label=_("passed"))
    note = serializers.CharField(
        label=_("note"), max_length=2000, required=False, allow_blank=True, default=""
    )
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class RateSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices, label=_("rating"))
    comment = serializers.CharField(
        label=_("comment"), max_length=500, required=False, allow_blank=True, default=""
    )


class MergeSerializer(serializers.Serializer):
    into = RestrictedPrimaryKeyRelatedField(queryset=Case.objects.all(), label=_("merge into case"))
    note = serializers.CharField(
        label=_("note"), max_length=2000, required=False, allow_blank=True, default=""
    )


CaseInboxSerializer = type(
    "CaseInboxSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "How many cases the user sees in each bucket of the staff inbox.",
        **{bucket: serializers.IntegerField(read_only=True) for bucket in CASE_BUCKETS},
    },
)


class RouteQuerySerializer(serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), label=_("category"))
    area = RestrictedPrimaryKeyRelatedField(queryset=Area.objects.all(), label=_("area"))


class RoutingRuleSerializer(serializers.ModelSerializer):
    category = CategoryBriefSerializer(read_only=True)
    area = AreaBriefSerializer(read_only=True, allow_null=True)
    handling_level = serializers.ChoiceField(choices=HandlingLevel.choices, read_only=True)
    handling_level_label = serializers.CharField(source="get_handling_level_display", read_only=True)
    department = DepartmentBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = RoutingRule
        fields = ["id", "category", "area", "handling_level", "handling_level_label", "department", "note"]
        read_only_fields = fields


class RouteSerializer(serializers.Serializer):
    rule = RoutingRuleSerializer(read_only=True, allow_null=True, help_text=_("None when no rule applies."))
