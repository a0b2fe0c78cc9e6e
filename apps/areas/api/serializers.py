from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.areas.choices import ComplianceRule
from apps.areas.models import Area, AreaChange, GridStandard
from apps.areas.services import area_create, area_update, grid_standard_update
from apps.core.api.fields import IdentityUrlField, RestrictedPrimaryKeyRelatedField


def _ancestor(label):
    # The copied id, read as a plain integer: a related field per column cost a fifth of a list's time.
    return {"read_only": True, "allow_null": True, "label": label}


class AreaSerializer(serializers.ModelSerializer):
    url = IdentityUrlField(view_name="api:area-detail")
    display = serializers.CharField(source="name", read_only=True)
    district = serializers.IntegerField(source="district_id", **_ancestor(_("district")))
    street = serializers.IntegerField(source="street_id", **_ancestor(_("street")))
    community = serializers.IntegerField(source="community_id", **_ancestor(_("community")))
    grid = serializers.IntegerField(source="grid_id", **_ancestor(_("grid")))
    merged_into = serializers.IntegerField(source="merged_into_id", **_ancestor(_("merged into")))
    parent = RestrictedPrimaryKeyRelatedField(
        queryset=Area.objects.all(), allow_null=True, required=False, label=_("parent area")
    )

    class Meta:
        model = Area
        fields = [
            "id",
            "url",
            "display",
            "code",
            "name",
            "level",
            "kind",
            "parent",
            "path",
            "district",
            "street",
            "community",
            "grid",
            "households",
            "population",
            "centre_lng",
            "centre_lat",
            "is_active",
            "merged_into",
        ]
        read_only_fields = [
            "level",
            "path",
            "district",
            "street",
            "community",
            "grid",
            "is_active",
            "merged_into",
        ]
        # The services decide the kind's default and the code's uniqueness, with their own messages.
        extra_kwargs = {"kind": {"required": False}, "code": {"validators": []}}


class AreaListSerializer(AreaSerializer):
    """The rows of an area list, the API's hottest read. Each row is built straight from the columns
    instead of through DRF's per-field machinery, which took a third of the request; the fields are
    AreaSerializer's, and tests/areas/test_api.py holds the two renderings equal."""

    def to_representation(self, instance: Area) -> dict:
        return {
            "id": instance.pk,
            "url": self.fields["url"].to_representation(instance),
            "display": instance.name,
            "code": instance.code,
            "name": instance.name,
            "level": instance.level,
            "kind": instance.kind,
            "parent": instance.parent_id,
            "path": instance.path,
            "district": instance.district_id,
            "street": instance.street_id,
            "community": instance.community_id,
            "grid": instance.grid_id,
            "households": instance.households,
            "population": instance.population,
            "centre_lng": instance.centre_lng,
            "centre_lat": instance.centre_lat,
            "is_active": instance.is_active,
            "merged_into": instance.merged_into_id,
        }


class AreaDetailSerializer(AreaSerializer):
    """One area with its boundary; creates an area through `area_create`."""

    class Meta(AreaSerializer.Meta):
        fields = [*AreaSerializer.Meta.fields, "boundary"]

    def create(self, validated_data):
        # No parent is the same as a null one: a new district, which only those who may change the whole
        # installation can create (the service decides).
        parent = validated_data.pop("parent", None)
        return area_create(actor=self.context["request"].user, parent=parent, **validated_data)


class AreaUpdateSerializer(AreaDetailSerializer):
    """An area's name, kind, figures, boundary and centre; its code and place change by other actions."""

    parent = serializers.PrimaryKeyRelatedField(read_only=True, label=_("parent area"))

    class Meta(AreaDetailSerializer.Meta):
        read_only_fields = [*AreaDetailSerializer.Meta.read_only_fields, "code"]

    def update(self, instance, validated_data):
        return area_update(actor=self.context["request"].user, area=instance, **validated_data)


class AreaMoveSerializer(serializers.Serializer):
    parent = RestrictedPrimaryKeyRelatedField(queryset=Area.objects.all(), label=_("new parent area"))
    reason = serializers.CharField(label=_("reason"), max_length=300, required=False, default="")


class AreaSplitSerializer(serializers.Serializer):
    name = serializers.CharField(label=_("name of the new area"), max_length=100)
    code = serializers.CharField(label=_("code of the new area"), max_length=32)
    children = RestrictedPrimaryKeyRelatedField(
        queryset=Area.objects.all(), many=True, label=_("areas that go to the new area")
    )
    households = serializers.IntegerField(label=_("households"), min_value=0, default=0)
    population = serializers.IntegerField(label=_("population"), min_value=0, default=0)
    reason = serializers.CharField(label=_("reason"), max_length=300, required=False, default="")


class AreaMergeSerializer(serializers.Serializer):
    sources = RestrictedPrimaryKeyRelatedField(
        queryset=Area.objects.all(), many=True, label=_("areas merged into this one")
    )
    reason = serializers.CharField(label=_("reason"), max_length=300, required=False, default="")


class AreaBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["id", "code", "name", "level"]
        read_only_fields = fields


class ActorSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    display = serializers.CharField(source="display_name", read_only=True)


class AreaChangeSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    actor = ActorSerializer(read_only=True, allow_null=True)

    class Meta:
        model = AreaChange
        fields = ["id", "kind", "kind_label", "actor", "reason", "data", "created_at"]
        read_only_fields = fields


class ViolationSerializer(serializers.Serializer):
    area = AreaBriefSerializer(read_only=True)
    rule = serializers.ChoiceField(choices=ComplianceRule.choices, read_only=True)
    rule_label = serializers.CharField(read_only=True)
    figure = serializers.FloatField(read_only=True)
    limit = serializers.FloatField(read_only=True)


class ComplianceQuerySerializer(serializers.Serializer):
    area = RestrictedPrimaryKeyRelatedField(
        queryset=Area.objects.all(), required=False, label=_("within area")
    )
    rule = serializers.ChoiceField(choices=ComplianceRule.choices, required=False)


class GridStandardSerializer(serializers.ModelSerializer):
    updated_by = ActorSerializer(read_only=True, allow_null=True)

    class Meta:
        model = GridStandard
        fields = [
            "households_per_grid_min",
            "households_per_grid_max",
            "community_split_above",
            "community_merge_below",
            "workers_per_10k_residents",
            "grid_head_required",
            "full_time_workers_per_grid",
            "updated_at",
            "updated_by",
        ]
        read_only_fields = ["updated_at", "updated_by"]

    def update(self, instance, validated_data):
        return grid_standard_update(actor=self.context["request"].user, **validated_data)
