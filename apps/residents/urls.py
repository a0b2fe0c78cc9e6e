from django.urls import path

from . import views

app_name = "residents"

urlpatterns = [
    path("", views.search, name="search"),
    path("new/", views.household_new, name="new"),
    path("access-log/", views.access_log, name="access_log"),
    path("building/<int:pk>/", views.building, name="building"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.household_edit, name="edit"),
    path("<int:pk>/risk/", views.household_risk, name="risk"),
    path("<int:pk>/residents/new/", views.resident_new, name="resident_new"),
    path("residents/<int:pk>/edit/", views.resident_edit, name="resident_edit"),
    path("residents/<int:pk>/move-out/", views.resident_move_out, name="resident_move_out"),
    path("residents/<int:pk>/reveal/", views.reveal, name="reveal"),
]
