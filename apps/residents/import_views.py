"""The import and export pages: upload a workbook and follow its job (progress polled with htmx, then the
rejected rows), the template, and the export. Only holders of "resident.import" or "resident.export"
reach them (404 for everyone else); a job is seen by the user who uploaded it only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.scope import user_scope
from apps.core.forms import add_service_errors

from . import excel
from .import_forms import ExportForm, ImportForm
from .imports import FINISHED, import_start
from .models import ImportJob

PAGE_SIZE = 20
ERRORS_PAGE_SIZE = 100


def _check(request: HttpRequest, permission: str) -> None:
    if not user_scope(request.user).allows(permission):
        raise Http404


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _job(request: HttpRequest, pk: int) -> ImportJob:
    _check(request, "resident.import")
    return get_object_or_404(ImportJob.objects.defer("errors"), pk=pk, created_by=request.user)


@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    _check(request, "resident.import")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_start(
                actor=request.user, upload=form.cleaned_data["file"], strict=form.cleaned_data["strict"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The workbook was uploaded; the import runs in the background."))
            return redirect("household_imports:detail", job.pk)
    jobs = ImportJob.objects.filter(created_by=request.user).defer("errors", "message")
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    may_export = user_scope(request.user).allows("resident.export")
    return render(
        request, "residents/imports/index.html", {"form": form, "page_obj": page, "may_export": may_export}
    )


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    _check(request, "resident.import")
    job = get_object_or_404(ImportJob, pk=pk, created_by=request.user)
    errors = Paginator(job.errors, ERRORS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "residents/imports/detail.html",
        {"job": job, "page_obj": errors, "running": job.status not in FINISHED},
    )


@require_GET
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment the job page polls; once the job has finished, the whole page reloads to show
    the result and the rejected rows."""
    job = _job(request, pk)
    running = job.status not in FINISHED
    response = render(request, "residents/imports/_progress.html", {"job": job, "running": running})
    if not running:
        response["HX-Refresh"] = "true"
    return response


@require_GET
def errors(request: HttpRequest, pk: int) -> HttpResponse:
    _check(request, "resident.import")
    job = get_object_or_404(ImportJob, pk=pk, created_by=request.user)
    return _xlsx(excel.errors_workbook(job.errors), f"errors-{job.pk}.xlsx")


@require_GET
def template(request: HttpRequest) -> HttpResponse:
    _check(request, "resident.import")
    return _xlsx(excel.template_workbook(), "households-template.xlsx")


@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    _check(request, "resident.export")
    form = ExportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            content = excel.export_workbook(
                actor=request.user,
                within=form.cleaned_data["area"],
                unmasked=form.cleaned_data["unmasked"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _xlsx(content, f"households-{timezone.localdate():%Y%m%d}.xlsx")
    return render(request, "residents/imports/export.html", {"form": form})
