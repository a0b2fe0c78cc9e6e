from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("webhooks/subscriptions", views.SubscriptionViewSet, basename="webhook-subscription")
router.register("webhooks/deliveries", views.DeliveryViewSet, basename="webhook-delivery")

urlpatterns = router.urls
