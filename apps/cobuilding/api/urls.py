from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("party/agreements", views.AgreementViewSet, basename="cobuilding-agreement")
router.register("party/agreement-resources", views.ResourceViewSet, basename="cobuilding-resource")
router.register("party/agreement-needs", views.NeedViewSet, basename="cobuilding-need")
router.register("party/agreement-projects", views.JointProjectViewSet, basename="cobuilding-project")
router.register("party/evaluation-rounds", views.EvaluationRoundViewSet, basename="cobuilding-round")
router.register("party/evaluations", views.EvaluationViewSet, basename="cobuilding-evaluation")

urlpatterns = router.urls
