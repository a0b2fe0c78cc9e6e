from django.urls import path

from . import import_views

app_name = "household_imports"

urlpatterns = [
    path("", import_views.index, name="index"),
    path("template.xlsx", import_views.template, name="template"),
    path("export/", import_views.export, name="export"),
    path("<int:pk>/", import_views.detail, name="detail"),
    path("<int:pk>/progress/", import_views.progress, name="progress"),
    path("<int:pk>/errors.xlsx", import_views.errors, name="errors"),
]
