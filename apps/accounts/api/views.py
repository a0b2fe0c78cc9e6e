from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.accounts.filters import RoleAssignmentFilterSet, UserFilterSet
from apps.accounts.models import RoleAssignment, User
from apps.accounts.services import api_token_issue, api_token_revoke, role_revoke
from apps.core.api.viewsets import CreateOnceModelMixin, ScopedViewSet

from .serializers import (
    CurrentUserSerializer,
    RoleAssignmentSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    UserCreateSerializer,
    UserSerializer,
)


class TokenView(APIView):
    """Exchange a username and password for an API token, or revoke the token in use."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"

    def _signing_in(self) -> bool:
        # The schema generator inspects the view without a request.
        return getattr(self.request, "method", None) == "POST"

    def get_permissions(self):
        return [AllowAny()] if self._signing_in() else [IsAuthenticated()]

    def get_authenticators(self):
        # Signing in needs no prior authentication, and must not trip over a stale session's CSRF check.
        return [] if self._signing_in() else super().get_authenticators()

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer},
        auth=[],
        summary="Obtain an API token",
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token = api_token_issue(user=serializer.validated_data["user"])
        return Response({"token": token.key})

    @extend_schema(request=None, responses={204: None}, summary="Revoke the token in use")
    def delete(self, request):
        api_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CurrentUserView(APIView):
    """The signed-in user."""

    @extend_schema(responses=CurrentUserSerializer, summary="The current user")
    def get(self, request):
        return Response(CurrentUserSerializer(request.user).data)


@extend_schema_view(
    list=extend_schema(summary=_("List roles")),
    retrieve=extend_schema(summary=_("A role")),
    create=extend_schema(summary=_("Grant a user a role for an area or a department")),
)
class RoleAssignmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, CreateOnceModelMixin, ScopedViewSet
):
    """The roles held in the user's scope, revoked ones included."""

    ordering_fields = ["granted_at"]
    queryset = RoleAssignment.objects.select_related("user", "area", "department")
    serializer_class = RoleAssignmentSerializer
    filterset_class = RoleAssignmentFilterSet

    @extend_schema(summary=_("Revoke a role"), request=None, responses=RoleAssignmentSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        assignment = role_revoke(actor=request.user, assignment=self.get_object())
        return Response(self.get_serializer(assignment).data)


@extend_schema_view(
    list=extend_schema(summary=_("List users")),
    retrieve=extend_schema(summary=_("A user with their roles")),
    create=extend_schema(summary=_("Create a user together with their first role")),
)
class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, CreateOnceModelMixin, ScopedViewSet):
    """The users who hold a role in the user's scope, each with the active roles the user may see."""

    ordering_fields = ["username", "date_joined"]
    queryset = User.objects.all()
    serializer_class = UserSerializer
    serializer_classes = {"create": UserCreateSerializer}
    filterset_class = UserFilterSet

    def get_queryset(self):
        roles = (
            RoleAssignment.objects.active().restrict(self.request.user).select_related("area", "department")
        )
        return (
            super()
            .get_queryset()
            .prefetch_related(Prefetch("roles", queryset=roles, to_attr="visible_roles"))
        )
