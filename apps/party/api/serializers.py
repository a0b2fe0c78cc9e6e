from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.areas.api.serializers import AreaBriefSerializer
from apps.areas.models import Area
from apps.core.api.fields import RestrictedPrimaryKeyRelatedField
from apps.party.models import PartnerUnit, PartyMember, PartyOrganisation
from apps.party.services import member_add, organisation_create, partner_unit_create


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
