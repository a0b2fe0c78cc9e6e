"""The rows of the dashboards' ranking tables: a tag each, not template markup, because a district's
department ranking has a hundred rows of seven cells, and rendering them cell by cell (in the template
language, or with format_html's escaping of every number) took longer than reading their figures.

Only names and addresses are text and are escaped; every other value is a number this module formats.
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# Cells shown only from a screen width on (Bootstrap's display classes).
FROM_SM = " d-none d-sm-table-cell"
FROM_MD = " d-none d-md-table-cell"
FROM_LG = " d-none d-lg-table-cell"


def _number(value) -> str:
    """A count or a percentage as a string, refusing anything else (which would need escaping)."""
    if not isinstance(value, int | float):
        raise TypeError(f"a ranking cell holds a number, not {type(value).__name__}")
    return f"{value:g}" if isinstance(value, float) else str(value)


def rate_cell(rate: dict, classes: str = "") -> str:
    """A table cell with a rate ({value, numerator, denominator}): the percentage shown, the figures
    in its title, the value to sort by (-1 when there is nothing to rate)."""
    value = rate["value"]
    # As the page's script writes it: 87.5%, 100%.
    shown = "—" if value is None else f"{_number(value)}%"
    return (
        f'<td class="text-end{classes}" data-sort-value="{_number(-1 if value is None else value)}" '
        f'title="{_number(rate["numerator"])} / {_number(rate["denominator"])}">{shown}</td>'
    )


def count_cell(value, classes: str = "") -> str:
    return f'<td class="text-end{classes}">{_number(value)}</td>'


@register.simple_tag
def child_row(child: dict) -> str:
    """A row of the table of the areas below: name (a drill-down link), counts and rates."""
    name = escape(child["name"])
    if child["url"]:
        name = f'<a href="{escape(child["url"])}" data-drill data-testid="child-link">{name}</a>'
    figures, rates = child["figures"], child["rates"]
    return mark_safe(  # noqa: S308 - names escaped above, every other value a number
        f'<tr data-area="{_number(child["id"])}"><td>{name}</td>'
        + count_cell(figures["created"])
        + count_cell(figures["resolved"], FROM_MD)
        + count_cell(figures["overdue"])
        + count_cell(figures["escalated"], FROM_MD)
        + rate_cell(rates["on_time_rate"])
        + rate_cell(rates["satisfaction_rate"], FROM_SM)
        + rate_cell(rates["in_grid_rate"], FROM_LG)
        + rate_cell(rates["visit_coverage"], FROM_LG)
        + "</tr>"
    )


@register.simple_tag
def department_row(department: dict) -> str:
    """A row of the department ranking: name, orders, rates, limits missed and escalations."""
    figures, rates = department["figures"], department["rates"]
    return mark_safe(  # noqa: S308 - the name escaped, every other value a number
        f"<tr><td>{escape(department['name'])}</td>"
        + count_cell(figures["orders_received"])
        + rate_cell(rates["on_time_rate"])
        + rate_cell(rates["response_rate"], FROM_SM)
        + rate_cell(rates["satisfaction_rate"], FROM_MD)
        + count_cell(figures["overdue"])
        + count_cell(figures["escalated"], FROM_MD)
        + "</tr>"
    )
