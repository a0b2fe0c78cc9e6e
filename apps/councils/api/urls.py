from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("party/meetings", views.MeetingViewSet, basename="party/meetings")
router.register("party/resolutions", views.ResolutionViewSet, basename="party/resolutions")
router.register("party/council-tasks", views.TaskViewSet, basename="party/council-tasks")

urlpatterns = router.urls
