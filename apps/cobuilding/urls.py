from django.urls import path

from . import views

app_name = "cobuilding"

urlpatterns = [
    path("", views.agreement_list, name="agreement_list"),
    path("new/", views.agreement_create, name="agreement_create"),
    path("<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("<int:pk>/resources/new/", views.agreement_add, {"kind": "resource"}, name="resource_add"),
    path("<int:pk>/needs/new/", views.agreement_add, {"kind": "need"}, name="need_add"),
    path("<int:pk>/projects/new/", views.agreement_add, {"kind": "project"}, name="project_add"),
    path("<int:pk>/terminate/", views.agreement_terminate, name="agreement_terminate"),
    path("needs/<int:pk>/take/", views.need_take, name="need_take"),
    path("needs/<int:pk>/fulfil/", views.need_fulfil, name="need_fulfil"),
    path("needs/<int:pk>/cancel/", views.need_cancel, name="need_cancel"),
    path("projects/<int:pk>/status/", views.project_status, name="project_status"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/evaluate/", views.evaluation_record, name="evaluation_record"),
]
