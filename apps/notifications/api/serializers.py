from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from apps.core.api.fields import IdentityUrlField
from apps.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    """One of the user's notifications."""

    url = IdentityUrlField(view_name="api:notification-detail")
    display = serializers.CharField(source="__str__", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    is_read = serializers.BooleanField(read_only=True, label=_("read"))

    class Meta:
        model = Notification
        fields = [
            "id",
            "url",
            "display",
            "kind",
            "kind_label",
            "title",
            "body",
            "link",
            "created_at",
            "read_at",
            "is_read",
        ]
        read_only_fields = fields


class MarkedReadSerializer(serializers.Serializer):
    marked_read = serializers.IntegerField(read_only=True, label=_("notifications marked as read"))


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField(read_only=True, label=_("unread notifications"))
