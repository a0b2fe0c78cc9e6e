from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("households", views.HouseholdViewSet, basename="household")
router.register("residents", views.ResidentViewSet, basename="resident")
router.register("care-tags", views.CareTagViewSet, basename="care-tag")
router.register("risk-rules", views.RiskRuleViewSet, basename="risk-rule")
router.register("access-log", views.AccessLogViewSet, basename="access-log")

urlpatterns = router.urls
