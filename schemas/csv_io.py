"""Tolerant reading of delivered CSV files: encoding detection, headers, missing values."""

from __future__ import annotations

import io
import re
from pathlib import Path

import polars as pl

from cpts.identifiers import looks_like_nir
from schemas.base import LINE, Anomaly, FileRejected

MISSING = ["", "NULL", "NA", "-", "null", "N/A"]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NIR_COLUMNS = {"nir", "num_secu", "numero_securite_sociale"}


def _column_at(raw: bytes, offset: int) -> str:
    """`, colonne « x »` for the byte at `offset`, named from the header (empty if unknown)."""
    header = raw[: raw.find(b"\n")].decode("cp1252", errors="replace")
    names = [h.strip().strip('"') for h in header.rstrip("\r").split(";")]
    index = raw[raw.rfind(b"\n", 0, offset) + 1: offset].count(b";")
    return f", colonne « {names[index]} »" if raw.find(b"\n") > 0 and index < len(names) else ""


def decode(raw: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) or windows-1252, detected from the bytes themselves."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise FileRejected(
                f"{name} : octets illisibles ligne {line}{_column_at(raw, exc.start)} "
                "(ni UTF-8 ni windows-1252) ; "
                "demandez au fournisseur un nouvel export."
            ) from None
    bad = _CONTROL.search(text)
    if bad:
        line = text[: bad.start()].count("\n") + 1
        raise FileRejected(
            f"{name} : caractères de contrôle ligne {line} : le fichier n'est pas un texte lisible "
            "(encodage inconnu ou fichier corrompu)."
        )
    return text


def read_delimited(path: Path, name: str, separator: str = ";") -> pl.DataFrame:
    """All columns as strings, header names normalised, line numbers in `_ligne`."""
    raw = path.read_bytes()
    if not raw.strip():
        raise FileRejected(f"{name} : fichier vide.")
    text = decode(raw, name)
    try:
        frame = pl.read_csv(
            io.StringIO(text), separator=separator, infer_schema=False, null_values=MISSING,
            truncate_ragged_lines=True, quote_char='"',
        )
    except pl.exceptions.PolarsError as exc:
        raise FileRejected(f"{name} : CSV illisible ({exc.__class__.__name__}).") from None
    frame = frame.rename({c: normalise_header(c) for c in frame.columns})
    frame = frame.select([c for c in frame.columns if c and not c.startswith("_duplicated_")])
    frame = frame.with_columns(pl.col(pl.String).str.strip_chars())
    frame = frame.with_columns(
        [pl.when(pl.col(c).is_in(MISSING)).then(None).otherwise(pl.col(c)).alias(c)
         for c in frame.columns]
    )
    return frame.with_row_index(LINE, offset=2).with_columns(pl.col(LINE).cast(pl.Int64))


def normalise_header(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("\ufeff", "")).strip().lower()


def check_columns(
    frame: pl.DataFrame, name: str, required: list[str], known: list[str]
) -> list[Anomaly]:
    """Reject the file when a required column is missing; report extra columns once."""
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise FileRejected(
            f"{name} : colonne obligatoire absente « {missing[0]} » (ligne 1, en-tête). "
            f"Colonnes attendues : {', '.join(required)}."
        )
    extra = [c for c in frame.columns if c not in known and c != LINE]
    return [Anomaly(", ".join(extra)[:80], "colonne_en_trop", len(extra))] if extra else []


def refuse_nir(frame: pl.DataFrame, name: str) -> None:
    """A NIR anywhere condemns the file; the message names the place, never the value."""
    for column in frame.columns:
        if column in _NIR_COLUMNS:
            raise FileRejected(
                f"{name} : colonne « {column} » interdite (numéro de sécurité sociale) ; "
                "le fichier est refusé sans être chargé."
            )
    for column in frame.columns:
        if column == LINE or frame[column].dtype != pl.String:
            continue
        candidates = frame.filter(pl.col(column).str.len_chars() == 15)
        for line, value in zip(candidates[LINE], candidates[column], strict=True):
            if looks_like_nir(value):
                raise FileRejected(
                    f"{name} : ligne {line}, colonne « {column} » : valeur ayant la structure "
                    "d'un NIR (numéro de sécurité sociale). Le fichier est refusé sans être "
                    "chargé ; demandez au fournisseur un export pseudonymisé."
                )
