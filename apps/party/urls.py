from django.urls import path

from . import views

app_name = "party"

urlpatterns = [
    path("", views.organisation_tree, name="organisation_tree"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/children/", views.organisation_children, name="organisation_children"),
    path("organisations/<int:pk>/members/new/", views.member_add_view, name="member_add"),
    path("organisations/<int:pk>/secretary/", views.secretary_set_view, name="secretary_set"),
    path(
        "organisations/<int:pk>/part-time-members/new/",
        views.part_time_member_add_view,
        name="part_time_member_add",
    ),
    path("partner-units/", views.partner_unit_list, name="partner_unit_list"),
    path("partner-units/new/", views.partner_unit_create_view, name="partner_unit_create"),
    path("coverage/", views.coverage, name="coverage"),
    path(
        "organisations/<int:pk>/service-places/",
        views.organisation_service_places_view,
        name="organisation_service_places",
    ),
    path("registrations/", views.registration_list, name="registration_list"),
    path("registrations/new/", views.registration_create_view, name="registration_create"),
    path("registrations/<int:pk>/", views.registration_detail, name="registration_detail"),
    path("registrations/<int:pk>/assign/", views.registration_assign_view, name="registration_assign"),
    path("registrations/<int:pk>/services/", views.service_log_view, name="service_log"),
    path("registrations/<int:pk>/end/", views.registration_end_view, name="registration_end"),
]
