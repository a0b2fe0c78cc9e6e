from django.urls import path

from . import views

app_name = "wishes"

urlpatterns = [
    path("", views.wish_list_view, name="list"),
    path("new/", views.wish_create_view, name="create"),
    path("<int:pk>/", views.wish_detail_view, name="detail"),
    path("<int:pk>/<str:action>/", views.wish_act_view, name="act"),
    path("wall/<str:code>/", views.wish_wall_view, name="wall"),
]
