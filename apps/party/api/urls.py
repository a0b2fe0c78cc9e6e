from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("party/organisations", views.OrganisationViewSet)
router.register("party/members", views.MemberViewSet)
router.register("party/partner-units", views.PartnerUnitViewSet)
router.register("party/registrations", views.RegistrationViewSet, basename="party-registration")
router.register("party/service-records", views.ServiceRecordViewSet, basename="party-service-record")

urlpatterns = [
    path("party/coverage/", views.CoverageView.as_view(), name="party-coverage"),
    *router.urls,
]
