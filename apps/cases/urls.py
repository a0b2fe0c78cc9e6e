from django.urls import path

from . import intake_views, public_views, views

app_name = "cases"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("supervision/", views.supervision, name="supervision"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("<int:pk>/whistle/", views.whistle, name="whistle"),
    path("<int:pk>/supervise/", views.supervise, name="supervise"),
    path("<int:pk>/act/<slug:action>/", views.act, name="act"),
    path("new/", intake_views.new, name="new"),
    path("new/areas/", intake_views.areas, name="new_areas"),
    path("new/areas/<int:pk>/", intake_views.area, name="new_area"),
    path("new/duplicates/", intake_views.duplicates, name="new_duplicates"),
    path("new/route/", intake_views.routing, name="new_route"),
    path("qr/<int:pk>/", public_views.qr_sheet, name="qr"),
]
