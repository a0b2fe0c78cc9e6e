from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.accounts.models import RoleAssignment, User
from apps.accounts.roles import GRANTABLE_ROLES, BuildingLeaderKind
from apps.accounts.services import role_grant, user_create_with_role
from apps.areas.models import Area
from apps.core.api.fields import RestrictedPrimaryKeyRelatedField
from apps.departments.models import Department


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("username"))
    password = serializers.CharField(
        label=_("password"), style={"input_type": "password"}, trim_whitespace=False
    )

    def validate(self, attrs):
        # Django's own request goes to authenticate(): django-axes counts the failure on it, and its
        # middleware answers a locked-out username with apps.accounts.lockout.locked_out (429).
        user = authenticate(
            request=self.context["request"]._request,
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None:
            raise serializers.ValidationError(
                _("The username or password is incorrect."), code="invalid_credentials"
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class CurrentUserSerializer(serializers.ModelSerializer):
    display = serializers.CharField(source="display_name", read_only=True)
    # Blank when none was given, which the schema's "email" format would refuse.
    email = serializers.CharField(read_only=True, label=_("email address"))

    class Meta:
        model = User
        fields = ["id", "display", "username", "full_name", "email", "is_staff"]
        read_only_fields = fields


class RoleAssignmentSerializer(serializers.ModelSerializer):
    """A role a user holds for an area or a department; grants one through `role_grant`."""

    url = serializers.HyperlinkedIdentityField(view_name="api:roleassignment-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    user = RestrictedPrimaryKeyRelatedField(queryset=User.objects.all(), label=_("user"))
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    area = RestrictedPrimaryKeyRelatedField(
        queryset=Area.objects.all(), allow_null=True, required=False, label=_("area")
    )
    department = RestrictedPrimaryKeyRelatedField(
        queryset=Department.objects.all(), allow_null=True, required=False, label=_("department")
    )
    is_active = serializers.SerializerMethodField(label=_("active"))

    class Meta:
        model = RoleAssignment
        fields = [
            "id",
            "url",
            "display",
            "user",
            "role",
            "role_label",
            "area",
            "department",
            "is_full_time",
            "leader_kind",
            "is_active",
            "granted_at",
            "granted_by",
            "revoked_at",
            "revoked_by",
        ]
        read_only_fields = ["granted_at", "granted_by", "revoked_at", "revoked_by"]
        # The service says when the user already holds the role there, with its own message.
        validators = []

    def get_is_active(self, assignment: RoleAssignment) -> bool:
        return assignment.revoked_at is None

    def create(self, validated_data):
        return role_grant(actor=self.context["request"].user, **validated_data)


class UserRoleSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    # Read-only model fields lose allow_blank, and the schema would then refuse the blank of other roles.
    leader_kind = serializers.ChoiceField(
        choices=BuildingLeaderKind.choices, allow_blank=True, read_only=True, label=_("building leader kind")
    )
    place = serializers.CharField(source="place.__str__", read_only=True, label=_("area or department"))

    class Meta:
        model = RoleAssignment
        fields = ["id", "role", "role_label", "area", "department", "place", "is_full_time", "leader_kind"]
        read_only_fields = fields


class UserSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:user-detail")
    display = serializers.CharField(source="display_name", read_only=True)
    roles = UserRoleSerializer(source="visible_roles", many=True, read_only=True, label=_("active roles"))

    class Meta:
        model = User
        fields = ["id", "url", "display", "username", "full_name", "is_active", "roles"]
        read_only_fields = fields


class UserCreateSerializer(serializers.Serializer):
    """A new account and its first role together (`user_create_with_role`): a scoped administrator can
    only create accounts they will be able to see."""

    username = serializers.CharField(max_length=150, label=_("username"))
    full_name = serializers.CharField(max_length=100, label=_("full name"))
    password = serializers.CharField(write_only=True, style={"input_type": "password"}, label=_("password"))
    role = serializers.ChoiceField(choices=GRANTABLE_ROLES, label=_("role"))
    area = RestrictedPrimaryKeyRelatedField(
        queryset=Area.objects.all(), allow_null=True, required=False, label=_("area")
    )
    department = RestrictedPrimaryKeyRelatedField(
        queryset=Department.objects.all(), allow_null=True, required=False, label=_("department")
    )
    is_full_time = serializers.BooleanField(default=False, label=_("full-time"))
    leader_kind = serializers.ChoiceField(
        choices=BuildingLeaderKind.choices, allow_blank=True, default="", label=_("building leader kind")
    )

    def create(self, validated_data):
        return user_create_with_role(actor=self.context["request"].user, **validated_data)

    def to_representation(self, instance):
        return {"id": instance.pk, "username": instance.username, "full_name": instance.full_name}
