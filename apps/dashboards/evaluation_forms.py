"""The evaluation's choice of area, subject and month. Parameters left out take their defaults: the
user's highest area, the first subject that area evaluates, the last complete month."""

from datetime import date

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from apps.areas.models import Area
from apps.core.forms import BootstrapFormMixin

from .choices import Subject
from .evaluation import SUBJECTS_AT
from .evaluation_report import (
    MONTH_FORMAT,
    area_choices,
    default_month,
    default_subject,
    evaluation_areas,
    months,
)

FIELDS = ("area", "subject", "month")


def month_label(month: date, *, current: bool = False) -> str:
    label = formats.date_format(month, "YEAR_MONTH_FORMAT")
    return str(_("%(month)s (so far)") % {"month": label}) if current else label


class EvaluationForm(BootstrapFormMixin, forms.Form):
    area = forms.IntegerField(label=_("Area"), min_value=1, widget=forms.Select)
    subject = forms.ChoiceField(label=_("Evaluated"))
    month = forms.ChoiceField(label=_("Month"))

    def __init__(self, query, *, user, home: Area, today: date | None = None):
        raw = {name: (query.get(name) or "").strip() for name in FIELDS}
        # The area the choices are built around: None when an area was asked for by id and the user may
        # not evaluate it (or it does not exist), which the view answers as not found.
        self.area: Area | None = home
        if raw["area"].isdigit() and int(raw["area"]) != home.pk:
            self.area = evaluation_areas(user).filter(pk=int(raw["area"])).first()
        around = self.area or home
        super().__init__(
            {
                "area": raw["area"] or home.pk,
                "subject": raw["subject"] or default_subject(around),
                "month": raw["month"] or default_month(around, today).strftime(MONTH_FORMAT),
            }
        )
        self.fields["area"].widget.choices = [
            (choice.pk, f"{choice.name}（{choice.get_level_display()}）")
            for choice in (area_choices(user, around) if self.area else [])
        ]
        self.fields["subject"].choices = [
            (subject, Subject(subject).label) for subject in SUBJECTS_AT[around.level]
        ]
        offered = months(today)
        self.offered = {month.strftime(MONTH_FORMAT): month for month in offered}
        self.fields["month"].choices = [
            (value, month_label(month, current=month == offered[0])) for value, month in self.offered.items()
        ]

    def clean_area(self) -> Area:
        return self.area

    def clean_month(self) -> date:
        return self.offered[self.cleaned_data["month"]]
