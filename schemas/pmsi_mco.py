"""PMSI MCO stays — `PMSI_MCO_<FINESS>_<AAAA>_M<MM>.csv` (exports.md §2).

Cumulative within a year: the month-MM file holds every stay discharged from 1 January to the end
of MM. Scope: (FINESS, year); a lower month than the one loaded is « obsolète » (monotonic).
The linkage key nir_ano_17 is replaced by its HMAC as soon as the file is read.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from cpts.dates import parse_date
from cpts.identifiers import finess_invalid
from cpts.pseudonym import pseudonymise
from cpts.residence import with_communes
from schemas import rpu
from schemas.base import (
    LINE,
    Anomaly,
    Extract,
    FileRejected,
    FileType,
    ReadContext,
    Scope,
    drop_rejected,
    pattern,
)
from schemas.csv_io import read_export, refuse_nir
from schemas.row_rules import coded, duplicate_rejects, lost_values, one_per_line, rule_rejects
from warehouse.tables.hopital import sejours_mco

REQUIRED = ["finess", "num_rsa", "date_entree", "date_sortie", "mode_entree", "mode_sortie", "ghm", "dp"]
PRESENT = ["nir_ano_17", "cp_residence", "provenance", "uhcd"]
PRESENT_SNDS = [c for c in PRESENT if c != "uhcd"]  # SNDS extracts may lack the UHCD flag
UHCD_ABSENT = "uhcd_absent"  # anomaly nature read back by the completeness rules
OPTIONAL = ["sexe", "age", "commune_residence", "destination", "dr", "nb_rum"]
GHM = r"^[0-9]{2}[CKMZ][0-9]{2}[1-4A-DJTZE]$"
PMSI_DATES = ("%d%m%Y", "%Y-%m-%d", "%d/%m/%Y")  # SNDS/ATIH extracts: ISO or French
CODES = {
    "sexe": ["1", "2", "3"],
    "provenance": ["1", "2", "3", "4", "5", "6", "7"],
    "destination": ["1", "2", "3", "4", "6", "7"],
}
MODE_ENTREE = ["0", "6", "7", "8", "N", "O"]
MODE_SORTIE = ["0", "6", "7", "8", "9"]


def uhcd_column(raw: pl.DataFrame, anomalies: list[Anomaly], name: str) -> tuple[pl.DataFrame, list[Anomaly]]:
    """An SNDS extract (header in the SNDS/ATIH vocabulary) may lack the UHCD flag: its stays load
    with `uhcd` 0 and the anomaly makes ADM_DIRECTE_MED provisoire (warehouse.catalogue.completude).
    A canonical file without the column is refused as before."""
    if "uhcd" in raw.columns:
        return raw, anomalies
    if not any(a.nature == "entete_synonyme" for a in anomalies):
        raise FileRejected(f"{name} : colonne obligatoire absente « uhcd » (ligne 1, en-tête) ; seul un "
                           "extrait SNDS (en-têtes ETA_NUM, RSA_NUM…) peut l'omettre. Colonnes attendues : "
                           f"{', '.join(REQUIRED + PRESENT)}.")
    absent = Anomaly("uhcd", UHCD_ABSENT, raw.height, "indicateur UHCD absent : ADM_DIRECTE_MED provisoire")
    return raw.with_columns(uhcd=pl.lit(None, pl.String)), [*anomalies, absent]


def normalise(raw: pl.DataFrame, key: bytes) -> pl.DataFrame:
    """Typed stays; the raw linkage key is dropped here, before any other step."""
    raw = raw.with_columns([pl.lit(None, pl.String).alias(c) for c in OPTIONAL if c not in raw.columns])
    frame = raw.with_columns(patient_pseudo=pseudonymise(raw["nir_ano_17"], key)).drop("nir_ano_17")
    integer = {c: pl.col(c).cast(pl.Int32, strict=False) for c in ("age", "nb_rum")}
    frame = frame.with_columns(
        finess=pl.col("finess").str.to_uppercase().str.zfill(9),
        date_entree=parse_date("date_entree", PMSI_DATES),
        date_sortie=parse_date("date_sortie", PMSI_DATES),
        mode_entree=pl.col("mode_entree").str.to_uppercase(),
        ghm=pl.col("ghm").str.to_uppercase(),
        dp=rpu._cim10(pl.col("dp")),
        dr=rpu._cim10(pl.col("dr")),
        cp_residence=pl.col("cp_residence").str.zfill(5),
        uhcd=pl.col("uhcd").fill_null("0") == "1",
        **integer,
    )
    frame = frame.lazy().with_columns(
        *[coded(c, codes) for c, codes in CODES.items()],
        age=pl.when(pl.col("age").is_between(0, 120)).then(pl.col("age")),
        nb_rum=pl.when(pl.col("nb_rum") >= 1).then(pl.col("nb_rum")),
    )
    return with_communes(frame, "commune_residence", insee="commune_residence").collect()


def row_rules(typed: pl.DataFrame) -> list[tuple[str, pl.Expr, str]]:
    absent = "valeur obligatoire absente"
    rules: list[tuple[str, pl.Expr, str]] = [(c, pl.col(c).is_null(), absent) for c in REQUIRED]
    return [
        *rules,
        ("finess", finess_invalid(typed),
         "FINESS : clé de contrôle invalide (Luhn)"),
        ("mode_entree", ~pl.col("mode_entree").is_in(MODE_ENTREE),
         "mode_entree hors liste (0, 6, 7, 8, N, O)"),
        ("mode_sortie", ~pl.col("mode_sortie").is_in(MODE_SORTIE),
         "mode_sortie hors liste (0, 6, 7, 8, 9)"),
        ("ghm", ~pl.col("ghm").str.contains(GHM), "GHM mal formé (attendu 6 caractères, ex. 05M092)"),
        ("date_sortie", pl.col("date_sortie") < pl.col("date_entree"),
         "date_sortie antérieure à date_entree"),
    ]


def unreadable_dates(raw: pl.DataFrame, typed: pl.DataFrame) -> list[tuple[str, pl.Expr, str]]:
    """A date present but unparseable: reported as such rather than as « absente »."""
    return [(c, pl.lit(raw[c].is_not_null() & typed[c].is_null()),
             f"{c} illisible (attendu JJMMAAAA, AAAA-MM-JJ ou JJ/MM/AAAA)")
            for c in ("date_entree", "date_sortie")]


def check_scope(frame: pl.DataFrame, name: str, finess: str, year: int, month: int) -> None:
    """Another FINESS, or a discharge outside 1 January..end of month MM, rejects the file."""
    other = frame.filter(pl.col("finess") != finess)
    if other.height:
        raise FileRejected(f"{name} : ligne {other[LINE][0]}, colonne « finess » : FINESS "
                           f"{other['finess'][0]} différent de celui du nom de fichier ({finess}). "
                           "Fichier refusé.")
    first, last = date(year, 1, 1), rpu.month_bounds(year, month)[1]
    outside = frame.filter(~pl.col("date_sortie").is_between(first, last))
    if outside.height:
        raise FileRejected(f"{name} : ligne {outside[LINE][0]}, colonne « date_sortie » : sortie du "
                           f"{outside['date_sortie'][0]:%d/%m/%Y} hors de la période du fichier "
                           f"({first:%d/%m/%Y}–{last:%d/%m/%Y}). Fichier refusé.")


def scope(finess: str, year: int) -> Scope:
    return Scope((sejours_mco.name,), (("finess", finess), ("annee", year)))


def table_rows(frame: pl.DataFrame, year: int) -> pl.DataFrame:
    keep = [c.name for c in sejours_mco.columns if c.name not in {"id", "chargement_id", "annee"}]
    return frame.select(keep).with_columns(annee=pl.lit(year, pl.Int32))


def read(ctx: ReadContext) -> Extract:
    finess = rpu.require_valid_finess(ctx.match["finess"], ctx.name)
    year, month = int(ctx.match["annee"]), int(ctx.match["mois"])
    if not 1 <= month <= 12:
        raise FileRejected(f"{ctx.name} : mois M{month:02d} du nom de fichier invalide.")
    raw, anomalies = read_export(ctx.path, ctx.name, ctx.limits, "pmsi_mco", REQUIRED + PRESENT_SNDS,
                                 REQUIRED + PRESENT + OPTIONAL)
    raw, anomalies = uhcd_column(raw, anomalies, ctx.name)
    refuse_nir(raw, ctx.name)
    typed = normalise(raw, ctx.pseudo_key)
    raw = raw.drop("nir_ano_17")  # nothing downstream may see the raw key
    anomalies += lost_values(raw, typed, {c: c for c in [*CODES, "age", "nb_rum", "commune_residence"]})
    rejects = rule_rejects(typed, unreadable_dates(raw, typed) + row_rules(typed))
    rejects += duplicate_rejects(typed, "num_rsa", "num_rsa en double dans le fichier")
    rejects = one_per_line(rejects)
    valid = drop_rejected(typed, rejects)
    check_scope(valid, ctx.name, finess, year, month)
    return Extract(
        tables={sejours_mco.name: table_rows(valid, year)},
        scope=scope(finess, year),
        rows_read=raw.height,
        rejects=rejects,
        anomalies=anomalies,
        extraction=rpu.end_of_month(year, month),
    )


FILE_TYPE = FileType(
    code="pmsi_mco",
    provider="hopital",
    label="PMSI MCO (transmission cumulative)",
    pattern=pattern(r"PMSI_MCO_(?P<finess>\w{9})_(?P<annee>\d{4})_M(?P<mois>\d{2})\.csv"),
    read=read,
    extraction_from_name=lambda m: rpu.end_of_month(int(m["annee"]), max(1, min(12, int(m["mois"])))),
    monotonic=True,
)
