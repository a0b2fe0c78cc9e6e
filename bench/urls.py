"""The benchmark server's URLs (bench/settings.py): the project's, plus a trivial DRF endpoint as the
reference the hotline intake is compared with. Never part of the product's URLs."""

from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as project_urlpatterns


class TrivialView(APIView):
    """{"ok": true}: DRF's request, negotiation and rendering through the whole middleware stack, with no
    authentication, permission, throttle or query."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [path("bench/trivial/", TrivialView.as_view(), name="bench-trivial"), *project_urlpatterns]
