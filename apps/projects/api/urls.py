from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("party/projects", views.ProjectViewSet, basename="project")
router.register("party/project-milestones", views.MilestoneViewSet, basename="project-milestone")

urlpatterns = router.urls
