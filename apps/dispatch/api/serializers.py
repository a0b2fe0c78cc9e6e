from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.areas.api.serializers import ActorSerializer, AreaBriefSerializer
from apps.cases.api.briefs import CaseBriefSerializer, DepartmentBriefSerializer
from apps.cases.models import Category
from apps.core.api.fields import IdentityUrlField, RestrictedPrimaryKeyRelatedField
from apps.departments.models import Department
from apps.dispatch.choices import WHISTLE_KINDS, ResponseRating, SupervisionLevel
from apps.dispatch.models import (
    WHISTLE_LEVELS,
    Deadline,
    DispatchOrder,
    Escalation,
    ExtensionRequest,
    SlaPolicy,
    Supervision,
    Whistle,
)
from apps.dispatch.selectors import ORDER_BUCKETS
from apps.workcalendar.choices import Clock

WHISTLE_KIND_CHOICES = [(kind.value, kind.label) for kind in WHISTLE_KINDS]


class DeadlineSerializer(serializers.ModelSerializer):
    """A time limit of an order, with the policy version it was computed from."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    policy_version = serializers.IntegerField(source="policy.version", read_only=True)

    class Meta:
        model = Deadline
        fields = [
            "id",
            "order",
            "kind",
            "kind_label",
            "clock",
            "minutes",
            "extended_minutes",
            "started_at",
            "due_at",
            "provisional",
            "state",
            "state_label",
            "warnings_fired",
            "paused_at",
            "met_at",
            "breached_at",
            "policy",
            "policy_version",
        ]
        read_only_fields = fields


class OrderSerializer(serializers.ModelSerializer):
    """A dispatch order as listed: its case, department, state and facts."""

    url = IdentityUrlField(view_name="api:order-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    case = CaseBriefSerializer(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    department = DepartmentBriefSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    policy_version = serializers.IntegerField(source="policy.version", read_only=True)

    class Meta:
        model = DispatchOrder
        fields = [
            "id",
            "url",
            "display",
            "case",
            "kind",
            "kind_label",
            "department",
            "is_lead",
            "whistle",
            "status",
            "status_label",
            "policy",
            "policy_version",
            "dispatching_area",
            "instructions",
            "created_at",
            "accepted_at",
            "accept_breached_at",
            "resolved_at",
            "resolve_breached_at",
            "minutes_over",
            "returned_at",
            "response_rating",
        ]
        read_only_fields = fields


class OrderDetailSerializer(OrderSerializer):
    """One order with its deadlines, the handler's account and the grounds of a return."""

    deadlines = DeadlineSerializer(many=True, read_only=True)
    suggested_department = DepartmentBriefSerializer(read_only=True, allow_null=True)

    class Meta(OrderSerializer.Meta):
        fields = [
            *OrderSerializer.Meta.fields,
            "resolution",
            "return_reason",
            "suggested_department",
            "suggested_owner",
            "response_comment",
            "deadlines",
        ]
        read_only_fields = fields


class CaseOrderSerializer(OrderDetailSerializer):
    """An order inside its case's answer: the case is around it already."""

    class Meta(OrderDetailSerializer.Meta):
        fields = [field for field in OrderDetailSerializer.Meta.fields if field != "case"]
        read_only_fields = fields


class WhistleOrderSerializer(serializers.ModelSerializer):
    department = DepartmentBriefSerializer(read_only=True)

    class Meta:
        model = DispatchOrder
        fields = ["id", "department", "is_lead", "status"]
        read_only_fields = fields


class WhistleSerializer(serializers.ModelSerializer):
    """A whistle with the departments it called."""

    url = IdentityUrlField(view_name="api:whistle-detail")
    case = CaseBriefSerializer(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    area = AreaBriefSerializer(read_only=True)
    blown_by = ActorSerializer(read_only=True, allow_null=True)
    orders = WhistleOrderSerializer(many=True, read_only=True)

    class Meta:
        model = Whistle
        fields = [
            "id",
            "url",
            "case",
            "kind",
            "kind_label",
            "level",
            "area",
            "reason",
            "blown_by",
            "escalated_from",
            "created_at",
            "orders",
        ]
        read_only_fields = fields


class SupervisionSerializer(serializers.ModelSerializer):
    case = CaseBriefSerializer(read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    issued_by = ActorSerializer(read_only=True)
    issuing_area = AreaBriefSerializer(read_only=True)

    class Meta:
        model = Supervision
        fields = [
            "id",
            "case",
            "order",
            "level",
            "level_label",
            "note",
            "issued_by",
            "issuing_area",
            "created_at",
        ]
        read_only_fields = fields


class ExtensionRequestSerializer(serializers.ModelSerializer):
    url = IdentityUrlField(view_name="api:extension-request-detail")
    case = CaseBriefSerializer(source="order.case", read_only=True)
    department = DepartmentBriefSerializer(source="order.department", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    requested_by = ActorSerializer(read_only=True)
    decided_by = ActorSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "url",
            "order",
            "case",
            "department",
            "minutes",
            "reason",
            "requested_by",
            "requested_at",
            "status",
            "status_label",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = fields


class EscalationSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="order.case_id", read_only=True)
    department = DepartmentBriefSerializer(source="order.department", read_only=True)

    class Meta:
        model = Escalation
        fields = ["id", "order", "case", "department", "from_level", "to_level", "whistle", "created_at"]
        read_only_fields = fields


class SlaPolicySerializer(serializers.ModelSerializer):
    """One version of a policy; POST writes the next version (superusers)."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), allow_null=True, required=False, label=_("category")
    )
    level = serializers.ChoiceField(
        choices=WHISTLE_LEVELS, allow_null=True, required=False, label=_("whistling level")
    )
    accept_clock = serializers.ChoiceField(choices=Clock.choices, label=_("clock to sign for or check in"))
    resolve_clock = serializers.ChoiceField(choices=Clock.choices, label=_("clock to resolve"))
    warn_percents = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=99),
        default=list,
        label=_("warn at (percent of the time)"),
    )
    created_by = ActorSerializer(read_only=True, allow_null=True)

    class Meta:
        model = SlaPolicy
        fields = [
            "id",
            "kind",
            "kind_label",
            "category",
            "level",
            "version",
            "accept_minutes",
            "accept_clock",
            "resolve_minutes",
            "resolve_clock",
            "warn_percents",
            "is_active",
            "note",
            "created_by",
            "created_at",
        ]
        read_only_fields = ["version", "is_active", "created_by", "created_at"]
        # The service numbers the versions itself.
        validators = []


OrderInboxSerializer = type(
    "OrderInboxSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "How many of the user's department orders are in each bucket of the handler's inbox.",
        **{bucket: serializers.IntegerField(read_only=True) for bucket in ORDER_BUCKETS},
    },
)


# The input of the order actions.


class OrderAcceptSerializer(serializers.Serializer):
    note = serializers.CharField(
        label=_("note"), max_length=2000, required=False, allow_blank=True, default=""
    )


class OrderResolveSerializer(serializers.Serializer):
    account = serializers.CharField(label=_("what was done"), max_length=4000)
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class OrderReturnSerializer(serializers.Serializer):
    grounds = serializers.CharField(label=_("grounds for return"), max_length=2000)
    suggested_department = RestrictedPrimaryKeyRelatedField(
        queryset=Department.objects.all(), allow_null=True, required=False, label=_("suggested department")
    )
    suggested_owner = serializers.CharField(
        label=_("suggested owner (other)"), max_length=100, required=False, allow_blank=True, default=""
    )


class ExtensionAskSerializer(serializers.Serializer):
    minutes = serializers.IntegerField(label=_("extra time (minutes)"), min_value=1, max_value=60 * 24 * 90)
    reason = serializers.CharField(label=_("reason"), max_length=2000)


class ResponseRateSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=ResponseRating.choices, label=_("response rating"))
    comment = serializers.CharField(
        label=_("comment"), max_length=500, required=False, allow_blank=True, default=""
    )


class ExtensionDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField(label=_("approve"))
    note = serializers.CharField(
        label=_("note"), max_length=500, required=False, allow_blank=True, default=""
    )


# The input of the case actions that create dispatch rows (the case API takes them).


class CaseDispatchSerializer(serializers.Serializer):
    department = RestrictedPrimaryKeyRelatedField(queryset=Department.objects.all(), label=_("department"))
    instructions = serializers.CharField(
        label=_("instructions"), max_length=2000, required=False, allow_blank=True, default=""
    )


class WhistleBlowSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=WHISTLE_KIND_CHOICES, label=_("kind of whistle"))
    departments = RestrictedPrimaryKeyRelatedField(
        queryset=Department.objects.all(), many=True, label=_("departments called")
    )
    lead = RestrictedPrimaryKeyRelatedField(
        queryset=Department.objects.all(), allow_null=True, required=False, label=_("lead department")
    )
    reason = serializers.CharField(label=_("reason"), max_length=2000)


class SuperviseSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=SupervisionLevel.choices, label=_("level"))
    note = serializers.CharField(label=_("instructions"), max_length=2000)
    order = RestrictedPrimaryKeyRelatedField(
        queryset=DispatchOrder.objects.all(), allow_null=True, required=False, label=_("order")
    )
