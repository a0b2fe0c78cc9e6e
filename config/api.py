"""The REST API under /api/v1/: each app contributes its own api/urls.py here."""

from django.urls import include, path

app_name = "api"

urlpatterns = [
    path("auth/", include("apps.accounts.api.urls")),
]
