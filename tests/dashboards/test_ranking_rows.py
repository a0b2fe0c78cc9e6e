"""The ranking tables' rows (apps/dashboards/templatetags/dashboards.py): names escaped, numbers only
elsewhere, the same cells the page's script draws."""

import pytest

from apps.dashboards.templatetags.dashboards import child_row, department_row, rate_cell


def _rate(value, numerator, denominator):
    return {"value": value, "numerator": numerator, "denominator": denominator}


RATES = {
    "on_time_rate": _rate(87.5, 7, 8),
    "satisfaction_rate": _rate(None, 0, 0),
    "in_grid_rate": _rate(100.0, 3, 3),
    "visit_coverage": _rate(50.0, 1, 2),
    "response_rate": _rate(0.0, 0, 4),
}
FIGURES = {"created": 12, "resolved": 9, "overdue": 2, "escalated": 1, "orders_received": 8}


def test_a_rate_cell_shows_the_percentage_and_its_figures():
    assert (
        rate_cell(_rate(87.5, 7, 8)) == '<td class="text-end" data-sort-value="87.5" title="7 / 8">87.5%</td>'
    )
    assert rate_cell(_rate(100.0, 3, 3)).endswith(">100%</td>")
    assert rate_cell(_rate(None, 0, 0), " d-none") == (
        '<td class="text-end d-none" data-sort-value="-1" title="0 / 0">—</td>'
    )


def test_names_are_escaped():
    hostile = '<script>alert("x")</script>&'
    row = department_row({"name": hostile, "figures": FIGURES, "rates": RATES})
    assert "<script>" not in row
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in row
    child = child_row(
        {"id": 5, "name": hostile, "url": '/dashboard/5/?a="b"', "figures": FIGURES, "rates": RATES}
    )
    assert "<script>" not in child
    assert 'href="/dashboard/5/?a=&quot;b&quot;"' in child
    assert child.startswith('<tr data-area="5">')


def test_a_child_without_a_dashboard_is_not_a_link():
    row = child_row({"id": 9, "name": "1号楼", "url": None, "figures": FIGURES, "rates": RATES})
    assert "<a " not in row
    assert "<td>1号楼</td>" in row
    assert row.count("<td") == 9


def test_anything_but_a_number_is_refused_where_a_number_goes():
    with pytest.raises(TypeError):
        rate_cell(_rate("<b>", 1, 2))
    with pytest.raises(TypeError):
        department_row({"name": "x", "figures": {**FIGURES, "overdue": "<i>"}, "rates": RATES})
