"""SAS appointments — `SAS_rdv_<AAAAMM>.csv` (exports.md §4c).

Scope: the month of `debut`, plus every appointment whose `rdv_id` reappears (an appointment moved
to another month appears in the later file and leaves the earlier one).
"""

from __future__ import annotations

import polars as pl

from cpts.residence import with_communes
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
from warehouse.tables.sas import sas_rdv

REQUIRED = ["rdv_id", "cree_le", "debut", "statut", "id_nat_ps"]
PRESENT = ["fin", "categorie_orientation", "type_consultation"]
OPTIONAL = ["patient_commune", "patient_tranche_age"]
UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
STATUTS = ["booked", "fulfilled", "noshow", "cancelled"]
CODES = {
    "categorie_orientation": ["PS", "PDM", "SOS"],
    "type_consultation": ["AMB", "HH", "VR"],
    "patient_tranche_age": ["0-15", "16-69", "70+"],
}


def normalise(raw: pl.DataFrame) -> pl.DataFrame:
    raw = raw.with_columns([pl.lit(None, pl.String).alias(c) for c in OPTIONAL if c not in raw.columns])
    frame = raw.with_columns(
        rpps(),
        rdv_id=pl.col("rdv_id").str.to_lowercase(),
        cree_le=local_time("cree_le", date_alone_is_midnight=True),
        debut=local_time("debut"),
        fin=local_time("fin"),
        delai_heures=hours_between(instant("cree_le", date_alone_is_midnight=True), instant("debut")),
        fin_apres=instant("fin") > instant("debut"),
        statut=pl.col("statut").str.to_lowercase(),
        categorie_orientation=pl.col("categorie_orientation").str.to_uppercase(),
        type_consultation=pl.col("type_consultation").str.to_uppercase(),
        patient_tranche_age=pl.col("patient_tranche_age").str.replace_all(" ", ""),
    )
    frame = with_communes(frame, "patient_commune", insee="patient_commune")
    return frame.with_columns([coded(c, codes) for c, codes in CODES.items()]).collect()


def row_rules(raw: pl.DataFrame) -> list[tuple[str, pl.Expr, str]]:
    return [
        ("rdv_id", ~pl.col("rdv_id").fill_null("").str.contains(UUID), "rdv_id absent ou non UUID"),
        ("cree_le", pl.col("cree_le").is_null(), "cree_le absent ou illisible (attendu ISO 8601)"),
        ("debut", pl.col("debut").is_null(), "début absent ou illisible (attendu ISO 8601)"),
        ("statut", ~pl.col("statut").fill_null("").is_in(STATUTS),
         "statut absent ou hors liste (booked, fulfilled, noshow, cancelled)"),
        ("id_nat_ps", pl.col("rpps").is_null(), RPPS_REASON),
        ("fin", pl.lit(raw["fin"].is_not_null()) & pl.col("fin").is_null(), "fin illisible (ISO 8601)"),
        ("fin", ~pl.col("fin_apres"), "fin antérieure ou égale au début"),
    ]


def read(ctx: ReadContext) -> Extract:
    require_name_date(ctx.match["mois"], "%Y%m", ctx.name)
    first, last = month_of_name(ctx.match["mois"])
    raw, anomalies = read_export(ctx.path, ctx.name, ctx.limits, "sas_rdv", REQUIRED + PRESENT,
                                 REQUIRED + PRESENT + OPTIONAL)
    refuse_nir(raw, ctx.name)
    typed = normalise(raw)
    anomalies += lost_values(raw, typed, {c: c for c in [*CODES, "patient_commune"]})
    rejects = rule_rejects(typed, row_rules(raw))
    rejects += duplicate_rejects(typed, "rdv_id", "rdv_id en double dans le fichier")
    rejects = one_per_line(rejects)
    valid = drop_rejected(typed, rejects)
    check_month(valid, ctx.name, "debut", first, last)
    keep = [c.name for c in sas_rdv.columns if c.name not in {"id", "chargement_id"}]
    scope = month_and_ids_scope(sas_rdv, "rdv_id", first, last, valid["rdv_id"].to_list())
    return Extract(
        tables={sas_rdv.name: valid.select(keep)},
        scope=scope,
        rows_read=raw.height,
        rejects=rejects,
        anomalies=anomalies,
        extraction=rpu.end_of_month(first.year, first.month),
    )


FILE_TYPE = FileType(
    code="sas_rdv",
    provider="sas",
    label="SAS — rendez-vous pris par la régulation (mois)",
    pattern=pattern(r"SAS_rdv_(?P<mois>\d{6})\.csv"),
    read=read,
    extraction_from_name=lambda m: name_date(m["mois"], "%Y%m"),
)
