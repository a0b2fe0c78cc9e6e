from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.integrations.keys import ApiKeyAuthentication
from apps.integrations.models import IntegrationClient
from apps.integrations.scopes import ANY_SCOPE

from .serializers import ClientSerializer


class ClientMeView(APIView):
    """The client an API key belongs to: a system checks its key, scopes, area limit and rate limit."""

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsAuthenticated]
    key_scopes = {"GET": ANY_SCOPE}

    @extend_schema(
        summary=_("The integration client of this API key"),
        responses={200: ClientSerializer, 401: OpenApiResponse(description=_("No valid API key."))},
    )
    def get(self, request):
        # Read fresh: the key's own copy of its client is kept by the process (apps.integrations.keys).
        client = IntegrationClient.objects.select_related("area").get(pk=request.auth.client_id)
        return Response(ClientSerializer(client, context={"request": request}).data)
