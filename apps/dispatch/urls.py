from django.urls import path

from . import views

app_name = "dispatch"

urlpatterns = [
    path("orders/", views.inbox, name="inbox"),
    path("orders/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("orders/<int:pk>/accept/", views.accept, name="accept"),
    path("orders/<int:pk>/return/", views.return_order, name="return"),
    path("orders/<int:pk>/extend/", views.extend, name="extend"),
    path("orders/<int:pk>/rate/", views.rate, name="rate"),
    path("extensions/<int:pk>/decide/", views.decide, name="decide"),
]
