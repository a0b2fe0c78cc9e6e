"""Top-level URLs: pages per app, the API under /api/v1/, its schema and docs."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

admin.site.site_header = _("GridGov administration")
admin.site.site_title = _("GridGov administration")
admin.site.index_title = _("System administration")

urlpatterns = [
    # First: other systems call the API many times a second, and URLs are resolved by trying the patterns
    # in order (no page's URL starts with api/v1/).
    path("api/v1/", include("config.api")),
    path("", include("apps.core.urls")),
    path("accounts/", include("apps.accounts.urls")),
    path("departments/", include("apps.departments.urls")),
    # Party-led co-governance: its pages sit under the party section and share its tabs.
    path("party/wishes/", include("apps.wishes.urls")),
    path("party/cobuilding/", include("apps.cobuilding.urls")),
    path("party/projects/", include("apps.projects.urls")),
    path("party/councils/", include("apps.councils.urls")),
    path("party/", include("apps.party.urls")),
    path("areas/", include("apps.areas.urls")),
    path("calendar/", include("apps.workcalendar.urls")),
    path("notifications/", include("apps.notifications.urls")),
    path("cases/", include("apps.cases.urls")),
    path("dispatch/", include("apps.dispatch.urls")),
    path("households/", include("apps.residents.urls")),
    path("households/imports/", include("apps.residents.import_urls")),
    path("visits/", include("apps.visits.urls")),
    path("dashboard/", include("apps.dashboards.urls")),
    path("hotline/", include("apps.hotline.urls")),
    # 一键达: the report, follow and rating pages residents reach without an account (/r/, /track/, /rate/).
    path("", include("apps.cases.public_urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    # Open311 GeoReport v2 for civic-tech clients (docs/open311.md).
    path("open311/v2/", include("apps.open311.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
]

handler400 = "apps.core.views.bad_request"
handler403 = "apps.core.views.permission_denied"
handler404 = "apps.core.views.page_not_found"
handler500 = "apps.core.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
