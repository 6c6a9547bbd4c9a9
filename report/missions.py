"""One sheet per mission (and the organisation): table, N-1 vs N charts, monthly series."""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from report.cells import WRAP, header, printable, put, put_figure, title, widths
from report.charts import ROWS_PER_CHART, column_chart, row_chart
from report.figures import Figure, figure, number_format
from report.model import Line, MissionBlock
from report.synthese import mission_title

HEADER_ROW = 4
DATA_COL = 9  # chart data block: code, N-1, N (published values; masked cells empty)
MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
          "déc."]
SHEET_NAMES = {1: "M1 Accès aux soins", 2: "M2 Parcours", 3: "M3 Prévention", 4: "M4 Crise sanitaire",
               5: "M5 Qualité et pertinence", 6: "M6 Accompagnement", None: "Organisation CPTS"}


@dataclass(frozen=True)
class Breakdown:
    """Published breakdown (e.g. members by profession): (label, figure) in display order."""

    title: str
    cells: list[tuple[str, Figure]]


def write(wb: Workbook, block: MissionBlock, subtitle: str, annee: int,
          monthly: dict[str, list[dict]], threshold: int, breakdown: Breakdown | None) -> Worksheet:
    ws = wb.create_sheet(SHEET_NAMES[block.mission])
    title(ws, mission_title(block.mission), subtitle)
    header(ws, HEADER_ROW, ["Code", "Indicateur", str(annee - 1), str(annee), "Évolution", "Statut"])
    header(ws, HEADER_ROW, ["Données des graphiques", str(annee - 1), str(annee)], col=DATA_COL)
    row = HEADER_ROW + 1
    for line in block.lines:
        _line(ws, row, line)
        row += 1
    anchor = row + 2
    for i, line in enumerate(block.lines):
        chart = row_chart(ws, line.ind.libelle, line.ind.unite, HEADER_ROW + 1 + i, DATA_COL + 1,
                          DATA_COL + 2, HEADER_ROW)
        ws.add_chart(chart, f"A{anchor}")
        anchor += ROWS_PER_CHART
    anchor = _monthly(ws, block, monthly, threshold, anchor)
    if breakdown is not None:
        _breakdown(ws, breakdown, anchor)
    widths(ws, [24, 52, 11, 11, 11, 13, 4, 4, 24, 11, 11, 4, 10, 10, 10, 10, 10, 10])
    printable(ws, HEADER_ROW)
    return ws


def _line(ws: Worksheet, row: int, line: Line) -> None:
    put(ws, row, 1, line.ind.code)
    put(ws, row, 2, line.ind.libelle)
    ws.cell(row=row, column=2).alignment = WRAP
    put_figure(ws, row, 3, line.prev)
    put_figure(ws, row, 4, line.cur)
    put(ws, row, 5, line.evolution, number_format(line.ind))
    put(ws, row, 6, line.statut)
    put(ws, row, DATA_COL, line.ind.code)
    put(ws, row, DATA_COL + 1, line.prev.chart, line.prev.number_format)
    put(ws, row, DATA_COL + 2, line.cur.chart, line.cur.number_format)


def _monthly(ws: Worksheet, block: MissionBlock, monthly: dict[str, list[dict]], threshold: int,
             anchor: int) -> int:
    """Monthly series of flow indicators that have monthly values: a table then a chart each."""
    lines = [ln for ln in block.lines if ln.ind.nature == "flux" and monthly.get(ln.ind.code)]
    if not lines:
        return anchor
    put(ws, anchor, 1, "Séries mensuelles (cellule vide : valeur masquée ou absente)", bold=True)
    top = anchor + 1
    header(ws, top, ["Mois"] + [ln.ind.code for ln in lines])
    for m, label in enumerate(MONTHS, start=1):
        put(ws, top + m, 1, label)
    for col, ln in enumerate(lines, start=2):
        for row in monthly[ln.ind.code]:
            month = int(row["periode"].rsplit("-", 1)[1])
            fig = figure(ln.ind, row, threshold)
            put(ws, top + month, col, fig.chart, fig.number_format)
    anchor = top + len(MONTHS) + 2
    for col, ln in enumerate(lines, start=2):
        chart = column_chart(ws, f"{ln.ind.libelle} — par mois", ln.ind.unite, col, top + 1,
                             top + len(MONTHS), 1)
        ws.add_chart(chart, f"A{anchor}")
        anchor += ROWS_PER_CHART
    return anchor


def _breakdown(ws: Worksheet, breakdown: Breakdown, anchor: int) -> None:
    """Displayed table (masked as `< 10`) and, beside it, the chart data (masked left empty)."""
    put(ws, anchor, 1, breakdown.title, bold=True)
    header(ws, anchor + 1, ["Modalité", "Effectif"])
    header(ws, anchor + 1, ["Données du graphique", "Effectif"], col=DATA_COL)
    first = anchor + 2
    for i, (label, fig) in enumerate(breakdown.cells):
        put(ws, first + i, 1, label)
        put_figure(ws, first + i, 2, fig)
        put(ws, first + i, DATA_COL, label)
        put(ws, first + i, DATA_COL + 1, fig.chart, fig.number_format)
    last = first + max(len(breakdown.cells), 1) - 1
    chart = column_chart(ws, breakdown.title, "effectif", DATA_COL + 1, first, last, DATA_COL)
    ws.add_chart(chart, f"A{last + 2}")
