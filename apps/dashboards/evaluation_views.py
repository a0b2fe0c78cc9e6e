"""The evaluation pages (stub, being written)."""

from django.http import Http404


def index(request):
    raise Http404


def export(request):
    raise Http404


def breakdown(request, subject, key):
    raise Http404
