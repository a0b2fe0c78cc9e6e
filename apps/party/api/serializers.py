from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.areas.api.serializers import AreaBriefSerializer
from apps.areas.models import Area
from apps.core.api.fields import IdentityUrlField, RestrictedPrimaryKeyRelatedField
from apps.party.choices import RegistrationSource
from apps.party.models import (
    MemberRegistration,
    PartnerUnit,
    PartyMember,
    PartyOrganisation,
    RegistrationEvent,
    ServiceRecord,
)
from apps.party.selectors import registration_communities
from apps.party.services import member_add, organisation_create, partner_unit_create, service_log


class OrganisationSerializer(serializers.ModelSerializer):
    """A party organisation; creates one through `organisation_create`."""

    url = serializers.HyperlinkedIdentityField(view_name="api:partyorganisation-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    area = RestrictedPrimaryKeyRelatedField(queryset=Area.objects.all(), label=_("area"))
    parent = RestrictedPrimaryKeyRelatedField(
        queryset=PartyOrganisation.objects.all(), allow_null=True, required=False, label=_("parent")
    )

    class Meta:
        model = PartyOrganisation
        fields = [
            "id",
            "url",
            "display",
            "name",
            "kind",
            "is_joint",
            "area",
            "parent",
            "secretary",
            "founded_on",
            "district",
            "street",
            "community",
            "grid",
        ]
        read_only_fields = ["secretary", "district", "street", "community", "grid"]
        # The service decides whether the name is free in the area, with its own message.
        validators = []

    def create(self, validated_data):
        validated_data.setdefault("parent", None)
        return organisation_create(actor=self.context["request"].user, **validated_data)


class MemberSerializer(serializers.ModelSerializer):
    """A party member on an organisation's roster; adds one through `member_add`."""

    url = serializers.HyperlinkedIdentityField(view_name="api:partymember-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    organisation = RestrictedPrimaryKeyRelatedField(
        queryset=PartyOrganisation.objects.all(), label=_("organisation")
    )

    class Meta:
        model = PartyMember
        fields = [
            "id",
            "url",
            "display",
            "name",
            "organisation",
            "area",
            "gender",
            "birth_year",
            "joined_on",
            "is_working_member",
            "workplace",
        ]
        read_only_fields = ["area"]

    def create(self, validated_data):
        return member_add(actor=self.context["request"].user, **validated_data)


class PartnerUnitSerializer(serializers.ModelSerializer):
    """A unit resident in an area that co-builds with it; creates one through `partner_unit_create`."""

    url = serializers.HyperlinkedIdentityField(view_name="api:partnerunit-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    area = RestrictedPrimaryKeyRelatedField(queryset=Area.objects.all(), label=_("area"))

    class Meta:
        model = PartnerUnit
        fields = [
            "id",
            "url",
            "display",
            "name",
            "unit_type",
            "area",
            "address",
            "contact_name",
            "contact_phone",
            "district",
            "street",
            "community",
        ]
        read_only_fields = ["district", "street", "community"]
        validators = []

    def create(self, validated_data):
        return partner_unit_create(actor=self.context["request"].user, **validated_data)


class CoverageQuerySerializer(serializers.Serializer):
    area = serializers.IntegerField(label=_("area"))


class CoverageSerializer(serializers.Serializer):
    area = AreaBriefSerializer(read_only=True)
    grids = serializers.IntegerField(read_only=True)
    grids_with_branch = serializers.IntegerField(read_only=True)
    branch_rate = serializers.FloatField(read_only=True, allow_null=True)
    buildings = serializers.IntegerField(read_only=True)
    buildings_with_group = serializers.IntegerField(read_only=True)
    group_rate = serializers.FloatField(read_only=True, allow_null=True)


class CoverageReportSerializer(serializers.Serializer):
    total = CoverageSerializer(read_only=True)
    children = CoverageSerializer(many=True, read_only=True)


class RegistrationSerializer(serializers.ModelSerializer):
    """A working member registered with a community, as `selectors.registrations` reads it."""

    url = IdentityUrlField(view_name="api:party-registration-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    member_name = serializers.CharField(source="member.name", read_only=True)
    organisation = serializers.IntegerField(source="member.organisation_id", read_only=True)
    organisation_name = serializers.CharField(source="member.organisation.name", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    hours_this_year = serializers.DecimalField(max_digits=9, decimal_places=1, read_only=True)
    last_served_on = serializers.DateField(read_only=True, allow_null=True)
    is_active = serializers.BooleanField(
        source="is_serving", read_only=True, help_text=_("Registered, with service in the last 90 days.")
    )

    class Meta:
        model = MemberRegistration
        fields = [
            "id",
            "url",
            "display",
            "member",
            "member_name",
            "organisation",
            "organisation_name",
            "community",
            "community_name",
            "area",
            "area_name",
            "source",
            "state",
            "registered_at",
            "ended_at",
            "end_reason",
            "hours_this_year",
            "last_served_on",
            "is_active",
            "district",
            "street",
            "grid",
            "building",
        ]
        read_only_fields = fields


class RegistrationEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.display_name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = RegistrationEvent
        fields = ["id", "action", "actor", "from_state", "to_state", "note", "data", "created_at"]
        read_only_fields = fields


class RegistrationDetailSerializer(RegistrationSerializer):
    """A registration with its timeline."""

    events = RegistrationEventSerializer(many=True, read_only=True)

    class Meta(RegistrationSerializer.Meta):
        fields = [*RegistrationSerializer.Meta.fields, "events"]
        read_only_fields = fields


class RegistrationCommunityField(serializers.PrimaryKeyRelatedField):
    """A community the requesting user may register members with (`registration_communities`)."""

    def get_queryset(self):
        request = self.context.get("request")
        return Area.objects.none() if request is None else registration_communities(request.user)


class RegistrationCreateSerializer(serializers.Serializer):
    member = RestrictedPrimaryKeyRelatedField(queryset=PartyMember.objects.all(), label=_("working member"))
    community = RegistrationCommunityField(queryset=Area.objects.all(), label=_("residence community"))
    source = serializers.ChoiceField(choices=RegistrationSource.choices, label=_("registered by the side of"))
    area = RestrictedPrimaryKeyRelatedField(
        queryset=Area.objects.all(), required=False, allow_null=True, label=_("grid or building")
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, label=_("note"))


class AssignSerializer(serializers.Serializer):
    area = RestrictedPrimaryKeyRelatedField(queryset=Area.objects.all(), label=_("grid or building"))
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, label=_("note"))


class EndSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, label=_("reason for ending"))


class ServiceRecordSerializer(serializers.ModelSerializer):
    """Service a registered member gave; logs one through `service_log`."""

    url = IdentityUrlField(view_name="api:party-service-record-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    registration = RestrictedPrimaryKeyRelatedField(
        queryset=MemberRegistration.objects.all(), label=_("registration")
    )
    # The range (more than 0, at most 24) is the service's to check, with its own message.
    hours = serializers.DecimalField(max_digits=4, decimal_places=1, label=_("hours"))

    class Meta:
        model = ServiceRecord
        fields = [
            "id",
            "url",
            "display",
            "registration",
            "title",
            "description",
            "served_on",
            "hours",
            "area",
            "recorded_by",
            "created_at",
            "district",
            "street",
            "community",
            "grid",
            "building",
        ]
        read_only_fields = [
            "area",
            "recorded_by",
            "created_at",
            "district",
            "street",
            "community",
            "grid",
            "building",
        ]

    def create(self, validated_data):
        return service_log(actor=self.context["request"].user, **validated_data)
