from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from apps.accounts.services import api_token_issue, api_token_revoke

from .serializers import CurrentUserSerializer, TokenRequestSerializer, TokenSerializer


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
