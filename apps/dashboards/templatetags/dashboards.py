"""The rate cell of the dashboards' ranking tables: a tag, not an include, because a district's
department ranking has a few hundred of them and each include costs a template render."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def rate_cell(rate: dict, classes: str = "") -> str:
    """A table cell with a rate ({value, numerator, denominator}): the percentage shown, the figures
    in its title, the value to sort by (-1 when there is nothing to rate)."""
    value = rate["value"]
    return format_html(
        '<td class="text-end{}" data-sort-value="{}" title="{} / {}">{}</td>',
        f" {classes}" if classes else "",
        -1 if value is None else value,
        rate["numerator"],
        rate["denominator"],
        # As the page's script writes it: 87.5%, 100%.
        "—" if value is None else f"{value:g}%",
    )
