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
        # The request goes to authenticate() so that django-axes counts and throttles failures here too.
        user = authenticate(
            request=self.context["request"], username=attrs["username"], password=attrs["password"]
        )
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
