"""Forms of the work calendar pages. They parse input only; the services decide what is allowed."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin

from .services import FIRST_ENTERED_YEAR, LAST_ENTERED_YEAR


def _date_input() -> forms.DateInput:
    return forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class DayForm(BootstrapFormMixin, forms.Form):
    day = forms.DateField(label=_("date"), widget=_date_input())
    is_workday = forms.BooleanField(label=_("working day"), required=False)
    holiday = forms.CharField(
        label=_("holiday"),
        max_length=50,
        required=False,
        help_text=_("The holiday this date belongs to, or makes up for; blank for an ordinary day."),
    )
    note = forms.CharField(label=_("note"), max_length=200, required=False)


def _parse_date(text: str, line_number: int) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise ValidationError(
            _("Line %(line)s: %(text)s is not a date like 2027-01-01.") % {"line": line_number, "text": text}
        ) from error


def _lines(text: str) -> list[tuple[int, str]]:
    return [(number, line.strip()) for number, line in enumerate(text.splitlines(), 1) if line.strip()]


class YearEntryForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("year"), min_value=FIRST_ENTERED_YEAR, max_value=LAST_ENTERED_YEAR)
    holidays = forms.CharField(
        label=_("holidays"),
        widget=forms.Textarea(attrs={"rows": 9}),
        help_text=_("One holiday per line: first day, last day and name, e.g. 2027-01-01 2027-01-03 元旦"),
    )
    makeup_days = forms.CharField(
        label=_("make-up working days"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text=_("The Saturdays and Sundays worked (调休上班), one date per line, e.g. 2027-02-07"),
    )

    def clean_holidays(self) -> list[tuple[date, date, str]]:
        holidays, errors = [], []
        for number, line in _lines(self.cleaned_data["holidays"]):
            parts = line.split(maxsplit=2)
            if len(parts) != 3:
                errors.append(
                    ValidationError(
                        _(
                            "Line %(line)s: give the first day, the last day and the name, "
                            "e.g. 2027-01-01 2027-01-03 元旦"
                        )
                        % {"line": number}
                    )
                )
                continue
            try:
                holidays.append((_parse_date(parts[0], number), _parse_date(parts[1], number), parts[2]))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return holidays

    def clean_makeup_days(self) -> list[date]:
        days, errors = [], []
        for number, line in _lines(self.cleaned_data["makeup_days"]):
            try:
                days.append(_parse_date(line, number))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return days
