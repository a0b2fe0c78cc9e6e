"""Households and residents in the API. Personal numbers are only ever answered as masks; they are written
through write-only fields, and a plain number comes only from the reveal action (logged)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.areas.api.serializers import ActorSerializer
from apps.areas.models import Area
from apps.core.api.fields import IdentityUrlField, RestrictedPrimaryKeyRelatedField
from apps.party.models import PartyMember
from apps.residents.choices import RevealedField
from apps.residents.models import CareTag, Household, HouseholdEvent, Resident, ResidentAccess, RiskRule
from apps.residents.services import (
    household_create,
    household_update,
    resident_add,
    resident_update,
)


def _ancestor(label):
    return {"read_only": True, "allow_null": True, "label": label}


class CareTagSerializer(serializers.ModelSerializer):
    class Meta:
        model = CareTag
        fields = ["id", "code", "name", "is_active", "sort_order"]
        read_only_fields = fields


class CareTagBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = CareTag
        fields = ["id", "code", "name"]
        read_only_fields = fields


class RiskRuleSerializer(serializers.ModelSerializer):
    colour_label = serializers.CharField(source="get_colour_display", read_only=True)

    class Meta:
        model = RiskRule
        fields = ["id", "code", "name", "colour", "colour_label", "description", "is_active", "sort_order"]
        read_only_fields = fields


class HouseholdSerializer(serializers.ModelSerializer):
    """A household as listed, built from its own row: related rows are given by id."""

    url = IdentityUrlField(view_name="api:household-detail")
    display = serializers.CharField(source="address", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    risk_colour_label = serializers.CharField(source="get_risk_colour_display", read_only=True)
    building = RestrictedPrimaryKeyRelatedField(queryset=Area.objects.all(), label=_("building"))
    district = serializers.IntegerField(source="district_id", **_ancestor(_("district")))
    street = serializers.IntegerField(source="street_id", **_ancestor(_("street")))
    community = serializers.IntegerField(source="community_id", **_ancestor(_("community")))
    grid = serializers.IntegerField(source="grid_id", **_ancestor(_("grid")))
    risk_rule = serializers.IntegerField(source="risk_rule_id", **_ancestor(_("risk rule")))
    visit_plan = serializers.IntegerField(source="visit_plan_id", **_ancestor(_("visit plan")))

    class Meta:
        model = Household
        fields = [
            "id",
            "url",
            "display",
            "building",
            "district",
            "street",
            "community",
            "grid",
            "unit",
            "floor",
            "room",
            "address",
            "kind",
            "kind_label",
            "risk_colour",
            "risk_colour_label",
            "risk_rule",
            "risk_set_at",
            "notes",
            "is_active",
            "last_visited_at",
            "visit_plan",
            "visit_interval_days",
            "visit_due_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "risk_colour",
            "risk_set_at",
            "is_active",
            "last_visited_at",
            "visit_interval_days",
            "visit_due_on",
        ]
        extra_kwargs = {
            "address": {"required": False, "allow_blank": True},
            "notes": {"required": False},
        }
        # The services refuse a taken room with their own message, on the room field.
        validators = []

    def create(self, validated_data):
        return household_create(actor=self.context["request"].user, **validated_data)


class HouseholdEventSerializer(serializers.ModelSerializer):
    """One entry of the household's timeline: what changed, never the personal numbers themselves."""

    action_label = serializers.CharField(source="get_action_display", read_only=True)
    actor = ActorSerializer(read_only=True, allow_null=True)
    resident = serializers.IntegerField(source="resident_id", **_ancestor(_("resident")))

    class Meta:
        model = HouseholdEvent
        fields = ["id", "action", "action_label", "actor", "resident", "reason", "data", "created_at"]
        read_only_fields = fields


class ResidentSerializer(serializers.ModelSerializer):
    """A resident, masked. The ID number and phone are written here and never read back in full."""

    url = IdentityUrlField(view_name="api:resident-detail")
    display = serializers.CharField(source="name", read_only=True)
    household = RestrictedPrimaryKeyRelatedField(queryset=Household.objects.all(), label=_("household"))
    district = serializers.IntegerField(source="district_id", **_ancestor(_("district")))
    street = serializers.IntegerField(source="street_id", **_ancestor(_("street")))
    community = serializers.IntegerField(source="community_id", **_ancestor(_("community")))
    grid = serializers.IntegerField(source="grid_id", **_ancestor(_("grid")))
    building = serializers.IntegerField(source="building_id", **_ancestor(_("building")))
    gender_label = serializers.CharField(source="get_gender_display", read_only=True)
    relation_label = serializers.CharField(source="get_relation_display", read_only=True)
    residence_label = serializers.CharField(source="get_residence_display", read_only=True)
    id_number = serializers.CharField(
        label=_("ID number"), max_length=30, required=False, allow_blank=True, write_only=True
    )
    phone = serializers.CharField(
        label=_("phone"), max_length=30, required=False, allow_blank=True, write_only=True
    )
    tags = serializers.PrimaryKeyRelatedField(
        queryset=CareTag.objects.all(), many=True, required=False, label=_("care groups")
    )
    party_member = RestrictedPrimaryKeyRelatedField(
        queryset=PartyMember.objects.all(), allow_null=True, required=False, label=_("party member")
    )

    class Meta:
        model = Resident
        fields = [
            "id",
            "url",
            "display",
            "household",
            "district",
            "street",
            "community",
            "grid",
            "building",
            "name",
            "gender",
            "gender_label",
            "birth_year",
            "id_number",
            "id_number_mask",
            "phone",
            "phone_mask",
            "relation",
            "relation_label",
            "residence",
            "residence_label",
            "tags",
            "party_member",
            "is_active",
            "moved_out_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id_number_mask", "phone_mask", "is_active", "moved_out_at"]
        extra_kwargs = {"gender": {"required": False}, "birth_year": {"required": False}}
        validators = []

    def create(self, validated_data):
        return resident_add(actor=self.context["request"].user, **validated_data)


class ResidentUpdateSerializer(ResidentSerializer):
    """A resident's changes: leaving out the ID number or the phone keeps it, "" erases it."""

    household = serializers.PrimaryKeyRelatedField(read_only=True, label=_("household"))

    def update(self, instance, validated_data):
        return resident_update(actor=self.context["request"].user, resident=instance, **validated_data)


class ResidentBriefSerializer(serializers.ModelSerializer):
    """A resident living in a household, as the household's detail lists them (masked)."""

    url = IdentityUrlField(view_name="api:resident-detail")
    tags = CareTagBriefSerializer(many=True, read_only=True)

    class Meta:
        model = Resident
        fields = [
            "id",
            "url",
            "name",
            "gender",
            "birth_year",
            "id_number_mask",
            "phone_mask",
            "relation",
            "residence",
            "tags",
        ]
        read_only_fields = fields


class HouseholdDetailSerializer(HouseholdSerializer):
    """One household with the residents living there, its risk rule and its timeline."""

    risk_rule = RiskRuleSerializer(read_only=True, allow_null=True)
    residents = ResidentBriefSerializer(many=True, read_only=True)
    events = HouseholdEventSerializer(many=True, read_only=True)

    class Meta(HouseholdSerializer.Meta):
        fields = [*HouseholdSerializer.Meta.fields, "residents", "events"]


class HouseholdUpdateSerializer(HouseholdDetailSerializer):
    """A household's unit, floor, room, address, kind or notes; it never changes building."""

    building = serializers.PrimaryKeyRelatedField(read_only=True, label=_("building"))

    def update(self, instance, validated_data):
        return household_update(actor=self.context["request"].user, household=instance, **validated_data)


# The input of the actions.


class RiskSerializer(serializers.Serializer):
    rule = serializers.PrimaryKeyRelatedField(queryset=RiskRule.objects.all(), label=_("risk rule"))
    reason = serializers.CharField(label=_("reason"), max_length=2000, required=False, default="")


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=RevealedField.choices, label=_("number to show in full"))
    # Checked by `resident_reveal`, which words the refusal.
    reason = serializers.CharField(
        label=_("reason"), max_length=200, required=False, allow_blank=True, default=""
    )


class RevealedSerializer(serializers.Serializer):
    value = serializers.CharField(read_only=True, help_text=_("The number in full; this view is logged."))


class MoveOutSerializer(serializers.Serializer):
    reason = serializers.CharField(
        label=_("reason"), max_length=2000, required=False, allow_blank=True, default=""
    )


class AccessLogSerializer(serializers.ModelSerializer):
    """Who saw or exported whose number in full, when and why."""

    user = ActorSerializer(read_only=True)
    resident = serializers.IntegerField(source="resident_id", read_only=True, label=_("whose"))
    resident_name = serializers.CharField(source="resident.name", read_only=True)
    field_label = serializers.CharField(source="get_field_display", read_only=True)
    purpose_label = serializers.CharField(source="get_purpose_display", read_only=True)
    district = serializers.IntegerField(source="district_id", **_ancestor(_("district")))
    street = serializers.IntegerField(source="street_id", **_ancestor(_("street")))
    community = serializers.IntegerField(source="community_id", **_ancestor(_("community")))
    grid = serializers.IntegerField(source="grid_id", **_ancestor(_("grid")))
    building = serializers.IntegerField(source="building_id", **_ancestor(_("building")))

    class Meta:
        model = ResidentAccess
        fields = [
            "id",
            "user",
            "resident",
            "resident_name",
            "field",
            "field_label",
            "purpose",
            "purpose_label",
            "reason",
            "ip_address",
            "district",
            "street",
            "community",
            "grid",
            "building",
            "created_at",
        ]
        read_only_fields = fields
