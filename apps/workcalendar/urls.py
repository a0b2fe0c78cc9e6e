from django.urls import path

from . import views

app_name = "workcalendar"

urlpatterns = [
    path("", views.year_view, name="year"),
    path("day/", views.day_view, name="day"),
    path("enter-year/", views.enter_year_view, name="enter_year"),
]
