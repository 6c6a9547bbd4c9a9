"""RPU (résumé de passage aux urgences): fields, code lists and rules shared by XML and CSV.

One row per emergency-department passage. RPU carries no patient identifier; the birth date is
turned into an age at ENTREE and dropped; residence is resolved to an INSEE commune.
"""

from __future__ import annotations

from datetime import date, datetime

import polars as pl

from cpts.dates import age_in_years, iso_text, parse_date, parse_iso_column
from cpts.identifiers import finess_invalid, finess_valid
from cpts.labels import non_ascii_chars
from cpts.residence import with_communes
from schemas.base import (
    LINE,
    Anomaly,
    DateRange,
    Extract,
    FileRejected,
    Reject,
    Scope,
    drop_rejected,
    value_anomalies,
)
from schemas.csv_io import refuse_nir
from warehouse.tables.hopital import passages_urgences

COLUMNS = ["finess", "cp", "commune", "naissance", "sexe", "entree", "mode_entree", "provenance",
           "transport", "transport_pec", "motif", "gravite", "dp", "liste_da", "liste_actes",
           "sortie", "mode_sortie", "destination", "orient"]
REQUIRED = ["finess", "entree"]
PRESENT = ["cp", "commune", "naissance", "gravite", "mode_sortie"]

CODES: dict[str, list[str]] = {
    "sexe": ["M", "F", "I"],
    "mode_entree": ["6", "7", "8"],
    "provenance": ["1", "2", "3", "4", "5", "6", "7", "8"],
    "transport": ["PERSO", "AMBU", "VSAB", "SMUR", "HELI", "FO"],
    "transport_pec": ["MED", "PARAMED", "AUCUN"],
    "gravite": ["1", "P", "2", "3", "4", "5", "D"],
    "mode_sortie": ["6", "7", "8", "9"],
    "destination": ["1", "2", "3", "4", "6", "7"],
    "orient": ["HDT", "HO", "SC", "SI", "REA", "UHCD", "MED", "CHIR", "OBST", "FUGUE", "SCAM",
               "PSA", "REO"],
}


REASONS = {
    "finess": "FINESS absent ou clé de contrôle invalide",
    "entree": "ENTREE absente ou illisible (attendu JJ/MM/AAAA hh:mm)",
    "sortie": "SORTIE illisible ou antérieure à ENTREE",
}


def normalise(raw: pl.DataFrame) -> pl.DataFrame:
    """Canonical typed passages from raw string columns (names already canonical)."""
    return normalised(raw).collect()


def normalised(raw: pl.DataFrame) -> pl.LazyFrame:
    """`normalise` as one lazy query, residence included."""
    present = raw.with_columns([pl.lit(None, pl.String).alias(c) for c in COLUMNS if c not in raw.columns])
    up = {c: pl.col(c).str.to_uppercase() for c in ("sexe", "transport", "transport_pec", "gravite",
                                                    "orient")}
    iso = present.select(iso_text("entree"), iso_text("sortie"))  # format by format, eagerly
    lazy = present.lazy().with_columns(
        finess=pl.col("finess").str.to_uppercase().str.zfill(9),
        entree=parse_iso_column(iso["entree"]),
        sortie=parse_iso_column(iso["sortie"]),
        naissance=parse_date("naissance"),
        dp=_cim10(pl.col("dp")),
        motif=pl.when(pl.col("motif").str.len_chars() <= 20).then(pl.col("motif")),
        **up,
    )
    lazy = lazy.with_columns(
        [pl.when(pl.col(c).is_in(codes)).then(pl.col(c)).alias(c) for c, codes in CODES.items()]
    )
    lazy = lazy.with_columns(
        date_entree=pl.col("entree").dt.date(),
        age=age_in_years(pl.col("naissance"), pl.col("entree")),
        cp_residence=pl.col("cp").str.zfill(5),
        liste_da=pl.col("liste_da").str.replace_all(r"\.", ""),
    ).with_columns(age=pl.when(pl.col("age").is_between(0, 120)).then(pl.col("age")))
    names = raw["commune"] if "commune" in raw.columns else pl.Series([], dtype=pl.String)
    return with_residence(lazy.drop("naissance"), non_ascii_chars(names))


def _cim10(expr: pl.Expr) -> pl.Expr:
    return expr.str.to_uppercase().str.replace_all(r"[.\s]", "")


def with_residence(frame: pl.LazyFrame, chars: list[str]) -> pl.LazyFrame:
    """The commune of each (postal code, commune name), joined from the prepared reference."""
    return with_communes(frame, "commune_residence", cp="cp_residence", name="commune", chars=chars)


def validate(frame: pl.DataFrame, name: str) -> tuple[pl.DataFrame, list[Reject]]:
    """Row rejects (required values, check keys, pandera rules); returns the valid rows."""
    from schemas.pandera_rules import validate_rows  # pandera: imported by RPU readers only
    from schemas.row_rules import rule_rejects
    from schemas.rpu_model import PassageUrgences

    rejects = rule_rejects(frame, [
        ("entree", pl.col("entree").is_null(), REASONS["entree"]),
        ("finess", pl.col("finess").is_null(), REASONS["finess"]),
        ("finess", finess_invalid(frame), REASONS["finess"]),
    ])
    candidates = drop_rejected(frame, rejects)
    rejects += validate_rows(PassageUrgences, candidates, REASONS | {
        "age": "âge hors de 0–120 ans", "PassageUrgences": REASONS["sortie"],
        "sortie_after_entree": REASONS["sortie"]})
    return drop_rejected(frame, rejects), rejects


def check_scope(frame: pl.DataFrame, name: str, finess: str, first: date, last: date) -> None:
    """Provider file: a passage of another FINESS or outside the named dates rejects the file."""
    other = frame.filter(pl.col("finess") != finess)
    if other.height:
        raise FileRejected(
            f"{name} : ligne {other[LINE][0]}, colonne « finess » : FINESS {other['finess'][0]} "
            f"différent de celui du nom de fichier ({finess}). Fichier refusé."
        )
    outside = frame.filter(~pl.col("date_entree").is_between(first, last))
    if outside.height:
        raise FileRejected(
            f"{name} : ligne {outside[LINE][0]}, colonne « entree » : passage du "
            f"{outside['date_entree'][0]:%d/%m/%Y} hors de la période du fichier "
            f"({first:%d/%m/%Y}–{last:%d/%m/%Y}). Fichier refusé : demandez un export corrigé."
        )


def scope(finess: str, first: date, last: date, ordre: str | None = None) -> Scope:
    """RPU XML and CSV share one scope space per FINESS and ORDRE (the national name's export
    number; none for the canonical names): passages by ENTREE date."""
    return Scope((passages_urgences.name,), (("finess", finess), ("ordre", ordre)),
                 DateRange("date_entree", first, last))


def extract_passages(raw: pl.DataFrame, name: str, finess: str, first: date, last: date,
                     extraction: datetime, anomalies: list[Anomaly], ordre: str | None = None) -> Extract:
    """The common tail of both RPU forms: NIR check, normalise, validate, scope check, extract."""
    refuse_nir(raw, name)
    typed = normalise(raw)
    anomalies = anomalies + value_anomalies(raw, typed, list(CODES))
    valid, rejects = validate(typed, name)
    check_scope(valid, name, finess, first, last)
    rows = table_rows(valid).with_columns(ordre=pl.lit(ordre, pl.String))
    return Extract(tables={passages_urgences.name: rows}, scope=scope(finess, first, last, ordre),
                   rows_read=raw.height, rejects=rejects, anomalies=anomalies, extraction=extraction)


def require_valid_finess(finess: str, name: str) -> str:
    finess = finess.upper()
    if not finess_valid(finess):
        raise FileRejected(
            f"{name} : le FINESS {finess} du nom de fichier a une clé de contrôle invalide (Luhn)."
        )
    return finess


def table_rows(frame: pl.DataFrame) -> pl.DataFrame:
    keep = [c.name for c in passages_urgences.columns if c.name not in {"id", "chargement_id"}]
    return frame.select([c for c in keep if c in frame.columns])


def month_bounds(year: int, month: int) -> tuple[date, date]:
    first = date(year, month, 1)
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return first, date.fromordinal(nxt.toordinal() - 1)


def end_of_month(year: int, month: int) -> datetime:
    return datetime.combine(month_bounds(year, month)[1], datetime.min.time())
