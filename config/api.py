"""The REST API under /api/v1/: each app contributes its own api/urls.py here."""

from django.urls import include, path

app_name = "api"

urlpatterns = [
    # Other systems' endpoints first: they are called many times a second, and a URL is resolved by trying
    # the patterns in order (the prefixes below do not overlap, so the order changes nothing else).
    path("", include("apps.integrations.api.urls")),
    path("", include("apps.hotline.api.urls")),
    path("", include("apps.accounts.api.urls")),
    path("", include("apps.areas.api.urls")),
    path("", include("apps.departments.api.urls")),
    path("", include("apps.party.api.urls")),
    path("", include("apps.wishes.api.urls")),
    path("", include("apps.cobuilding.api.urls")),
    path("", include("apps.projects.api.urls")),
    path("", include("apps.councils.api.urls")),
    path("", include("apps.workcalendar.api.urls")),
    path("", include("apps.notifications.api.urls")),
    path("", include("apps.cases.api.urls")),
    path("", include("apps.dispatch.api.urls")),
    path("", include("apps.residents.api.urls")),
    path("", include("apps.visits.api.urls")),
    path("", include("apps.dashboards.api.urls")),
    path("", include("apps.webhooks.api.urls")),
]
