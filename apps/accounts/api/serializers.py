from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.accounts.models import User


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

    class Meta:
        model = User
        fields = ["id", "display", "username", "full_name", "email", "is_staff"]
        read_only_fields = fields
