from django.urls import path

from . import evaluation_views, views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.dashboard, name="area"),
    path("evaluation/", evaluation_views.index, name="evaluation"),
    path("evaluation/export/", evaluation_views.export, name="evaluation_export"),
    path("evaluation/<str:subject>/<int:key>/", evaluation_views.breakdown, name="breakdown"),
]
