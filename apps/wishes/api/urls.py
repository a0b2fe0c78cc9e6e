from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("party/wishes", views.WishViewSet)

urlpatterns = router.urls
