from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.exceptions import APIException

from apps.accounts.lockout import lockout_message
from apps.accounts.models import User


class LockedOut(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "locked_out"


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("username"))
    password = serializers.CharField(
        label=_("password"), style={"input_type": "password"}, trim_whitespace=False
    )

    def validate(self, attrs):
        # The request goes to authenticate() so that django-axes counts and throttles failures here too.
        http_request = self.context["request"]._request
        user = authenticate(request=http_request, username=attrs["username"], password=attrs["password"])
        if getattr(http_request, "axes_locked_out", False):
            raise LockedOut(lockout_message())
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                _("The username or password is incorrect."), code="invalid_credentials"
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class CurrentUserSerializer(serializers.ModelSerializer):
    display = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "display", "username", "full_name", "email", "is_staff"]
        read_only_fields = fields
