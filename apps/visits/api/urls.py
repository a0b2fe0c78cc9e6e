from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("visits", views.VisitViewSet, basename="visit")
router.register("visit-plans", views.VisitPlanViewSet, basename="visit-plan")

urlpatterns = [
    path("coverage/", views.CoverageView.as_view(), name="visit-coverage"),
    *router.urls,
]
