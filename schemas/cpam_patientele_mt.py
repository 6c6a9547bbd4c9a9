"""CPAM patientèle and médecin traitant — `CPAM_patientele_MT_<AAAAMMJJ>[_<territoire>].xlsx` (§3a).

Scope: (territory, situation date). Masked cells (`<5`) are unknown (1–4): stored NULL with the
`_masque` flag, never 0. The TOTAL row is the authoritative territory figure and is kept.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import polars as pl

from cpts.labels import normalise_label
from schemas.base import (
    Anomaly,
    Extract,
    FileRejected,
    FileType,
    ReadContext,
    Reject,
    pattern,
    territory_scope,
)
from schemas.cpam_common import (
    NAME_SUFFIX,
    spaced_thousands,
    territory_from_title,
    title_cells,
)
from schemas.xlsx_io import Table, code_of, find_table, int_of, load, text_of
from warehouse.tables.cpam import MT_MEASURES, cpam_patientele_mt

SHEET = "Patientèle MT"
COLUMNS = {
    "code_insee": "Code commune", "commune": "Commune",
    "consommants_17p": "Consommants 17 ans et +", "sans_mt_17p": "dont sans MT 17 ans et +",
    "consommants_70p": "Consommants 70 ans et +", "sans_mt_70p": "dont sans MT 70 ans et +",
    "patients_ald": "Patients en ALD", "ald_sans_mt": "dont ALD sans MT",
    "beneficiaires_c2s": "Bénéficiaires C2S", "c2s_sans_mt": "dont C2S sans MT",
}
MASKED = {"<5", "s", "ns"}
SITUATION = re.compile(r"situation au\s+(\d{1,2}/\d{1,2}/\d{4})", re.IGNORECASE)
_INSEE = re.compile(r"^([0-9]{2}|2[AB])[0-9]{3}$")


def read(ctx: ReadContext) -> Extract:
    book = load(ctx.path, ctx.name, ctx.limits)
    sheet = book.sheet(SHEET)
    table = find_table(sheet, ctx.name, COLUMNS)
    territoire, title_anomalies = territory_from_title(sheet, table.header_row, ctx.name,
                                                       ctx.match["territoire"])
    situation = datetime.strptime(ctx.match["date"], "%Y%m%d").date()
    _check_situation(table, ctx.name, situation)
    rows, rejects, empties = _rows(table, ctx.name)
    if not any(r["est_total"] for r in rows):
        raise FileRejected(f"{ctx.name} : feuille {sheet.title} : ligne « TOTAL » absente.")
    frame = _frame(rows, territoire, situation)
    anomalies = [Anomaly(", ".join(table.extra)[:80], "colonne_en_trop", len(table.extra))] \
        if table.extra else []
    if empties:
        anomalies.append(Anomaly(empties[0], "valeur_vide", len(empties)))
    anomalies += book.formula_anomalies() + title_anomalies
    anomalies += spaced_thousands(table, {m: COLUMNS[m] for m in MT_MEASURES})
    return Extract(
        tables={cpam_patientele_mt.name: frame},
        scope=territory_scope(cpam_patientele_mt, territoire=territoire, date_situation=situation),
        rows_read=len(rows) + len(rejects), rejects=rejects, anomalies=anomalies,
        extraction=datetime.combine(situation, datetime.min.time()),
    )


def _check_situation(table: Table, name: str, situation: date) -> None:
    """The situation date of the name must be the one of the title row."""
    for r, c, text in title_cells(table.sheet, table.header_row):
        found = SITUATION.search(text)
        if found:
            titled = datetime.strptime(found.group(1), "%d/%m/%Y").date()
            if titled != situation:
                raise FileRejected(
                    f"{name} : {table.sheet.where(r, c)} : situation au {titled:%d/%m/%Y} alors que "
                    f"le nom du fichier indique le {situation:%d/%m/%Y}. Fichier refusé."
                )
            return
    raise FileRejected(
        f"{name} : feuille {table.sheet.title} : date de situation (« situation au JJ/MM/AAAA ») "
        "absente des lignes de titre."
    )


def _rows(table: Table, name: str) -> tuple[list[dict[str, Any]], list[Reject], list[str]]:
    """Commune rows then the TOTAL row; the note under the table is ignored."""
    rows: list[dict[str, Any]] = []
    rejects: list[Reject] = []
    empties: list[str] = []
    for number, raw in table.rows():
        is_total = normalise_label(text_of(raw["code_insee"])) == "total"
        row, problem = _row(table, name, number, raw, is_total, empties)
        if problem:
            rejects.append(problem)
        elif row:
            rows.append(row)
        if is_total:
            break  # below the total: the note (« Les effectifs inférieurs à 5 sont masqués. »)
    return rows, rejects, empties


def _row(table: Table, name: str, number: int, raw: dict[str, Any], is_total: bool,
         empties: list[str]) -> tuple[dict[str, Any] | None, Reject | None]:
    code = None if is_total else code_of(raw["code_insee"], 5)
    if not is_total and not (code and _INSEE.match(code)):
        return None, table.reject(number, "code_insee", "Code commune",
                                  "code commune INSEE absent ou invalide")
    row: dict[str, Any] = {"code_insee": code, "commune": text_of(raw["commune"]),
                           "est_total": is_total, "ligne": number}
    for measure in MT_MEASURES:
        text = text_of(raw[measure])
        masked = text is not None and text.replace(" ", "").lower() in MASKED
        if masked and is_total:
            raise FileRejected(f"{name} : {table.where(number, measure)} : la ligne TOTAL ne "
                               f"peut pas être masquée (colonne « {COLUMNS[measure]} »).")
        value = None if masked or text is None else int_of(raw[measure])
        if text is not None and not masked and value is None:
            return None, table.reject(number, measure, COLUMNS[measure],
                                      f"effectif illisible « {text[:30]} »")
        if text is None:
            empties.append(table.where(number, measure))
        row[measure], row[f"{measure}_masque"] = value, masked
    return row, None


def _frame(rows: list[dict[str, Any]], territoire: str, situation: date) -> pl.DataFrame:
    schema: dict[str, Any] = {"code_insee": pl.String, "commune": pl.String, "est_total": pl.Boolean,
                              "ligne": pl.Int64}
    for m in MT_MEASURES:
        schema |= {m: pl.Int64, f"{m}_masque": pl.Boolean}
    frame = pl.DataFrame(rows, schema=schema, orient="row")
    return frame.drop("ligne").with_columns(territoire=pl.lit(territoire),
                                            date_situation=pl.lit(situation, pl.Date))


FILE_TYPE = FileType(
    code="cpam_patientele_mt",
    provider="cpam",
    label="CPAM patientèle et médecin traitant",
    pattern=pattern(rf"CPAM_patientele_MT_(?P<date>\d{{8}}){NAME_SUFFIX}\.xlsx"),
    read=read,
    extraction_from_name=lambda m: datetime.strptime(m["date"], "%Y%m%d"),
)
