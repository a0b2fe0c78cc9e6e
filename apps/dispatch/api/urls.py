from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("dispatch/orders", views.OrderViewSet, basename="order")
router.register("dispatch/extension-requests", views.ExtensionRequestViewSet, basename="extension-request")
router.register("dispatch/whistles", views.WhistleViewSet, basename="whistle")
router.register("dispatch/supervisions", views.SupervisionViewSet, basename="supervision")
router.register("dispatch/sla-policies", views.SlaPolicyViewSet, basename="sla-policy")
router.register("dispatch/escalations", views.EscalationViewSet, basename="escalation")

urlpatterns = router.urls
