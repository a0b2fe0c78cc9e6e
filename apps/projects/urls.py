from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list_view, name="list"),
    path("new/", views.project_create_view, name="create"),
    path("<int:pk>/", views.project_detail_view, name="detail"),
    path("<int:pk>/edit/", views.project_edit_view, name="edit"),
    path("<int:pk>/milestones/", views.milestone_add_view, name="milestone_add"),
    path("<int:pk>/complete/", views.project_complete_view, name="complete"),
    path("<int:pk>/cancel/", views.project_cancel_view, name="cancel"),
    path("<int:pk>/evaluate/", views.project_evaluate_view, name="evaluate"),
    path("milestones/<int:pk>/complete/", views.milestone_complete_view, name="milestone_complete"),
]
