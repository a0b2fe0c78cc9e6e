from django.urls import path

from . import views

app_name = "hotline"

urlpatterns = [
    path("", views.triage, name="triage"),
    path("orders/", views.orders, name="orders"),
    path("orders/<int:pk>/", views.detail, name="detail"),
    path("orders/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("orders/<int:pk>/reject/", views.reject, name="reject"),
    path("areas/", views.areas, name="areas"),
    path("areas/<int:pk>/", views.area, name="area"),
    path("badge/", views.badge, name="badge"),
]
