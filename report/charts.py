"""Native Excel bar charts over published values only (masked cells are left empty)."""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.worksheet.worksheet import Worksheet

WIDTH_CM, HEIGHT_CM = 16.0, 7.0
ROWS_PER_CHART = 15  # rows of default height a chart covers, plus a gap


def bar_chart(title: str, y_title: str) -> BarChart:
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.y_axis.title = y_title
    chart.width, chart.height = WIDTH_CM, HEIGHT_CM
    chart.legend = None
    # Recent Excel versions hide axes that openpyxl leaves with the default `delete` flag.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    return chart


def add_series(chart: BarChart, ws: Worksheet, values: Reference, categories: Reference,
               label: str, from_rows: bool) -> None:
    chart.add_data(values, from_rows=from_rows, titles_from_data=False)
    chart.series[-1].tx = SeriesLabel(v=label)
    chart.set_categories(categories)


def row_chart(ws: Worksheet, title: str, unit: str, row: int, first_col: int, last_col: int,
              category_row: int) -> BarChart:
    """Bars of one table row (e.g. N-1 and N), categories taken from the header row."""
    chart = bar_chart(title, unit)
    add_series(chart, ws, Reference(ws, min_col=first_col, max_col=last_col, min_row=row, max_row=row),
               Reference(ws, min_col=first_col, max_col=last_col, min_row=category_row,
                         max_row=category_row), title, from_rows=True)
    return chart


def column_chart(ws: Worksheet, title: str, unit: str, col: int, first_row: int, last_row: int,
                 category_col: int) -> BarChart:
    """Bars of one table column (e.g. months, professions), categories from another column."""
    chart = bar_chart(title, unit)
    add_series(chart, ws, Reference(ws, min_col=col, max_col=col, min_row=first_row, max_row=last_row),
               Reference(ws, min_col=category_col, max_col=category_col, min_row=first_row,
                         max_row=last_row), title, from_rows=False)
    return chart
