from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("roles", views.RoleAssignmentViewSet)
router.register("users", views.UserViewSet)

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("auth/me/", views.CurrentUserView.as_view(), name="auth-me"),
    *router.urls,
]
