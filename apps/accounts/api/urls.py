from django.urls import path

from . import views

urlpatterns = [
    path("token/", views.TokenView.as_view(), name="auth-token"),
    path("me/", views.CurrentUserView.as_view(), name="auth-me"),
]
