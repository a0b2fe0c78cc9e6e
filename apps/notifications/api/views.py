from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from apps.core.api.viewsets import ScopedViewSet
from apps.notifications import selectors
from apps.notifications.filters import NotificationFilterSet
from apps.notifications.models import Notification
from apps.notifications.services import notification_mark_read, notifications_mark_all_read

from .serializers import MarkedReadSerializer, NotificationSerializer, UnreadCountSerializer


@extend_schema_view(
    list=extend_schema(summary=_("List my notifications, unread first")),
    retrieve=extend_schema(summary=_("One of my notifications")),
)
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The signed-in user's own notifications; anyone else's is not found."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilterSet
    ordering_fields = ["created_at"]
    # `restrict` yields only the user's own rows, and everyone may mark their own read: no role is needed.
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return selectors.inbox(self.request.user)

    @extend_schema(summary=_("Mark a notification read"), request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = notification_mark_read(notification=self.get_object(), user=request.user)
        return Response(self.get_serializer(notification).data)

    @extend_schema(summary=_("Mark all my notifications read"), request=None, responses=MarkedReadSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked_read": notifications_mark_all_read(user=request.user)})

    @extend_schema(summary=_("How many of my notifications are unread"), responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count", filter_backends=[], pagination_class=None)
    def unread_count(self, request):
        return Response({"unread": selectors.unread_count(request.user)})
