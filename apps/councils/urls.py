from django.urls import path

from . import views

app_name = "councils"

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("new/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<int:pk>/topics/", views.topic_add, name="topic_add"),
    path("<int:pk>/resolutions/", views.resolution_add, name="resolution_add"),
    path("resolutions/<int:pk>/task/", views.resolution_task, name="resolution_task"),
    path("resolutions/<int:pk>/case/", views.resolution_case, name="resolution_case"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/complete/", views.task_complete, name="task_complete"),
    path("tasks/<int:pk>/cancel/", views.task_cancel, name="task_cancel"),
]
