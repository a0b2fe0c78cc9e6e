"""How an API create takes an idempotency key: the `Idempotency-Key` header (cases and visits also take a
field of the same name in the body); a retry with the same key returns what the first request made. Cases
and visits keep the key in their rows; every other create spends it through apps.core.submissions."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

IDEMPOTENCY_HEADER = "Idempotency-Key"
# Set on an answer given again to a repeated key (apps.core.submissions.answered_once).
REPLAYED_HEADER = "Idempotent-Replayed"


class IdempotentCreateSerializer(serializers.Serializer):
    idempotency_key = serializers.CharField(
        label=_("idempotency key"), max_length=64, required=False, allow_blank=True, default=""
    )

    def validate(self, attrs):
        header = self.context["request"].headers.get(IDEMPOTENCY_HEADER, "").strip()
        if header:
            if len(header) > 64:
                raise serializers.ValidationError(
                    {"idempotency_key": _("An idempotency key is at most 64 characters long.")}
                )
            attrs["idempotency_key"] = header
        return attrs
