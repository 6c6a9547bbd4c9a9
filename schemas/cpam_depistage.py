"""CPAM organised cancer screening — `CPAM_depistage_<AAAA>[_<territoire>].xlsx` (§3c).

Scope: (territory, year). The rate is recomputed; a supplied rate more than 0.1 point away is kept,
flagged `taux_incoherent` and counted as an anomaly.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import polars as pl

from schemas.base import Anomaly, Extract, FileType, ReadContext, Reject, pattern, territory_scope
from schemas.cpam_common import NAME_SUFFIX, spaced_thousands, territory_from_title
from schemas.workbook_labels import DEPISTAGES, accepted_list, match_label
from schemas.xlsx_io import Table, find_table, int_of, load, number_of, text_of
from warehouse.tables.cpam import cpam_depistage

SHEET = "Dépistage"
COLUMNS = {"depistage": "Dépistage", "population_cible": "Population cible",
           "population_depistee": "Population dépistée", "taux_fourni": "Taux (%)"}
TOLERANCE = 0.1  # percentage points


def read(ctx: ReadContext) -> Extract:
    year = int(ctx.match["annee"])
    book = load(ctx.path, ctx.name, ctx.limits)
    table = find_table(book.sheet(SHEET), ctx.name, COLUMNS)
    territoire, title_anomalies = territory_from_title(table.sheet, table.header_row, ctx.name,
                                                       ctx.match["territoire"])
    rows: list[dict[str, Any]] = []
    rejects: list[Reject] = []
    for number, raw in table.rows():
        row = _row(table, number, raw)
        (rejects if isinstance(row, Reject) else rows).append(row)  # type: ignore[arg-type]
    frame = pl.DataFrame(rows, schema={"depistage": pl.String, "population_cible": pl.Int64,
                                       "population_depistee": pl.Int64, "taux_fourni": pl.Float64,
                                       "taux_incoherent": pl.Boolean}, orient="row")
    off = frame.filter(pl.col("taux_incoherent"))
    anomalies = [Anomaly("Taux (%)", "taux_incoherent", off.height, off["depistage"][0])] \
        if off.height else []
    anomalies += book.formula_anomalies() + title_anomalies
    anomalies += spaced_thousands(table, {k: COLUMNS[k] for k in ("population_cible", "population_depistee")})
    return Extract(
        tables={cpam_depistage.name: frame.with_columns(territoire=pl.lit(territoire),
                                                        annee=pl.lit(year))},
        scope=territory_scope(cpam_depistage, territoire=territoire, annee=year),
        rows_read=len(rows) + len(rejects), rejects=rejects, anomalies=anomalies,
        extraction=datetime(year, 12, 31),
    )


def _row(table: Table, number: int, raw: dict[str, Any]) -> dict[str, Any] | Reject:
    label = match_label(text_of(raw["depistage"]), list(DEPISTAGES))
    if label is None:
        return table.reject(number, "depistage", "Dépistage",
                            f"dépistage « {text_of(raw['depistage']) or ''} » inconnu ; "
                            f"libellés acceptés : {accepted_list(list(DEPISTAGES))}")
    cible, depistee = int_of(raw["population_cible"]), int_of(raw["population_depistee"])
    if cible is None or cible == 0:
        return table.reject(number, "population_cible", "Population cible",
                            "population cible absente, nulle ou non entière")
    if depistee is None or depistee > cible:
        return table.reject(number, "population_depistee", "Population dépistée",
                            "population dépistée absente, non entière ou supérieure à la cible")
    taux = number_of(raw["taux_fourni"])
    incoherent = taux is not None and abs(taux - 100 * depistee / cible) > TOLERANCE
    return {"depistage": DEPISTAGES[label], "population_cible": cible,
            "population_depistee": depistee, "taux_fourni": taux, "taux_incoherent": incoherent}


FILE_TYPE = FileType(
    code="cpam_depistage",
    provider="cpam",
    label="CPAM dépistage organisé des cancers",
    pattern=pattern(rf"CPAM_depistage_(?P<annee>\d{{4}}){NAME_SUFFIX}\.xlsx"),
    read=read,
    extraction_from_name=lambda m: datetime(int(m["annee"]), 12, 31),
)
