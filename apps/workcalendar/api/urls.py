from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("calendar/days", views.WorkDayViewSet)
router.register("calendar/years", views.CalendarYearViewSet, basename="calendar-year")

urlpatterns = [
    path("calendar/due/", views.DueView.as_view(), name="calendar-due"),
    *router.urls,
]
