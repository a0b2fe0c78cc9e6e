from django.urls import path

from . import views

app_name = "visits"

urlpatterns = [
    path("", views.visit_list, name="list"),
    path("today/", views.today, name="today"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/photos/<int:photo_id>/", views.photo, name="photo"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/<int:pk>/overdue/", views.overdue, name="overdue"),
    path("plans/", views.plans, name="plans"),
]
