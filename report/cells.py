"""Safe cell writing and sheet layout shared by every sheet."""

from __future__ import annotations

from datetime import date, datetime

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from report.figures import Figure

# Text a spreadsheet would read as a formula (CSV/formula injection, OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")

Value = str | int | float | date | datetime | None


def put(ws: Worksheet, row: int, col: int, value: Value, number_format: str | None = None,
        bold: bool = False) -> None:
    """Write one value; text is always stored as text, never as a formula."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        if value.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True  # Excel's own apostrophe: shown as typed, never evaluated
    else:
        cell.value = value
        if number_format and isinstance(value, int | float):
            cell.number_format = number_format
    if bold:
        cell.font = BOLD


def put_figure(ws: Worksheet, row: int, col: int, fig: Figure) -> None:
    put(ws, row, col, fig.cell, fig.number_format)
    if isinstance(fig.cell, str):
        ws.cell(row=row, column=col).alignment = Alignment(horizontal="right")


def header(ws: Worksheet, row: int, labels: list[str], col: int = 1) -> None:
    for i, label in enumerate(labels):
        put(ws, row, col + i, label, bold=True)
        cell = ws.cell(row=row, column=col + i)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def title(ws: Worksheet, text: str, subtitle: str) -> None:
    put(ws, 1, 1, text)
    ws.cell(row=1, column=1).font = TITLE_FONT
    put(ws, 2, 1, subtitle)


def widths(ws: Worksheet, sizes: list[float]) -> None:
    for i, size in enumerate(sizes, start=1):
        ws.column_dimensions[get_column_letter(i)].width = size


def printable(ws: Worksheet, header_row: int) -> None:
    """A4 landscape, one page wide, title rows repeated, header frozen."""
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"1:{header_row}"
    ws.print_options.gridLines = False
