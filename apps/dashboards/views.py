"""The command dashboards (stub, being written)."""

from django.http import Http404


def home(request):
    raise Http404


def dashboard(request, pk):
    raise Http404
