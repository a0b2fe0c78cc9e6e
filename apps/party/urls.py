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
]
