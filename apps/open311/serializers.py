"""The form of POST requests.{xml,json}, as the specification names its fields."""

import math
import re

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .services import RequestReport

ATTRIBUTE = re.compile(r"^attribute\[([^\]]{1,50})\]$")


class RequestReportSerializer(serializers.Serializer):
    service_code = serializers.CharField(label=_("service code"), max_length=32)
    description = serializers.CharField(
        label=_("description"), max_length=4000, required=False, allow_blank=True
    )
    lat = serializers.FloatField(label=_("latitude"), min_value=-90, max_value=90, required=False)
    long = serializers.FloatField(label=_("longitude"), min_value=-180, max_value=180, required=False)
    address_string = serializers.CharField(
        label=_("address"), max_length=200, required=False, allow_blank=True
    )
    address_id = serializers.CharField(label=_("area code"), max_length=32, required=False, allow_blank=True)
    first_name = serializers.CharField(label=_("first name"), max_length=25, required=False, allow_blank=True)
    last_name = serializers.CharField(label=_("last name"), max_length=25, required=False, allow_blank=True)
    phone = serializers.CharField(label=_("phone"), max_length=30, required=False, allow_blank=True)
    # Accepted as the specification allows them, and not kept: GridGov has no field for them.
    email = serializers.EmailField(label=_("email"), required=False, allow_blank=True)
    device_id = serializers.CharField(label=_("device id"), max_length=100, required=False, allow_blank=True)
    account_id = serializers.CharField(
        label=_("account id"), max_length=100, required=False, allow_blank=True
    )
    media_url = serializers.URLField(label=_("media URL"), max_length=500, required=False, allow_blank=True)

    def _finite(self, value: float) -> float:
        if not math.isfinite(value):
            raise serializers.ValidationError(_("Give a number of decimal degrees."))
        return value

    validate_lat = _finite
    validate_long = _finite

    def report(self) -> RequestReport:
        data = self.validated_data
        attributes = {
            match.group(1): str(value)[:100]
            for key, value in self.initial_data.items()
            if (match := ATTRIBUTE.match(key))
        }
        return RequestReport(
            service_code=data["service_code"],
            description=data.get("description", ""),
            lat=data.get("lat"),
            long=data.get("long"),
            address_string=data.get("address_string", ""),
            address_id=data.get("address_id", ""),
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            phone=data.get("phone", ""),
            attributes=attributes,
        )
