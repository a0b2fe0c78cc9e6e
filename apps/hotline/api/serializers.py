from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers
from rest_framework.settings import api_settings

from apps.areas.api.serializers import ActorSerializer, AreaBriefSerializer
from apps.areas.models import Area
from apps.cases.api.briefs import CaseBriefSerializer, CategoryBriefSerializer
from apps.cases.choices import Rating, Urgency
from apps.cases.models import Category
from apps.core.api.fields import RestrictedPrimaryKeyRelatedField
from apps.hotline.choices import OrderState, TriageReason
from apps.hotline.models import HotlineOrder

RECEIVE_EXAMPLE = {
    "serial": "12345-20261123-000187",
    "title": "小区门口垃圾堆放",
    "description": "市民来电反映：小区南门垃圾三天未清运，气味较大。",
    "category_code": "HJ-01",
    "area_code": "JD-001",
    "address": "幸福路 88 号南门",
    "longitude": 121.4737,
    "latitude": 31.2304,
    "caller_name": "张先生",
    "caller_phone": "13800138000",
    "urgency": "normal",
}


# The view's own examples (its answers) replace a serializer's: it lists these too.
REQUEST_EXAMPLES = [
    OpenApiExample(_("A work order"), value=RECEIVE_EXAMPLE, request_only=True),
    OpenApiExample(
        _("The fewest fields"),
        value={"serial": "12345-20261123-000188", "description": "路灯不亮"},
        request_only=True,
    ),
]


@extend_schema_serializer(examples=REQUEST_EXAMPLES)
class OrderReceiveSerializer(serializers.Serializer):
    """A work order as the hotline sends it. Unknown fields are kept with the order, unread."""

    serial = serializers.CharField(
        label=_("hotline serial number"),
        max_length=64,
        help_text=_(
            "The hotline's own number: letters, digits, dots, hyphens, underscores; unique per client."
        ),
    )
    title = serializers.CharField(
        label=_("title"),
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Optional: the start of the description is used without one."),
    )
    description = serializers.CharField(label=_("description"), max_length=4000)
    category_code = serializers.CharField(
        label=_("category code"),
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The hotline's category code, mapped through the code table."),
    )
    area_code = serializers.CharField(
        label=_("area code"),
        max_length=64,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The hotline's code of the street, community or grid, mapped through the code table."),
    )
    address = serializers.CharField(
        label=_("address"), max_length=200, required=False, allow_blank=True, default=""
    )
    longitude = serializers.FloatField(label=_("longitude"), required=False, allow_null=True, default=None)
    latitude = serializers.FloatField(label=_("latitude"), required=False, allow_null=True, default=None)
    caller_name = serializers.CharField(
        label=_("caller's name"), max_length=50, required=False, allow_blank=True, default=""
    )
    caller_phone = serializers.CharField(
        label=_("caller's phone"),
        max_length=30,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Stored encrypted; never shown again unmasked."),
    )
    urgency = serializers.ChoiceField(label=_("urgency"), choices=Urgency.choices, default=Urgency.NORMAL)

    def validate(self, attrs):
        # The order keeps the whole payload, unknown fields too, and PostgreSQL stores no NUL character.
        for name, value in self.initial_data.items():
            if _holds_nul(name) or _holds_nul(value):
                field = api_settings.NON_FIELD_ERRORS_KEY if _holds_nul(name) else name
                raise serializers.ValidationError({field: [_("Null characters are not allowed.")]})
        return attrs


def _holds_nul(value) -> bool:
    """Whether a parsed JSON value holds a NUL character in a string or a key, at any depth (without
    recursion: the parser admits nesting deeper than Python's recursion limit leaves room for here)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


class OrderSerializer(serializers.Serializer):
    """Where an order stands: its state, and its case once there is one. (A plain serializer: the hotline
    reads it on every delivery, and a model serializer builds its fields anew each time.)"""

    serial = serializers.CharField(read_only=True, max_length=64)
    state = serializers.ChoiceField(choices=OrderState.choices, read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    triage_reason = serializers.ChoiceField(choices=TriageReason.choices, read_only=True, allow_blank=True)
    triage_reason_label = serializers.CharField(source="get_triage_reason_display", read_only=True)
    received_at = serializers.DateTimeField(read_only=True)
    case = CaseBriefSerializer(read_only=True, allow_null=True)
    withdrawn_at = serializers.DateTimeField(read_only=True, allow_null=True)


class OrderReceiptSerializer(OrderSerializer):
    """The answer to a delivery: the order, and whether this delivery repeated a known serial."""

    duplicate = serializers.SerializerMethodField(
        help_text=_("True when the serial was known: nothing new was written.")
    )
    payload_differs = serializers.SerializerMethodField(
        help_text=_("For a repeated serial: the payload differs from the first one, which is the one kept.")
    )
    message = serializers.SerializerMethodField()

    def get_duplicate(self, order) -> bool:
        return not self.context["receipt"].created

    def get_payload_differs(self, order) -> bool:
        return self.context["receipt"].payload_differs

    def get_message(self, order) -> str:
        receipt = self.context["receipt"]
        if receipt.payload_differs:
            return str(
                _("This serial number was received before with a different payload: the first one is kept.")
            )
        if not receipt.created:
            return str(_("This serial number was received before: nothing new was written."))
        if order.state == OrderState.RECEIVED:
            return str(_("The order has been received; its case follows within seconds."))
        if order.case_id:
            return str(_("Case %(serial)s has been created.") % {"serial": order.case.serial})
        return str(
            _("The order waits in the triage queue: %(reason)s.")
            % {"reason": order.get_triage_reason_display()}
        )


class OrderStatusSerializer(OrderSerializer):
    deadline = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text=_("When the case's next running time limit falls due; null when none is running."),
    )
    rating = serializers.CharField(source="case.rating", read_only=True, allow_null=True, default=None)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("reason"), max_length=2000)


class OrderRatingSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices, label=_("rating"))
    comment = serializers.CharField(
        label=_("comment"), max_length=500, required=False, allow_blank=True, default=""
    )


class ClientBriefSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class TriageOrderSerializer(serializers.ModelSerializer):
    """An order as the triage staff see it: everything received, the caller's phone masked."""

    client = ClientBriefSerializer(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    triage_reason_label = serializers.CharField(source="get_triage_reason_display", read_only=True)
    category = CategoryBriefSerializer(read_only=True, allow_null=True)
    area = AreaBriefSerializer(read_only=True)
    caller_phone = serializers.CharField(source="caller_phone_masked", read_only=True)
    case = CaseBriefSerializer(read_only=True, allow_null=True)
    resolved_by = ActorSerializer(read_only=True, allow_null=True)

    class Meta:
        model = HotlineOrder
        fields = [
            "id",
            "client",
            "serial",
            "received_at",
            "state",
            "state_label",
            "triage_reason",
            "triage_reason_label",
            "category_code",
            "area_code",
            "category",
            "area",
            "title",
            "description",
            "address",
            "longitude",
            "latitude",
            "caller_name",
            "caller_phone",
            "urgency",
            "case",
            "note",
            "resolved_by",
            "resolved_at",
        ]
        read_only_fields = fields


class TriageResolveSerializer(serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(is_active=True), label=_("category")
    )
    area = RestrictedPrimaryKeyRelatedField(queryset=Area.objects.filter(is_active=True), label=_("place"))
    remember = serializers.BooleanField(
        label=_("remember this mapping"),
        required=False,
        default=False,
        help_text=_("Save the order's category and area codes as mappings of this category and place."),
    )


class TriageRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("reason"), max_length=2000)
