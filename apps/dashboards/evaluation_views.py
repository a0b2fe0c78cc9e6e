"""The evaluation (考核) pages: the monthly ranking of one kind of subject under an area, the breakdown of
one score, and the ranking as a workbook.

Only the areas where the user holds evaluation.view exist here: any other area answers 404, like a
missing one. Parameters that are not valid are shown as form errors and nothing is computed.
"""

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from apps.core.forms import add_service_errors

from .choices import Subject
from .evaluation import INDICATORS, SUBJECTS_AT, evaluate, weights
from .evaluation_excel import XLSX_CONTENT_TYPE, evaluation_workbook
from .evaluation_forms import EvaluationForm, month_label
from .evaluation_report import MONTH_FORMAT, evaluation_home, kind_label, points_total
from .evaluation_report import breakdown as breakdown_rows


def _form(request: HttpRequest, subject: str | None = None) -> EvaluationForm:
    home = evaluation_home(request.user)
    if home is None:
        raise Http404
    query = request.GET.copy()
    if subject is not None:
        query["subject"] = subject
    form = EvaluationForm(query, user=request.user, home=home)
    if form.area is None:
        raise Http404
    return form


def _scores(form: EvaluationForm, user):
    """The ranking asked for by a valid form, or None with the service's errors put on the form."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return evaluate(user, area=data["area"], subject=data["subject"], month=data["month"])
    except ValidationError as error:
        add_service_errors(form, error)
        return None


def _query(form: EvaluationForm) -> str:
    data = form.cleaned_data
    return urlencode(
        {"area": data["area"].pk, "subject": data["subject"], "month": data["month"].strftime(MONTH_FORMAT)}
    )


def _context(form: EvaluationForm) -> dict:
    if form.is_valid():
        subject, month = form.cleaned_data["subject"], form.cleaned_data["month"]
        return {
            "form": form,
            "area": form.area,
            "subject": subject,
            "subject_label": Subject(subject).label,
            "month": month,
            "month_label": month_label(month),
            "query": _query(form),
        }
    return {"form": form, "area": form.area}


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    scores = _scores(form, request.user)
    context = _context(form)
    if scores is not None:
        subject = form.cleaned_data["subject"]
        weighting = weights(subject)
        context |= {
            "scores": scores,
            "indicators": [(indicator, weighting[indicator.code]) for indicator in INDICATORS[subject]],
        }
    return render(request, "dashboards/evaluation.html", context)


@require_GET
def breakdown(request: HttpRequest, subject: str, key: int) -> HttpResponse:
    form = _form(request, subject)
    if subject not in SUBJECTS_AT[form.area.level]:
        raise Http404
    scores = _scores(form, request.user)
    context = _context(form)
    if scores is not None:
        score = next((item for item in scores if item.key == key), None)
        if score is None:
            raise Http404
        rows = breakdown_rows(score)
        counted = [row for row in rows if row.counted]
        context |= {
            "score": score,
            "rows": [(row, kind_label(row.indicator)) for row in rows],
            "ranked": len(scores),
            "counted": counted,
            "points_total": points_total(score),
            "weight_total": sum(row.line.weight for row in counted),
            "back": f"{reverse('dashboards:evaluation')}?{context['query']}",
        }
    return render(request, "dashboards/evaluation_breakdown.html", context)


@require_GET
def export(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    scores = _scores(form, request.user)
    if scores is None:
        return render(request, "dashboards/evaluation.html", _context(form), status=400)
    data = form.cleaned_data
    content = evaluation_workbook(
        area=data["area"], subject=data["subject"], month=data["month"], scores=scores
    )
    filename = _("evaluation-%(area)s-%(subject)s-%(month)s.xlsx") % {
        "area": data["area"].name,
        "subject": Subject(data["subject"]).label,
        "month": data["month"].strftime(MONTH_FORMAT),
    }
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
