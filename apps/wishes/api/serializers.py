from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.areas.models import Area
from apps.core.api.fields import IdentityUrlField, RestrictedPrimaryKeyRelatedField
from apps.party.models import PartnerUnit, PartyMember, PartyOrganisation
from apps.residents.models import Resident
from apps.wishes.models import RATING_MAX, RATING_MIN, MicroWish, WishEvent
from apps.wishes.selectors import sees_resident
from apps.wishes.services import wish_post


class WishEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", default=None, read_only=True)

    class Meta:
        model = WishEvent
        fields = ["action", "actor", "from_state", "to_state", "note", "data", "created_at"]


class WishSerializer(serializers.ModelSerializer):
    """A micro wish; posts one through `wish_post`. The resident's name (and the link to the resident's
    record) reach only who holds "cogov.change" where the wish lies; everyone else reads the name masked."""

    url = IdentityUrlField(view_name="api:microwish-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    area = RestrictedPrimaryKeyRelatedField(queryset=Area.objects.all(), label=_("area"))
    resident = RestrictedPrimaryKeyRelatedField(
        queryset=Resident.objects.all(), allow_null=True, required=False, label=_("resident record")
    )
    consent = serializers.BooleanField(
        label=_("the resident agreed to publication"), write_only=True, required=False, default=False
    )
    claimant_kind = serializers.CharField(read_only=True)
    claimant = serializers.CharField(source="claimant_name", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = MicroWish
        fields = [
            "id",
            "url",
            "display",
            "title",
            "description",
            "category",
            "area",
            "resident_name",
            "resident",
            "consent",
            "state",
            "is_overdue",
            "claim_by",
            "fulfil_by",
            "claimant_kind",
            "claimant",
            "member",
            "organisation",
            "partner_unit",
            "claimed_at",
            "fulfilled_at",
            "fulfilment_note",
            "confirmed_at",
            "rating",
            "thanks",
            "rated_at",
            "withdrawn_at",
            "withdraw_reason",
            "created_at",
            "district",
            "street",
            "community",
        ]
        read_only_fields = [
            "state",
            "fulfil_by",
            "member",
            "organisation",
            "partner_unit",
            "claimed_at",
            "fulfilled_at",
            "fulfilment_note",
            "confirmed_at",
            "rating",
            "thanks",
            "rated_at",
            "withdrawn_at",
            "withdraw_reason",
            "created_at",
            "district",
            "street",
            "community",
        ]
        extra_kwargs = {"claim_by": {"required": False}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not sees_resident(request.user, instance):
            data["resident_name"] = instance.resident_masked
            data["resident"] = None
        return data

    def create(self, validated_data):
        return wish_post(actor=self.context["request"].user, **validated_data)


class WishDetailSerializer(WishSerializer):
    events = WishEventSerializer(many=True, read_only=True)

    class Meta(WishSerializer.Meta):
        fields = [*WishSerializer.Meta.fields, "events"]


class WishClaimSerializer(serializers.Serializer):
    """Exactly one of member, organisation and partner_unit."""

    member = RestrictedPrimaryKeyRelatedField(
        queryset=PartyMember.objects.all(), required=False, allow_null=True, label=_("party member")
    )
    organisation = RestrictedPrimaryKeyRelatedField(
        queryset=PartyOrganisation.objects.all(),
        required=False,
        allow_null=True,
        label=_("party organisation"),
    )
    partner_unit = RestrictedPrimaryKeyRelatedField(
        queryset=PartnerUnit.objects.all(), required=False, allow_null=True, label=_("partner unit")
    )
    fulfil_by = serializers.DateField(required=False, allow_null=True, label=_("to be fulfilled by"))
    note = serializers.CharField(required=False, allow_blank=True, default="", label=_("note"))


class WishFulfilSerializer(serializers.Serializer):
    note = serializers.CharField(label=_("what was done"))


class WishNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", label=_("note"))


class WishRateSerializer(serializers.Serializer):
    rating = serializers.IntegerField(
        required=False, allow_null=True, min_value=RATING_MIN, max_value=RATING_MAX, label=_("rating")
    )
    thanks = serializers.CharField(required=False, allow_blank=True, default="", label=_("thanks"))


class WishWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("reason"))
