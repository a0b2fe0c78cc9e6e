from . import evaluation, views

urlpatterns = [*views.urlpatterns, *evaluation.urlpatterns]
