import decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.areas.api.serializers import ActorSerializer, AreaBriefSerializer
from apps.areas.models import Area
from apps.cases.api.briefs import CaseBriefSerializer
from apps.cases.choices import IntakeRoute, Urgency
from apps.cases.models import Category
from apps.core.api.fields import IdentityUrlField, RestrictedPrimaryKeyRelatedField
from apps.core.api.files import file_url
from apps.core.api.idempotency import IdempotentCreateSerializer
from apps.departments.models import Department
from apps.residents.models import Household
from apps.visits.choices import VisitKind
from apps.visits.models import Visit, VisitPhoto, VisitPlan


def _ancestor(label):
    return {"read_only": True, "allow_null": True, "label": label}


class CoordinateField(serializers.DecimalField):
    """A GPS coordinate as stored (six decimals, about 10 cm): phones give more, which are rounded rather
    than refused."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=9, decimal_places=6, coerce_to_string=False, **kwargs)

    def validate_precision(self, value):
        try:
            value = value.quantize(decimal.Decimal("0.000001"))
        except decimal.InvalidOperation:
            self.fail("max_digits", max_digits=self.max_digits)
        return super().validate_precision(value)


class VisitPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text=_("The photo, for those who may see the visit."))

    class Meta:
        model = VisitPhoto
        fields = ["id", "url", "name", "content_type", "size", "created_at"]
        read_only_fields = fields

    def get_url(self, photo: VisitPhoto) -> str:
        return file_url(self, "api:visit-photo", pk=photo.visit_id, photo_id=photo.pk)


class VisitSerializer(serializers.ModelSerializer):
    """A visit with its place, the case it reported and its photos."""

    url = IdentityUrlField(view_name="api:visit-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    worker = ActorSerializer(read_only=True)
    area = AreaBriefSerializer(read_only=True)
    household = serializers.IntegerField(source="household_id", **_ancestor(_("household")))
    household_address = serializers.CharField(
        source="household.address", read_only=True, allow_null=True, default=None
    )
    district = serializers.IntegerField(source="district_id", **_ancestor(_("district")))
    street = serializers.IntegerField(source="street_id", **_ancestor(_("street")))
    community = serializers.IntegerField(source="community_id", **_ancestor(_("community")))
    grid = serializers.IntegerField(source="grid_id", **_ancestor(_("grid")))
    building = serializers.IntegerField(source="building_id", **_ancestor(_("building")))
    longitude = CoordinateField(read_only=True, allow_null=True)
    latitude = CoordinateField(read_only=True, allow_null=True)
    case = CaseBriefSerializer(read_only=True, allow_null=True)
    photos = VisitPhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "url",
            "display",
            "kind",
            "kind_label",
            "worker",
            "area",
            "household",
            "household_address",
            "district",
            "street",
            "community",
            "grid",
            "building",
            "visited_at",
            "longitude",
            "latitude",
            "met",
            "notes",
            "follow_up",
            "follow_up_note",
            "case",
            "photos",
            "created_at",
        ]
        read_only_fields = fields


class VisitProblemSerializer(serializers.Serializer):
    """The problem a visit found, reported as a case in the visit's place (channel "visit")."""

    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), label=_("category"))
    title = serializers.CharField(label=_("title"), max_length=100)
    description = serializers.CharField(label=_("description"), max_length=4000)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL, label=_("urgency"))
    route = serializers.ChoiceField(
        choices=IntakeRoute.choices, default=IntakeRoute.LEAVE, label=_("what to do with the case now")
    )
    department = RestrictedPrimaryKeyRelatedField(
        queryset=Department.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        label=_("department"),
    )


class ReportCaseSerializer(VisitProblemSerializer):
    """A problem found on a visit; the title and description start from the visit's when left blank."""

    title = serializers.CharField(
        label=_("title"), max_length=100, required=False, allow_blank=True, default=""
    )
    description = serializers.CharField(
        label=_("description"), max_length=4000, required=False, allow_blank=True, default=""
    )


class VisitCreateSerializer(IdempotentCreateSerializer):
    """A visit, patrol or data collection. Sent as multipart with its photos (the problem's fields as
    "problem.title" …) or as JSON without. The idempotency key comes in the Idempotency-Key header or in
    this field: a retry with the same key answers the visit logged the first time."""

    kind = serializers.ChoiceField(choices=VisitKind.choices, label=_("kind"))
    visited_at = serializers.DateTimeField(
        label=_("visited at"), required=False, allow_null=True, default=None
    )
    household = RestrictedPrimaryKeyRelatedField(
        queryset=Household.objects.all(), required=False, allow_null=True, default=None, label=_("household")
    )
    area = RestrictedPrimaryKeyRelatedField(
        queryset=Area.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        label=_("grid or building"),
        help_text=_("Where a patrol or data collection took place; a household visit takes its building."),
    )
    longitude = CoordinateField(label=_("longitude"), required=False, allow_null=True, default=None)
    latitude = CoordinateField(label=_("latitude"), required=False, allow_null=True, default=None)
    met = serializers.CharField(
        label=_("who was met"), max_length=200, required=False, allow_blank=True, default=""
    )
    notes = serializers.CharField(
        label=_("notes"), max_length=4000, required=False, allow_blank=True, default=""
    )
    follow_up = serializers.BooleanField(label=_("follow-up needed"), required=False, default=False)
    follow_up_note = serializers.CharField(
        label=_("follow-up"), max_length=200, required=False, allow_blank=True, default=""
    )
    photos = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    problem = VisitProblemSerializer(required=False, allow_null=True, default=None, label=_("problem found"))


class VisitPlanSerializer(serializers.ModelSerializer):
    household_kind_label = serializers.CharField(source="get_household_kind_display", read_only=True)
    risk_colour_label = serializers.CharField(source="get_risk_colour_display", read_only=True)
    care_tag = serializers.IntegerField(source="care_tag_id", **_ancestor(_("care group")))
    care_tag_name = serializers.CharField(
        source="care_tag.name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = VisitPlan
        fields = [
            "id",
            "name",
            "household_kind",
            "household_kind_label",
            "risk_colour",
            "risk_colour_label",
            "care_tag",
            "care_tag_name",
            "interval_days",
            "is_active",
            "updated_at",
        ]
        read_only_fields = fields


class DueQuerySerializer(serializers.Serializer):
    area = RestrictedPrimaryKeyRelatedField(
        queryset=Area.objects.all(), required=False, label=_("within area")
    )


class VisitCoverageQuerySerializer(serializers.Serializer):
    area = serializers.IntegerField(label=_("area"))


class VisitCoverageSerializer(serializers.Serializer):
    area = AreaBriefSerializer(read_only=True)
    planned = serializers.IntegerField(read_only=True, help_text=_("Households under a visit plan."))
    overdue = serializers.IntegerField(read_only=True, help_text=_("Households whose visit is overdue."))
    covered = serializers.IntegerField(read_only=True, help_text=_("Households visited within their plan."))
    rate = serializers.FloatField(read_only=True, allow_null=True, help_text=_("covered / planned"))
    visits_30d = serializers.IntegerField(
        source="visits", read_only=True, help_text=_("Visits logged in the last 30 days.")
    )


class VisitCoverageReportSerializer(serializers.Serializer):
    total = VisitCoverageSerializer(read_only=True)
    children = VisitCoverageSerializer(many=True, read_only=True)
