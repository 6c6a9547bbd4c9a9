"""Annuaire Santé — `PS_LibreAcces_Personne_activite_<AAAAMMJJhhmm>.txt` (exports.md §6), or the
undated open-data copy `ps-libreacces-personne-activite.txt` (extraction date = reception date).

The national file (~2 million rows, 56 columns in any order) is scanned lazily: only the columns
used are projected (names of professionals are never read) and only rows practising in the
configured departments are materialised. Scope: the extraction date.
"""

from __future__ import annotations

import codecs
import re
import shutil
import tempfile
from datetime import date, datetime
from pathlib import Path

import polars as pl

from cpts.identifiers import rpps_from_id_nat_expr
from cpts.residence import with_communes
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
from schemas.csv_io import normalise_header, refuse_nir
from schemas.row_rules import (
    blank_to_null,
    lost_values,
    name_date,
    one_per_line,
    require_name_date,
    rule_rejects,
)
from schemas.screening import screen_text
from warehouse.tables.annuaire import annuaire_activites

# Source header (normalised) → warehouse column.
COLUMNS = {
    "type d'identifiant pp": "type_identifiant",
    "identifiant pp": "identifiant_pp",
    "code profession": "code_profession",
    "code savoir-faire": "code_savoir_faire",
    "code mode exercice": "code_mode_exercice",
    "code postal (coord. structure)": "code_postal",
    "code commune (coord. structure)": "code_commune",
    "libellé commune (coord. structure)": "libelle_commune",
    "code secteur d'activité": "code_secteur_activite",
}
MODES = ["L", "S", "B"]
BUREAU_CEDEX = "bureau cedex (coord. structure)"  # `25300 DOUBS`: read when the commune is empty
# `CP LOCALITÉ [CEDEX n]` → postal code, locality.
_CEDEX = r"^\s*(\d{5})\s+(.+?)(?:\s+CEDEX(?:\s+\d+)?)?\s*$"


def header(path: Path, name: str) -> tuple[list[str], str]:
    """Normalised header names (unique) and the file encoding, from the first line."""
    with path.open("rb") as stream:
        first = stream.readline()
    if not first.strip():
        raise FileRejected(f"{name} : fichier vide ou sans en-tête (ligne 1).")
    encoding = "utf-8-sig"
    try:
        text = first.decode(encoding)
    except UnicodeDecodeError:
        encoding, text = "cp1252", first.decode("cp1252", errors="replace")
    names = [normalise_header(h) for h in text.rstrip("\r\n").split("|")]
    seen: set[str] = set()
    unique = []
    for i, h in enumerate(names):
        unique.append(h if h and h not in seen else f"_colonne_{i + 1}")
        seen.add(h)
    missing = [c for c in COLUMNS if c not in unique]
    if missing:
        raise FileRejected(f"{name} : colonne obligatoire absente « {missing[0]} » (ligne 1, en-tête).")
    return unique, encoding


def as_utf8(path: Path, encoding: str) -> Path:
    """A windows-1252 delivery is transcoded once, by blocks, so the scan stays streaming."""
    if encoding != "cp1252":
        return path
    target = Path(tempfile.mkdtemp()) / path.name
    with path.open("r", encoding="cp1252", errors="replace", newline="") as src, \
            codecs.open(str(target), "w", encoding="utf-8") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    return target


def scan_departements(path: Path, names: list[str], departements: tuple[str, ...]) -> pl.DataFrame:
    """Lazy scan: project the used columns, keep the departments' rows, collect in streaming."""
    postal = sorted({"20" if d in {"2A", "2B"} else d for d in departements})
    lazy = pl.scan_csv(path, separator="|", has_header=False, skip_rows=1, new_columns=names,
                       infer_schema=False, quote_char=None, truncate_ragged_lines=True,
                       row_index_name=LINE, row_index_offset=2)
    cedex = pl.col(BUREAU_CEDEX) if BUREAU_CEDEX in names else pl.lit(None, pl.String)
    lazy = lazy.select(LINE, *[pl.col(src).alias(dst) for src, dst in COLUMNS.items()],
                       cedex.alias("bureau_cedex"))
    cp, commune = pl.col("code_postal").str.strip_chars(), pl.col("code_commune").str.strip_chars()
    cedex_cp = pl.col("bureau_cedex").str.strip_chars().str.slice(0, 2)
    lazy = lazy.filter(cp.str.slice(0, 2).is_in(postal) | commune.str.slice(0, 2).is_in(departements)
                       | (cp.is_null() | (cp == "")) & cedex_cp.is_in(postal))
    return lazy.collect(engine="streaming").with_columns(pl.col(LINE).cast(pl.Int64))


def from_bureau_cedex(frame: pl.DataFrame) -> pl.DataFrame:
    """Commune columns empty: postal code and locality from `Bureau cedex` (flagged in `_cedex`)."""
    empty = pl.col("code_commune").is_null() & pl.col("libelle_commune").is_null()
    parts = pl.col("bureau_cedex").str.to_uppercase().str.extract_groups(_CEDEX)
    frame = frame.with_columns(_cedex=empty & parts.struct.field("1").is_not_null(), _parts=parts)
    return frame.with_columns(
        code_postal=pl.when(pl.col("_cedex") & pl.col("code_postal").is_null())
        .then(pl.col("_parts").struct.field("1")).otherwise(pl.col("code_postal")),
        libelle_commune=pl.when(pl.col("_cedex")).then(pl.col("_parts").struct.field("2"))
        .otherwise(pl.col("libelle_commune")),
    ).drop("_parts", "bureau_cedex")


def normalise(frame: pl.DataFrame) -> pl.DataFrame:
    frame = from_bureau_cedex(blank_to_null(frame))
    frame = frame.with_columns(
        identifiant_pp=pl.when(pl.col("type_identifiant") == "8")
        .then(rpps_from_id_nat_expr(pl.col("identifiant_pp")))
        .otherwise(pl.col("identifiant_pp")),
        code_mode_exercice=pl.col("code_mode_exercice").str.to_uppercase(),
        code_postal=pl.col("code_postal").str.zfill(5),
    )
    frame = frame.with_columns(
        code_mode_exercice=pl.when(pl.col("code_mode_exercice").is_in(MODES)).then(pl.col("code_mode_exercice"))
    )
    return with_commune(frame)


def with_commune(frame: pl.DataFrame) -> pl.DataFrame:
    """INSEE code when given, else postal code + commune label (joins on the prepared reference)."""
    return with_communes(frame, "commune_exercice", cp="code_postal", name="libelle_commune",
                         insee="code_commune").collect()


ROW_RULES: list[tuple[str, pl.Expr, str]] = [
    ("Identifiant PP", pl.col("identifiant_pp").is_null(), "identifiant PP absent ou clé RPPS invalide"),
    ("Identifiant PP", pl.col("identifiant_pp").str.len_chars() > 11,
     "identifiant PP trop long (11 caractères au plus)"),
]


def scope(extraction: date) -> Scope:
    return Scope((annuaire_activites.name,), (("date_extraction", extraction),))


def read(ctx: ReadContext) -> Extract:
    extraction = require_name_date(ctx.match["date"], "%Y%m%d%H%M", ctx.name) if ctx.match["date"] \
        else reception()
    screen_text(ctx.path, ctx.name, ctx.limits, streamed=True)
    names, encoding = header(ctx.path, ctx.name)
    source = as_utf8(ctx.path, encoding)
    try:
        raw = scan_departements(source, names, ctx.departements)
    except pl.exceptions.PolarsError as exc:
        raise FileRejected(f"{ctx.name} : fichier illisible ({exc.__class__.__name__}).") from None
    finally:
        if source != ctx.path:
            shutil.rmtree(source.parent, ignore_errors=True)
    refuse_nir(raw, ctx.name)
    typed = normalise(raw)
    rejects = one_per_line(rule_rejects(typed, ROW_RULES))
    anomalies = lost_values(blank_to_null(raw), typed, {"code_mode_exercice": "code_mode_exercice"})
    anomalies += deviations(ctx.match, typed)
    typed = typed.drop("_cedex")
    valid = drop_rejected(typed, rejects).with_columns(date_extraction=pl.lit(extraction.date()))
    keep = [c.name for c in annuaire_activites.columns if c.name not in {"id", "chargement_id"}]
    return Extract(
        tables={annuaire_activites.name: valid.select(keep)},
        scope=scope(extraction.date()),
        rows_read=raw.height,
        rejects=rejects,
        anomalies=anomalies,
        extraction=extraction,
    )


def deviations(m: re.Match[str], typed: pl.DataFrame) -> list[Anomaly]:
    out = [] if m["date"] else [Anomaly("nom", "nom_non_date", 1, "date d'extraction = date de réception")]
    cedex = int(typed["_cedex"].sum())
    if cedex:
        out.append(Anomaly("Bureau cedex (coord. structure)", "commune_bureau_cedex", cedex))
    return out


def reception() -> datetime:
    """The undated open-data copy: extracted, at the latest, the day it is received."""
    return datetime.now().replace(second=0, microsecond=0)


def extraction_from_name(m: re.Match[str]) -> datetime:
    return name_date(m["date"], "%Y%m%d%H%M") if m["date"] else reception()


FILE_TYPE = FileType(
    code="annuaire",
    provider="annuaire",
    label="Annuaire Santé (extraction RPPS)",
    pattern=pattern(r"PS[_-]LibreAcces[_-]Personne[_-]activite(?:_(?P<date>\d{12}))?\.txt"),
    read=read,
    extraction_from_name=extraction_from_name,
    streamed=True,
)
