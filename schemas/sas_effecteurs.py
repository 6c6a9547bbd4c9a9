"""SAS effectors — `SAS_effecteurs_<AAAAMMJJ>.csv` (exports.md §4a): a full list at a snapshot date.

Scope: the snapshot date. History is kept: `valide_du` = snapshot date, `valide_au` = the day before
the next snapshot, recomputed over the whole table after each load (arrival order does not matter).
"""

from __future__ import annotations

import re
from datetime import date, datetime

import polars as pl

from cpts.dates import parse_date
from cpts.residence import with_communes
from schemas.base import Extract, FileType, ReadContext, Scope, drop_rejected, pattern
from schemas.csv_io import read_export, refuse_nir
from schemas.row_rules import coded, lost_values, name_date, one_per_line, require_name_date, rule_rejects
from schemas.sas_common import RPPS_REASON, rpps
from warehouse.tables.sas import sas_effecteurs

REQUIRED = ["id_nat_ps", "profession_code", "commune_exercice", "participation_sas"]
PRESENT = ["date_debut_participation", "date_fin_participation"]
OPTIONAL = ["specialite_code", "participation_via", "deux_heures_declarees"]
FLAGS = ["1", "0"]


def normalise(raw: pl.DataFrame, snapshot: date) -> pl.DataFrame:
    raw = raw.with_columns([pl.lit(None, pl.String).alias(c) for c in OPTIONAL if c not in raw.columns])
    frame = raw.with_columns(
        rpps(),
        specialite_code=pl.col("specialite_code").str.to_uppercase(),
        date_debut_participation=parse_date("date_debut_participation"),
        date_fin_participation=parse_date("date_fin_participation"),
        date_instantane=pl.lit(snapshot),
        valide_du=pl.lit(snapshot),
        valide_au=pl.lit(None, pl.Date),
    )
    frame = with_communes(frame, "commune_exercice", insee="commune_exercice")
    frame = frame.with_columns(coded("participation_via", ["1", "2", "3", "4"]),
                               coded("deux_heures_declarees", FLAGS))
    return frame.with_columns(
        participation_bool=pl.col("participation_sas") == "1",
        deux_heures_declarees=pl.col("deux_heures_declarees") == "1",
    ).collect()


def row_rules(raw: pl.DataFrame) -> list[tuple[str, pl.Expr, str]]:
    rules: list[tuple[str, pl.Expr, str]] = [
        ("id_nat_ps", pl.col("rpps").is_null(), RPPS_REASON),
        ("profession_code", ~pl.col("profession_code").fill_null("").str.contains(r"^[0-9]{2}$"),
         "code profession absent ou mal formé (TRE_G15, 2 chiffres)"),
        ("commune_exercice", pl.col("commune_exercice").is_null(),
         "code INSEE de la commune d'exercice absent ou inconnu du COG"),
        ("participation_sas", ~pl.col("participation_sas").fill_null("").is_in(FLAGS),
         "participation_sas absente ou différente de 1 / 0"),
    ]
    for column in PRESENT:
        unreadable = pl.lit(raw[column].is_not_null()) & pl.col(column).is_null()
        rules.append((column, unreadable, f"{column} illisible (attendu AAAA-MM-JJ)"))
    return rules


def scope(snapshot: date) -> Scope:
    return Scope((sas_effecteurs.name,), (("date_instantane", snapshot),))


def table_rows(frame: pl.DataFrame) -> pl.DataFrame:
    frame = frame.with_columns(participation_sas=pl.col("participation_bool"))
    keep = [c.name for c in sas_effecteurs.columns if c.name not in {"id", "chargement_id"}]
    return frame.select(keep)


def read(ctx: ReadContext) -> Extract:
    snapshot = require_name_date(ctx.match["date"], "%Y%m%d", ctx.name).date()
    raw, anomalies = read_export(ctx.path, ctx.name, ctx.limits, "sas_effecteurs", REQUIRED + PRESENT,
                                 REQUIRED + PRESENT + OPTIONAL)
    refuse_nir(raw, ctx.name)
    typed = normalise(raw, snapshot)
    anomalies += lost_values(raw, typed, {"participation_via": "participation_via",
                                          "deux_heures_declarees": "deux_heures_declarees"})
    rejects = one_per_line(rule_rejects(typed, row_rules(raw)))
    return Extract(
        tables={sas_effecteurs.name: table_rows(drop_rejected(typed, rejects))},
        scope=scope(snapshot),
        rows_read=raw.height,
        rejects=rejects,
        anomalies=anomalies,
        extraction=datetime.combine(snapshot, datetime.min.time()),
    )


def extraction_from_name(m: re.Match[str]) -> datetime:
    return name_date(m["date"], "%Y%m%d")


FILE_TYPE = FileType(
    code="sas_effecteurs",
    provider="sas",
    label="SAS — effecteurs inscrits (instantané)",
    pattern=pattern(r"SAS_effecteurs_(?P<date>\d{8})\.csv"),
    read=read,
    extraction_from_name=extraction_from_name,
)
