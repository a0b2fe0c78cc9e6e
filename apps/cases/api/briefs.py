"""Short forms of related rows, nested in the case and dispatch answers (each from a select_related row)."""

from rest_framework import serializers

from apps.cases.models import Case, Category
from apps.core.api.fields import IdentityUrlField
from apps.departments.models import Department


class CategoryBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name"]
        read_only_fields = fields


class DepartmentBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name"]
        read_only_fields = fields


class CaseBriefSerializer(serializers.ModelSerializer):
    url = IdentityUrlField(view_name="api:case-detail")
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Case
        fields = ["id", "url", "serial", "title", "status", "status_label"]
        read_only_fields = fields
