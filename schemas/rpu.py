"""RPU (résumé de passage aux urgences): fields, code lists and rules shared by XML and CSV.

One row per emergency-department passage. RPU carries no patient identifier; the birth date is
turned into an age at ENTREE and dropped; residence is resolved to an INSEE commune.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

import polars as pl

from cpts.dates import age_in_years, iso_text_column, parse_date_column, parse_iso_column
from cpts.identifiers import finess_invalid, finess_valid
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
    lost_anomalies_by,
    value_anomalies,
)
from schemas.csv_io import nir_hits, nir_value_refusal, refuse_nir, refuse_nir_header
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
    """Canonical typed passages from raw string columns (names already canonical), the commune of
    each (postal code, commune name) joined from the prepared reference (`with_communes` resolves
    each distinct pair once)."""
    return with_communes(typed(raw).collect(), "commune_residence", cp="cp_residence",
                         name="commune").collect()


def typed(raw: pl.DataFrame) -> pl.LazyFrame:
    """`normalise` but the residence, as one lazy query."""
    present = raw.with_columns([pl.lit(None, pl.String).alias(c) for c in COLUMNS if c not in raw.columns])
    up = {c: pl.col(c).str.to_uppercase() for c in ("sexe", "transport", "transport_pec", "gravite",
                                                    "orient")}
    lazy = present.lazy().with_columns(  # dates format by format, eagerly
        finess=pl.col("finess").str.to_uppercase().str.zfill(9),
        entree=parse_iso_column(iso_text_column(present["entree"])),
        sortie=parse_iso_column(iso_text_column(present["sortie"])),
        naissance=parse_date_column(present["naissance"]),
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
    return lazy.drop("naissance")


def _cim10(expr: pl.Expr) -> pl.Expr:
    return expr.str.to_uppercase().str.replace_all(r"[.\s]", "")


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
        raise other_finess(name, other[LINE][0], other["finess"][0], finess)
    outside = frame.filter(~pl.col("date_entree").is_between(first, last))
    if outside.height:
        raise outside_period(name, outside[LINE][0], outside["date_entree"][0], first, last)


def other_finess(name: str, line: int, found: str, finess: str) -> FileRejected:
    return FileRejected(
        f"{name} : ligne {line}, colonne « finess » : FINESS {found} "
        f"différent de celui du nom de fichier ({finess}). Fichier refusé."
    )


def outside_period(name: str, line: int, day: date, first: date, last: date) -> FileRejected:
    return FileRejected(
        f"{name} : ligne {line}, colonne « entree » : passage du "
        f"{day:%d/%m/%Y} hors de la période du fichier "
        f"({first:%d/%m/%Y}–{last:%d/%m/%Y}). Fichier refusé : demandez un export corrigé."
    )


def scope(finess: str, first: date, last: date, ordre: str | None = None) -> Scope:
    """RPU XML and CSV share one scope space per FINESS and ORDRE (the national name's export
    number; none for the canonical names): passages by ENTREE date."""
    return Scope((passages_urgences.name,), (("finess", finess), ("ordre", ordre)),
                 DateRange("date_entree", first, last))


@dataclass(frozen=True)
class Passages:
    """One file's raw passages and what its extract needs from the file's name and header."""

    raw: pl.DataFrame
    name: str
    finess: str
    first: date
    last: date
    extraction: datetime
    anomalies: list[Anomaly]
    ordre: str | None = None


def extract_passages(raw: pl.DataFrame, name: str, finess: str, first: date, last: date,
                     extraction: datetime, anomalies: list[Anomaly], ordre: str | None = None) -> Extract:
    """The common tail of both RPU forms: NIR check, normalise, validate, scope check, extract."""
    return extract_file(Passages(raw, name, finess, first, last, extraction, anomalies, ordre))


def extract_file(file: Passages) -> Extract:
    """`extract_passages` of one file's passages."""
    refuse_nir(file.raw, file.name)
    typed = normalise(file.raw)
    anomalies = file.anomalies + value_anomalies(file.raw, typed, list(CODES))
    valid, rejects = validate(typed, file.name)
    check_scope(valid, file.name, file.finess, file.first, file.last)
    return _extract(replace(file, anomalies=anomalies), valid, rejects)


def _extract(file: Passages, valid: pl.DataFrame, rejects: list[Reject]) -> Extract:
    rows = table_rows(valid).with_columns(ordre=pl.lit(file.ordre, pl.String))
    return Extract(tables={passages_urgences.name: rows},
                   scope=scope(file.finess, file.first, file.last, file.ordre), rows_read=file.raw.height,
                   rejects=rejects, anomalies=file.anomalies, extraction=file.extraction)


def extract_batch(files: list[Passages]) -> list[Extract | FileRejected]:
    """`extract_passages` of several files in one plan: each file's own extract or refusal, equal
    to what it gives alone. Per-file queries cost ~17 ms whatever the rows (a monthly file holds
    ~3 000): a batch pays them once. Lines are made unique in the batch (`_batch_lines`), so the
    row rules run unchanged. A check that condemns the batch as a whole is left to each file alone."""
    out: list[Extract | FileRejected | None] = [None] * len(files)
    for i, file in enumerate(files):
        try:
            refuse_nir_header(file.raw.columns, file.name)
        except FileRejected as exc:
            out[i] = exc
    kept = [i for i, found in enumerate(out) if found is None]
    if not kept:
        return out  # type: ignore[return-value]
    raw = pl.concat([_batch_lines(files[i].raw, i) for i in kept], how="diagonal")
    for i, refusal in _nir_refusals(raw, files).items():
        out[i] = refusal
        kept.remove(i)
        raw = raw.filter(_file_of(pl.col(LINE)) != i)
    if not kept:
        return out  # type: ignore[return-value]
    typed = normalise(raw)
    lost = lost_anomalies_by(raw, typed, {c: c for c in CODES}, _file_of(pl.col(LINE)))
    try:
        valid, rejects = validate(typed, "lot")
    except FileRejected:
        for i in kept:
            out[i] = _alone(files[i])
        return out  # type: ignore[return-value]
    refused = _scope_refusals(valid, files)
    by_file: dict[int, list[Reject]] = {}
    for r in rejects:
        by_file.setdefault(_file_of_line(r.ligne), []).append(replace(r, ligne=_line_of(r.ligne)))
    parts = _by_file(valid)
    for i in kept:
        file = files[i]
        if i in refused:
            out[i] = refused[i]
            continue
        file = replace(file, anomalies=file.anomalies + lost.get(i, []))
        out[i] = _extract(file, parts.get(i, valid.clear()), by_file.get(i, []))
    return out  # type: ignore[return-value]


def _nir_refusals(raw: pl.DataFrame, files: list[Passages]) -> dict[int, FileRejected]:
    """`refuse_nir` of every file of a batch, in one query: each file's first NIR in its own
    column order, then line order."""
    first: dict[int, tuple[int, int, str]] = {}
    for line, column in nir_hits(raw):
        i = _file_of_line(line)
        place = (files[i].raw.columns.index(column), _line_of(line) or 0, column)
        first[i] = min(first.get(i, place), place)
    return {i: nir_value_refusal(files[i].name, line, column) for i, (_, line, column) in first.items()}


def _alone(file: Passages) -> Extract | FileRejected:
    try:
        return extract_file(file)
    except FileRejected as exc:
        return exc


FILE_BITS = 32  # a batch's line: the file's index above these bits, its own line below


def _batch_lines(raw: pl.DataFrame, index: int) -> pl.DataFrame:
    return raw.with_columns(pl.col(LINE) + (index << FILE_BITS))


def _file_of(line: pl.Expr) -> pl.Expr:
    return (line // (1 << FILE_BITS)).cast(pl.Int64)


def _file_of_line(line: int | None) -> int:
    assert line is not None  # every RPU row reject names its line
    return line >> FILE_BITS


def _line_of(line: int | None) -> int | None:
    return None if line is None else line & ((1 << FILE_BITS) - 1)


def _by_file(valid: pl.DataFrame) -> dict[int, pl.DataFrame]:
    """Each file's rows of a batch: zero-copy slices when the rows are in line order (files are
    concatenated in order and the plan keeps it), else a partition."""
    files = valid.select(_file_of(pl.col(LINE)).alias("_fichier"))["_fichier"]
    if not valid[LINE].is_sorted():
        keyed = valid.with_columns(files)
        return {int(k[0]): part.drop("_fichier")
                for k, part in keyed.partition_by("_fichier", as_dict=True, maintain_order=True).items()}
    runs = files.rle()
    starts = runs.struct.field("len").cum_sum() - runs.struct.field("len")
    return {int(f): valid.slice(int(start), int(n)) for f, start, n in zip(
        runs.struct.field("value"), starts, runs.struct.field("len"), strict=True)}


def _scope_refusals(valid: pl.DataFrame, files: list[Passages]) -> dict[int, FileRejected]:
    """`check_scope` of every file of a batch: its first passage of another FINESS, else its first
    passage outside its dates."""
    expected = pl.DataFrame(
        {"_fichier": range(len(files)), "_finess": [f.finess for f in files],
         "_du": [f.first for f in files], "_au": [f.last for f in files]},
        schema={"_fichier": pl.Int64, "_finess": pl.String, "_du": pl.Date, "_au": pl.Date})
    keyed = valid.select(LINE, "finess", "date_entree", _fichier=_file_of(pl.col(LINE))).join(
        expected, on="_fichier", how="left", maintain_order="left")

    def first_where(bad: pl.Expr) -> pl.DataFrame:
        return keyed.filter(bad).group_by("_fichier", maintain_order=True).first()

    refused: dict[int, FileRejected] = {}
    outside = first_where(~pl.col("date_entree").is_between(pl.col("_du"), pl.col("_au")))
    for row in outside.iter_rows(named=True):
        f = files[row["_fichier"]]
        refused[row["_fichier"]] = outside_period(f.name, _line_of(row[LINE]), row["date_entree"],
                                                  f.first, f.last)
    for row in first_where(pl.col("finess") != pl.col("_finess")).iter_rows(named=True):
        f = files[row["_fichier"]]  # checked first by `check_scope`: its refusal wins
        refused[row["_fichier"]] = other_finess(f.name, _line_of(row[LINE]), row["finess"], f.finess)
    return refused


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
