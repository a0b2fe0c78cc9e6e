from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.areas.models import Area
from apps.cases.models import Category
from apps.core.api.fields import RestrictedPrimaryKeyRelatedField
from apps.departments.models import Department
from apps.departments.services import department_create, department_update


class DepartmentSerializer(serializers.ModelSerializer):
    """A department; creates one through `department_create`."""

    url = serializers.HyperlinkedIdentityField(view_name="api:department-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    area = RestrictedPrimaryKeyRelatedField(queryset=Area.objects.all(), label=_("belongs to"))
    served_areas = RestrictedPrimaryKeyRelatedField(
        queryset=Area.objects.all(), many=True, required=False, label=_("areas served")
    )
    categories = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), many=True, required=False, label=_("case categories handled")
    )

    class Meta:
        model = Department
        fields = [
            "id",
            "url",
            "display",
            "name",
            "short_name",
            "level",
            "area",
            "district",
            "street",
            "served_areas",
            "categories",
            "phone",
            "is_active",
            "created_at",
        ]
        read_only_fields = ["district", "street", "is_active", "created_at"]
        # The service decides whether the name is free in the area, with its own message.
        validators = []

    def create(self, validated_data):
        return department_create(actor=self.context["request"].user, **validated_data)


class DepartmentUpdateSerializer(DepartmentSerializer):
    """A department's names, phone, activity, areas served and categories; its area stays."""

    area = serializers.PrimaryKeyRelatedField(read_only=True, label=_("belongs to"))

    class Meta(DepartmentSerializer.Meta):
        read_only_fields = ["level", "district", "street", "created_at"]

    def update(self, instance, validated_data):
        return department_update(actor=self.context["request"].user, department=instance, **validated_data)
