from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("hotline/triage", views.TriageViewSet, basename="hotline-triage")

urlpatterns = [
    path("hotline/orders/", views.OrderReceiveView.as_view(), name="hotline-orders"),
    path("hotline/orders/<str:serial>/", views.OrderDetailView.as_view(), name="hotline-order"),
    path(
        "hotline/orders/<str:serial>/withdraw/",
        views.OrderWithdrawView.as_view(),
        name="hotline-order-withdraw",
    ),
    path("hotline/orders/<str:serial>/rating/", views.OrderRatingView.as_view(), name="hotline-order-rating"),
    *router.urls,
]
