"""Sheet « Qualité des données »: files received, refused files, rejected rows, quality checks."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from report.cells import header, printable, put, title, widths
from report.figures import COUNT_FORMAT

HEADER_ROW = 2  # sections each have their own header; only the title is repeated when printing
STATUS_COLUMNS = [("charge", "Chargés"), ("quarantaine", "Quarantaine"), ("obsolete", "Obsolètes"),
                  ("remplace", "Remplacés")]


def write(wb: Workbook, loads: list[dict], reasons: list[dict], details: list[dict],
          checks: list[dict] | None, subtitle: str, deviations: list[dict] | None = None) -> None:
    ws = wb.create_sheet("Qualité des données")
    title(ws, "Qualité des données", subtitle)
    row = _received(ws, 4, loads)
    row = _refused(ws, row + 1, loads)
    if deviations is not None:  # every accepted deviation of the providers' files, counted
        row = _table(ws, row + 1, "Écarts acceptés (anomalies non bloquantes)",
                     ["Écart", "Fichiers", "Occurrences"],
                     [[d["ecart"], d["fichiers"], d["nombre"]] for d in deviations])
    row = _table(ws, row + 1, "Motifs de rejet des lignes", ["Motif", "Lignes rejetées"],
                 [[r["motif"], r["nombre"]] for r in reasons])
    row = _table(ws, row + 1, "Lignes rejetées (détail)",
                 ["Fichier", "Feuille", "Ligne", "Cellule", "Colonne", "Motif"],
                 [[d["nom_fichier"], d["feuille"], d["ligne"], d["cellule"], d["colonne"], d["motif"]]
                  for d in details])
    if checks is not None:
        columns = list(checks[0]) if checks else ["Aucun contrôle enregistré"]
        _table(ws, row + 1, "Contrôles de qualité", columns,
               [[_plain(r[c]) for c in columns] for r in checks])
    widths(ws, [40, 16, 12, 12, 12, 12, 60])
    printable(ws, HEADER_ROW)


def _plain(value: object) -> object:
    """Values a cell can hold; anything else (JSON, bool...) is written as text."""
    if value is None or isinstance(value, int | float | str | date | datetime):
        return value
    return str(value)


def _received(ws: Worksheet, row: int, loads: list[dict]) -> int:
    """Files received per provider and month, by outcome."""
    counts: Counter[tuple[str, str, str]] = Counter(
        (f"{x['recu_le']:%Y-%m}", x["fournisseur"], x["statut"]) for x in loads)
    keys = sorted({(m, f) for m, f, _ in counts})
    rows = [[m, f, sum(counts[(m, f, s)] for s, _ in STATUS_COLUMNS)
             + sum(n for (m2, f2, s), n in counts.items()
                   if (m2, f2) == (m, f) and s not in dict(STATUS_COLUMNS))]
            + [counts[(m, f, s)] for s, _ in STATUS_COLUMNS] for m, f in keys]
    return _table(ws, row, "Fichiers reçus par fournisseur et par mois",
                  ["Mois de réception", "Fournisseur", "Reçus"] + [label for _, label in STATUS_COLUMNS],
                  rows)


def _refused(ws: Worksheet, row: int, loads: list[dict]) -> int:
    refused = [x for x in loads if x["statut"] in ("quarantaine", "obsolete")]
    return _table(ws, row, "Fichiers refusés ou obsolètes et motif",
                  ["Fichier", "Fournisseur", "Reçu le", "Statut", "Motif"],
                  [[x["nom_fichier"], x["fournisseur"], f"{x['recu_le']:%d/%m/%Y %H:%M}", x["statut"],
                    x["message"]] for x in refused])


def _table(ws: Worksheet, row: int, heading: str, columns: list[str], rows: list[list]) -> int:
    """A titled section; returns the first free row after it."""
    put(ws, row, 1, heading, bold=True)
    header(ws, row + 1, columns)
    row += 2
    if not rows:
        put(ws, row, 1, "Aucun")
        return row + 1
    for values in rows:
        for col, value in enumerate(values, start=1):
            put(ws, row, col, value, COUNT_FORMAT)
        row += 1
    return row
