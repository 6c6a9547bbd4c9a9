"""SAS availability slots — `SAS_creneaux_<AAAAMM>.csv` (exports.md §4b).

Scope: the month of `debut`, plus every slot whose `creneau_id` reappears (ids are unique across
deliveries: the latest delivery's row wins wherever the slot was before).
"""

from __future__ import annotations

import polars as pl

from schemas import rpu
from schemas.base import Extract, FileType, ReadContext, drop_rejected, pattern
from schemas.csv_io import read_export, refuse_nir
from schemas.row_rules import (
    coded,
    duplicate_rejects,
    lost_values,
    name_date,
    one_per_line,
    require_name_date,
    rule_rejects,
)
from schemas.sas_common import (
    RPPS_REASON,
    check_month,
    hours_between,
    instant,
    local_time,
    month_and_ids_scope,
    month_of_name,
    rpps,
)
from warehouse.tables.sas import sas_creneaux

REQUIRED = ["creneau_id", "id_nat_ps", "debut", "fin", "type_creneau"]
PRESENT = ["type_consultation"]
TYPES_CRENEAU = ["PUBLIC", "SNP", "PRO", "CPTS"]
TYPES_CONSULTATION = ["AMB", "HH", "VR"]


def normalise(raw: pl.DataFrame) -> pl.DataFrame:
    frame = raw.with_columns(
        rpps(),
        debut=local_time("debut"),
        fin=local_time("fin"),
        duree_heures=hours_between(instant("debut"), instant("fin")),
        type_creneau=pl.col("type_creneau").str.to_uppercase(),
        type_consultation=pl.col("type_consultation").str.to_uppercase(),
    )
    return frame.with_columns(coded("type_consultation", TYPES_CONSULTATION))


def row_rules() -> list[tuple[str, pl.Expr, str]]:
    return [
        ("creneau_id", pl.col("creneau_id").is_null(), "identifiant de créneau absent"),
        ("id_nat_ps", pl.col("rpps").is_null(), RPPS_REASON),
        ("debut", pl.col("debut").is_null(), "début absent ou illisible (attendu ISO 8601)"),
        ("fin", pl.col("fin").is_null(), "fin absente ou illisible (attendu ISO 8601)"),
        ("fin", pl.col("duree_heures") <= 0, "fin antérieure ou égale au début"),
        ("type_creneau", ~pl.col("type_creneau").fill_null("").is_in(TYPES_CRENEAU),
         "type_creneau absent ou hors liste (PUBLIC, SNP, PRO, CPTS)"),
    ]


def read(ctx: ReadContext) -> Extract:
    require_name_date(ctx.match["mois"], "%Y%m", ctx.name)
    first, last = month_of_name(ctx.match["mois"])
    raw, anomalies = read_export(ctx.path, ctx.name, ctx.limits, "sas_creneaux", REQUIRED + PRESENT,
                                 REQUIRED + PRESENT)
    refuse_nir(raw, ctx.name)
    typed = normalise(raw)
    anomalies += lost_values(raw, typed, {"type_consultation": "type_consultation"})
    rejects = rule_rejects(typed, row_rules())
    rejects += duplicate_rejects(typed, "creneau_id", "creneau_id en double dans le fichier")
    rejects = one_per_line(rejects)
    valid = drop_rejected(typed, rejects)
    check_month(valid, ctx.name, "debut", first, last)
    ids = valid["creneau_id"].to_list()
    keep = [c.name for c in sas_creneaux.columns if c.name not in {"id", "chargement_id"}]
    return Extract(
        tables={sas_creneaux.name: valid.select(keep)},
        scope=month_and_ids_scope(sas_creneaux, "creneau_id", first, last, ids),
        rows_read=raw.height,
        rejects=rejects,
        anomalies=anomalies,
        extraction=rpu.end_of_month(first.year, first.month),
    )


FILE_TYPE = FileType(
    code="sas_creneaux",
    provider="sas",
    label="SAS — créneaux publiés (mois)",
    pattern=pattern(r"SAS_creneaux_(?P<mois>\d{6})\.csv"),
    read=read,
    extraction_from_name=lambda m: name_date(m["mois"], "%Y%m"),
)
