"""CPAM PRADO inclusions — `CPAM_PRADO_<AAAA>[_<territoire>].xlsx` (§3b). Scope: (territory, year)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import polars as pl

from cpts.labels import normalise_label
from schemas.base import Extract, FileRejected, FileType, ReadContext, Reject, pattern, territory_scope
from schemas.cpam_common import NAME_SUFFIX, spaced_thousands, territory_from_title
from schemas.workbook_labels import VOLETS_PRADO, accepted_list, match_label
from schemas.xlsx_io import Table, date_of, find_table, int_of, load, text_of
from warehouse.tables.cpam import cpam_prado

SHEET = "PRADO"
COLUMNS = {"mois": "Mois", "volet": "Volet", "patients_inclus": "Patients inclus"}


def read(ctx: ReadContext) -> Extract:
    year = int(ctx.match["annee"])
    book = load(ctx.path, ctx.name, ctx.limits)
    table = find_table(book.sheet(SHEET), ctx.name, COLUMNS)
    territoire, title_anomalies = territory_from_title(table.sheet, table.header_row, ctx.name,
                                                       ctx.match["territoire"])
    rows: list[dict[str, Any]] = []
    rejects: list[Reject] = []
    for number, raw in table.rows():
        if normalise_label(text_of(raw["mois"])) == "total":
            continue
        row = _row(table, ctx.name, year, number, raw)
        (rejects if isinstance(row, Reject) else rows).append(row)  # type: ignore[arg-type]
    frame = pl.DataFrame(rows, schema={"mois": pl.Date, "volet": pl.String,
                                       "patients_inclus": pl.Int64}, orient="row")
    return Extract(
        tables={cpam_prado.name: frame.with_columns(territoire=pl.lit(territoire), annee=pl.lit(year))},
        scope=territory_scope(cpam_prado, territoire=territoire, annee=year),
        rows_read=len(rows) + len(rejects), rejects=rejects, extraction=datetime(year, 12, 31),
        anomalies=book.formula_anomalies() + title_anomalies
        + spaced_thousands(table, {"patients_inclus": COLUMNS["patients_inclus"]}),
    )


def _row(table: Table, name: str, year: int, number: int, raw: dict[str, Any]) -> dict[str, Any] | Reject:
    month = date_of(raw["mois"])
    if month is None:
        return table.reject(number, "mois", "Mois", "mois absent ou illisible (date attendue)")
    if month.year != year:
        raise FileRejected(f"{name} : {table.where(number, 'mois')} : mois {month:%m/%Y} hors de "
                           f"l'année {year} du nom de fichier. Fichier refusé.")
    volet = match_label(text_of(raw["volet"]), VOLETS_PRADO)
    if volet is None:
        return table.reject(number, "volet", "Volet", f"volet « {text_of(raw['volet']) or ''} » "
                            f"inconnu ; volets acceptés : {accepted_list(VOLETS_PRADO)}")
    count = int_of(raw["patients_inclus"])
    if count is None:
        return table.reject(number, "patients_inclus", "Patients inclus",
                            "nombre de patients absent ou non entier")
    return {"mois": date(month.year, month.month, 1), "volet": volet, "patients_inclus": count}


FILE_TYPE = FileType(
    code="cpam_prado",
    provider="cpam",
    label="CPAM inclusions PRADO",
    pattern=pattern(rf"CPAM_PRADO_(?P<annee>\d{{4}}){NAME_SUFFIX}\.xlsx"),
    read=read,
    extraction_from_name=lambda m: datetime(int(m["annee"]), 12, 31),
)
