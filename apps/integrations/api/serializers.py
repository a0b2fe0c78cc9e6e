from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.integrations.models import ApiKey, IntegrationClient


class KeySerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiKey
        fields = ["prefix", "created_at", "expires_at", "last_used_at"]


class ClientSerializer(serializers.ModelSerializer):
    """The client an API key belongs to, as the key sees it."""

    area = serializers.SerializerMethodField(label=_("area limit"))
    key = serializers.SerializerMethodField(label=_("this key"))

    class Meta:
        model = IntegrationClient
        fields = ["name", "code", "area", "scopes", "rate_limit", "key"]

    def get_area(self, client) -> dict:
        return {"id": client.area_id, "name": client.area.name, "level": client.area.level}

    def get_key(self, client) -> dict:
        return KeySerializer(self.context["request"].auth).data
