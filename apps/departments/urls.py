from django.urls import path

from . import views

app_name = "departments"

urlpatterns = [
    path("", views.department_list, name="list"),
    path("new/", views.department_create_view, name="create"),
    path("<int:pk>/", views.department_detail, name="detail"),
    path("<int:pk>/edit/", views.department_update_view, name="update"),
]
