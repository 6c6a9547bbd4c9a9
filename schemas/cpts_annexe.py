"""Contract indicator annex — `CPTS_annexe_indicateurs_<AAAA>[_<territoire>].xlsx` (§5b).

A contract, not a log: any unreadable row or violated rule rejects the whole file with the row named
(a half-loaded annex would pay against wrong tiers). Scope: (territory, contract year).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import polars as pl

from cpts.labels import normalise_label
from schemas.base import Extract, FileRejected, FileType, ReadContext, pattern, territory_scope
from schemas.cpts_annexe_rules import check_envelopes, check_indicator
from schemas.cpts_workbook import param, territory_of
from schemas.workbook_labels import MISSION_LABELS, MISSIONS, mission_of
from schemas.xlsx_io import Table, Workbook, date_of, find_table, load, number_of, text_of
from warehouse.tables.activite import annexe_enveloppes, annexe_indicateurs, annexe_parametres

ENVELOPES = {"mission": "Mission", "part_fixe": "Part fixe (€)", "part_variable": "Part variable (€)"}
INDICATORS = {"mission": "Mission", "code_indicateur": "Code", "libelle": "Libellé",
              "valeur_initiale": "Valeur initiale", "sens": "Sens"}
TIER_COLUMNS = {"seuil_socle": "Seuil socle", "montant_socle": "Montant socle (€)",
                "seuil_intermediaire": "Seuil intermédiaire",
                "montant_intermediaire": "Montant intermédiaire (€)",
                "seuil_objectif": "Seuil objectif", "montant_objectif": "Montant objectif (€)"}
FONCTIONNEMENT = "Fonctionnement"


def read(ctx: ReadContext) -> Extract:
    year = int(ctx.match["annee"])
    book = load(ctx.path, ctx.name, ctx.limits)
    territoire, start, end = _parameters(book, ctx.name, ctx.match["territoire"], year)
    envelopes = _envelopes(find_table(book.sheet("Enveloppes"), ctx.name, ENVELOPES), ctx.name)
    indicators = _indicators(find_table(book.sheet("Indicateurs"), ctx.name,
                                        INDICATORS | TIER_COLUMNS), ctx.name)
    variable = {e["mission"]: e["part_variable"] for e in envelopes if e["mission"] is not None}
    check_envelopes(indicators, variable, ctx.name)
    key = {"territoire": pl.lit(territoire), "annee": pl.lit(year)}
    tables = {
        annexe_parametres.name: pl.DataFrame({"debut_annee_contractuelle": [start],
                                              "fin_annee_contractuelle": [end]}).with_columns(**key),
        annexe_enveloppes.name: _frame(envelopes).with_columns(**key),
        annexe_indicateurs.name: _frame(indicators).with_columns(
            actif=pl.lit(True), **key),
    }
    scope = territory_scope(annexe_parametres, annexe_enveloppes, annexe_indicateurs,
                            territoire=territoire, annee=year)
    return Extract(tables=tables, scope=scope,
                   rows_read=1 + len(envelopes) + len(indicators), anomalies=book.formula_anomalies(),
                   extraction=datetime.combine(start, datetime.min.time()))


def _parameters(book: Workbook, name: str, suffix: str | None, year: int) -> tuple[str, date, date]:
    sheet = book.sheet("Paramètres")
    territoire = territory_of(sheet, name, suffix)
    row, value = param(sheet, "Année", name)
    if number_of(value) != year:
        raise FileRejected(f"{name} : {sheet.where(row, 2)} : année « {text_of(value)} » différente "
                           f"de l'année {year} du nom de fichier.")
    row, value = param(sheet, "Début année contractuelle", name)
    start = date_of(value)
    if start is None:
        raise FileRejected(f"{name} : {sheet.where(row, 2)} : date de début illisible (JJ/MM/AAAA).")
    end = start.replace(year=start.year + 1) - timedelta(days=1)
    if end.year != year:  # contract year N is the one that ends in year N
        raise FileRejected(f"{name} : {sheet.where(row, 2)} : l'année contractuelle du {start:%d/%m/%Y} "
                           f"au {end:%d/%m/%Y} ne se termine pas en {year}.")
    return territoire, start, end


def _envelopes(table: Table, name: str) -> list[dict[str, Any]]:
    out = []
    for number, raw in table.rows():
        label = text_of(raw["mission"])
        if normalise_label(label) == normalise_label(FONCTIONNEMENT):
            mission, libelle = None, FONCTIONNEMENT
        else:
            mission = _mission(table, number, raw, name)
            libelle = MISSIONS[mission]
        out.append({"mission": mission, "libelle": libelle,
                    "part_fixe": _amount(table, number, raw, "part_fixe", name) or 0.0,
                    "part_variable": _amount(table, number, raw, "part_variable", name) or 0.0})
    return out


def _indicators(table: Table, name: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, raw in table.rows():
        code = text_of(raw["code_indicateur"])
        if code is None or code in seen:
            raise FileRejected(f"{name} : {table.where(number, 'code_indicateur')} : code indicateur "
                               f"{'absent' if code is None else 'en double'}. Annexe refusée.")
        seen.add(code)
        row = {"mission": _mission(table, number, raw, name), "code_indicateur": code,
               "libelle": text_of(raw["libelle"]), "sens": _sens(table, number, raw, name),
               "valeur_initiale": _amount(table, number, raw, "valeur_initiale", name),
               "ligne": number}
        row |= {k: _amount(table, number, raw, k, name) for k in TIER_COLUMNS}
        check_indicator(row, f"feuille Indicateurs, ligne {number} ({code})", name)
        out.append(row)
    return out


def _mission(table: Table, number: int, raw: dict[str, Any], name: str) -> int:
    mission = mission_of(text_of(raw["mission"]))
    if mission is None:
        raise FileRejected(f"{name} : {table.where(number, 'mission')} : mission « "
                           f"{text_of(raw['mission']) or ''} » non reconnue ; missions acceptées : "
                           f"{MISSION_LABELS}.")
    return mission


def _sens(table: Table, number: int, raw: dict[str, Any], name: str) -> str:
    sens = normalise_label(text_of(raw["sens"]))
    if sens not in {"≥", "≤"}:
        raise FileRejected(f"{name} : {table.where(number, 'sens')} : sens « {text_of(raw['sens'])} » "
                           "non reconnu ; valeurs acceptées : ≥ (ou >=), ≤ (ou <=).")
    return sens


def _amount(table: Table, number: int, raw: dict[str, Any], key: str, name: str) -> float | None:
    text = text_of(raw[key])
    value = number_of(raw[key])
    if text is not None and value is None:
        raise FileRejected(f"{name} : {table.where(number, key)} : nombre attendu, lu « {text[:30]} ».")
    return value


def _frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    ints = {"mission", "ligne"}
    texts = {"libelle", "code_indicateur", "sens"}
    keys = list(rows[0]) if rows else ["mission"]
    schema = {k: pl.Int64 if k in ints else pl.String if k in texts else pl.Float64 for k in keys}
    return pl.DataFrame(rows, schema=schema, orient="row")


FILE_TYPE = FileType(
    code="cpts_annexe",
    provider="cpts",
    label="CPTS annexe indicateurs du contrat",
    pattern=pattern(r"CPTS_annexe_indicateurs_(?P<annee>\d{4})(?:_(?P<territoire>[A-Za-z0-9-]+))?\.xlsx"),
    read=read,
    extraction_from_name=lambda m: datetime(int(m["annee"]), 12, 31),
    coordinator=True,
)
