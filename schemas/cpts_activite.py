"""CPTS activity of the year — `CPTS_activite_<AAAA>[_<territoire>].xlsx` (§5a).

Coordinator workbook: each bad row is rejected with its sheet and cell, the others load. Scope:
(territory, year) — a later version replaces everything of that territory and year in the five tables.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import polars as pl

from schemas.base import Anomaly, Extract, FileType, ReadContext, Reject, Scope, pattern
from schemas.cpts_activite_sheets import SHEETS, SheetSpec
from schemas.cpts_cells import CellProblem, typed
from schemas.cpts_workbook import territory_of
from schemas.xlsx_io import Table, Workbook, find_table, load
from warehouse.tables import metadata


def read(ctx: ReadContext) -> Extract:
    year = int(ctx.match["annee"])
    book = load(ctx.path, ctx.name, ctx.limits)
    territoire = territory_of(book.sheet("Paramètres"), ctx.name, ctx.match["territoire"])
    tables: dict[str, pl.DataFrame] = {}
    rejects: list[Reject] = []
    anomalies: list[Anomaly] = book.formula_anomalies()
    rows_read = 0
    for spec in SHEETS:
        table = _table(book, spec, ctx.name)
        rows, bad = _sheet_rows(table, spec, year)
        rows_read += len(rows) + len(bad)
        rejects += bad
        tables[spec.table] = _frame(rows, spec, territoire, year)
        if table.extra:
            anomalies.append(Anomaly(f"{spec.sheet} : {', '.join(table.extra)}"[:80],
                                     "colonne_en_trop", len(table.extra)))
    return Extract(tables=tables, scope=_scope(territoire, year), rows_read=rows_read,
                   rejects=rejects, anomalies=anomalies, extraction=datetime(year, 12, 31))


def _table(book: Workbook, spec: SheetSpec, name: str) -> Table:
    required = {c.key: c.label for c in spec.columns if not c.column_optional}
    optional = {c.key: c.label for c in spec.columns if c.column_optional}
    return find_table(book.sheet(spec.sheet), name, required, optional)


def _sheet_rows(table: Table, spec: SheetSpec, year: int) -> tuple[list[dict[str, Any]], list[Reject]]:
    rows: list[dict[str, Any]] = []
    rejects: list[Reject] = []
    for number, raw in table.rows():
        row: dict[str, Any] = {"ligne": number}
        problem = None
        for col in spec.columns:
            try:
                row[col.key] = typed(col, raw.get(col.key))
            except CellProblem as exc:
                problem = table.reject(number, col.key, col.label, str(exc))
                break
        problem = problem or _outside_year(table, spec, row, year)
        if problem:
            rejects.append(problem)
        else:
            rows.append(row)
    return rows, rejects


def _outside_year(table: Table, spec: SheetSpec, row: dict[str, Any], year: int) -> Reject | None:
    """Rows dated in another year are rejected (the Adhérents register is not dated by the year)."""
    if not spec.dated_in_year:
        return None
    date_col = spec.columns[0]
    when = row[date_col.key]
    if when.year == year:
        return None
    return table.reject(row["ligne"], date_col.key, date_col.label,
                        f"date du {when:%d/%m/%Y} hors de l'année {year} du classeur")


def _frame(rows: list[dict[str, Any]], spec: SheetSpec, territoire: str, year: int) -> pl.DataFrame:
    table = metadata.tables[spec.table]
    schema = {"ligne": pl.Int64} | {c.key: _dtype(table.c[c.key].type.python_type)
                                     for c in spec.columns}
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    return frame.with_columns(territoire=pl.lit(territoire), annee=pl.lit(year))


def _dtype(python_type: type) -> Any:
    return {int: pl.Int64, str: pl.String}.get(python_type, pl.Date)


def _scope(territoire: str, year: int) -> Scope:
    return Scope(tuple(s.table for s in SHEETS), (("territoire", territoire), ("annee", year)))


FILE_TYPE = FileType(
    code="cpts_activite",
    provider="cpts",
    label="CPTS activité de l'année",
    pattern=pattern(r"CPTS_activite_(?P<annee>\d{4})(?:_(?P<territoire>[A-Za-z0-9-]+))?\.xlsx"),
    read=read,
    extraction_from_name=lambda m: datetime(int(m["annee"]), 12, 31),
    coordinator=True,
)
