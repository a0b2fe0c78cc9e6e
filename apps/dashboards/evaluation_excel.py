"""The evaluation as a workbook: the ranking with every indicator's figures, and the weights in force.

Unlike the household workbook, nothing reads this one back, so its headers speak the reader's language.
"""

import io
from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from apps.areas.models import Area

from .choices import Subject
from .evaluation import INDICATORS, Score, weights
from .evaluation_report import denominator_label, figure_label, kind_label

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Each indicator's columns in the ranking sheet.
PARTS = 4


def evaluation_workbook(*, area: Area, subject: str, month: date, scores: list[Score]) -> bytes:
    book = Workbook()
    ranking = book.active
    ranking.title = _("Ranking")
    _ranking(ranking, area=area, subject=subject, month=month, scores=scores)
    _weights(book.create_sheet(_("Weights")), subject=subject, scores=scores)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _ranking(sheet, *, area: Area, subject: str, month: date, scores: list[Score]) -> None:
    bold = Font(bold=True)
    indicators = INDICATORS[subject]
    sheet.append(
        [
            _("%(subject)s evaluated by %(area)s, %(month)s")
            % {
                "subject": str(Subject(subject).label),
                "area": area.name,
                "month": formats.date_format(month, "YEAR_MONTH_FORMAT"),
            }
        ]
    )
    sheet["A1"].font = Font(bold=True, size=13)
    # Two header rows: each indicator over its four columns, then what each column holds.
    heading = [_("Rank"), _("Name"), _("Score")]
    sheet.append(
        heading + [label for indicator in indicators for label in (str(indicator.label), "", "", "")]
    )
    sheet.append(
        [""] * len(heading)
        + [_("Numerator"), _("Denominator"), _("Value (%)"), _("Weight")] * len(indicators)
    )
    for column in range(1, len(heading) + 1):
        sheet.merge_cells(start_row=2, end_row=3, start_column=column, end_column=column)
    for position in range(len(indicators)):
        first = len(heading) + 1 + position * PARTS
        sheet.merge_cells(start_row=2, end_row=2, start_column=first, end_column=first + PARTS - 1)
    for row in sheet.iter_rows(min_row=2, max_row=3):
        for cell in row:
            cell.font = bold
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for score in scores:
        cells = [score.rank, score.name, score.score]
        for line in score.lines:
            cells += [line.numerator, line.denominator, line.value, line.weight]
        sheet.append(cells)
    sheet.column_dimensions["B"].width = 24
    for column in range(len(heading) + 1, len(heading) + PARTS * len(indicators) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 11
    sheet.freeze_panes = "D4"


def _weights(sheet, *, subject: str, scores: list[Score]) -> None:
    weighting = {line.indicator.code: line.weight for line in scores[0].lines} if scores else weights(subject)
    sheet.append([_("Indicator"), _("Code"), _("Weight"), _("Numerator"), _("Denominator"), _("Computed as")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for indicator in INDICATORS[subject]:
        sheet.append(
            [
                str(indicator.label),
                indicator.code,
                weighting[indicator.code],
                figure_label(subject, indicator.numerator),
                denominator_label(subject, indicator),
                kind_label(indicator),
            ]
        )
    for letter, width in zip("ABCDEF", (28, 18, 8, 40, 40, 36), strict=True):
        sheet.column_dimensions[letter].width = width
