from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("areas", views.AreaViewSet)

# Before the router's "areas/<pk>/", which would take "compliance" for an id.
urlpatterns = [
    path("areas/compliance/", views.ComplianceView.as_view(), name="area-compliance"),
    path("areas/standard/", views.GridStandardView.as_view(), name="area-standard"),
    *router.urls,
]
