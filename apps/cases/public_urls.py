"""Pages residents reach without an account, at short paths (a QR code holds /r/<token>/)."""

from django.urls import path

from . import public_views

app_name = "public"

urlpatterns = [
    path("r/categories/", public_views.report_categories, name="categories"),
    path("r/<str:token>/", public_views.report, name="report"),
    path("track/<str:token>/", public_views.track, name="track"),
    path("track/<str:token>/thanks/", public_views.thanks, name="thanks"),
    path("rate/<str:token>/", public_views.rate, name="rate"),
]
