from django.urls import path

from .views import ClientMeView

urlpatterns = [
    path("integrations/me/", ClientMeView.as_view(), name="integration-me"),
]
