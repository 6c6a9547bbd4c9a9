"""Tolerant reading of delivered CSV files: encoding detection, headers, missing values."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from cpts.config import Limits
from cpts.nir import NIR_STRUCTURE, contains_nir, redact
from schemas.base import LINE, Anomaly, FileRejected
from schemas.csv_bytes import Possible, possible
from schemas.screening import nir_refusal, screen_text
from schemas.separators import SEPARATOR_NAMES, column_names, detect_separator
from schemas.synonyms import canonical_headers, vocabulary

MISSING = ["", "NULL", "NA", "-", "null", "N/A"]
_CONTROL_MARKS = bytes(1 if b in {*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F} else 0
                       for b in range(256))
_NIR_COLUMNS = {"nir", "num_secu", "numero_securite_sociale"}
# Identifier columns of the CSV exports: digits 0-9 only (an Arabic-Indic FINESS is no FINESS).
IDENTIFIER_COLUMNS = {"finess", "cp", "commune", "cp_residence", "commune_residence", "id_nat_ps",
                      "commune_exercice", "patient_commune", "num_rsa", "profession_code"}
_FOREIGN_DIGIT = r"[\p{Nd}--0-9]"


def _column_at(raw: bytes, offset: int) -> str:
    """`, colonne « x »` for the byte at `offset`, named from the header with the file's own
    separator (empty if unknown)."""
    end = raw.find(b"\n")
    separator = detect_separator(raw[:end] if end > 0 else raw)
    names = column_names(raw[:end], separator) if end > 0 else []
    index = raw[raw.rfind(b"\n", 0, offset) + 1: offset].count(separator.encode())
    return f", colonne « {redact(names[index])} »" if index < len(names) else ""


def utf8(raw: bytes, name: str) -> bytes:
    """The text as UTF-8 bytes: UTF-8 (with or without BOM) as it is, windows-1252 transcoded,
    detected from the bytes themselves. A control character condemns the file."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        raw.decode("utf-8")  # validation only: valid bytes are kept as they are
        data = raw
    except UnicodeDecodeError:
        try:
            data = raw.decode("cp1252").encode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise FileRejected(
                f"{name} : octets illisibles ligne {line}{_column_at(raw, exc.start)} "
                "(ni UTF-8 ni windows-1252) ; "
                "demandez au fournisseur un nouvel export."
            ) from None
    # C0 controls are the same single bytes in UTF-8 and windows-1252: searched in the raw bytes.
    bad = raw.translate(_CONTROL_MARKS).find(b"\x01")
    if bad >= 0:
        line = raw[:bad].count(b"\n") + 1
        offset = bad if data is raw else len(raw[:bad].decode("cp1252").encode("utf-8"))
        raise FileRejected(
            f"{name} : caractère de contrôle U+{raw[bad]:04X} ligne {line}"
            f"{_column_at(data, offset)} : le fichier n'est pas un texte lisible "
            "(fichier binaire, corrompu ou d'un encodage autre que UTF-8 / windows-1252) ; "
            "demandez au fournisseur un nouvel export."
        )
    return data


def read_export(path: Path, name: str, limits: Limits, code: str, required: list[str],
                known: list[str]) -> tuple[pl.DataFrame, list[Anomaly]]:
    """A provider CSV with canonical columns: separator detected, synonyms applied, columns checked.
    Every accepted deviation (separator, header vocabulary, extra column) is an anomaly."""
    frame, separator = read_separated(path, name, None, limits)
    anomalies = []
    if separator != ";":
        anomalies.append(Anomaly("en-tête", "separateur", 1,
                                 f"« {SEPARATOR_NAMES[separator]} » au lieu de « ; »"))
    frame, renamed = canonical_headers(frame, code, known)
    anomalies += renamed
    return frame, anomalies + check_columns(frame, name, required, known, separator, code)


def read_delimited(path: Path, name: str, separator: str = ";",
                   limits: Limits | None = None) -> pl.DataFrame:
    """All columns as strings, header names normalised, line numbers in `_ligne`."""
    return read_separated(path, name, separator, limits)[0]


def read_separated(path: Path, name: str, separator: str | None,
                   limits: Limits | None) -> tuple[pl.DataFrame, str]:
    """`read_delimited` with the separator detected on the header when None; gives it back.

    The file is screened first (size, line length, encoding, NIRs); polars then parses UTF-8 bytes
    (a `StringIO` would hold four bytes per character)."""
    screen_text(path, name, limits or Limits())
    raw = path.read_bytes()
    if not raw.strip():
        raise FileRejected(f"{name} : fichier vide.")
    data = utf8(raw, name)
    del raw
    separator = separator or detect_separator(data)
    try:
        frame = pl.read_csv(
            data, separator=separator, infer_schema=False, null_values=MISSING,
            truncate_ragged_lines=True, quote_char='"',
        )
    except pl.exceptions.PolarsError:
        raise FileRejected(f"{name} : fichier CSV illisible{_unbalanced_quote(data)} ; vérifiez les "
                           f"guillemets et le séparateur « {SEPARATOR_NAMES[separator]} », puis "
                           "demandez un nouvel export.") from None
    frame.columns = unique_headers(frame.columns)
    frame = frame.select([c for c in frame.columns if not c.startswith(_DROPPED)])
    foreign, padded = _column_flags(frame, possible(data, separator))
    refuse_foreign_digits(frame, name, foreign)
    return frame.select(  # one pass: line numbers, stripped values, missing markers as nulls
        pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias(LINE),
        *[_cleaned(c) if c in padded else pl.col(c) for c in frame.columns],
    ), separator


def _column_flags(frame: pl.DataFrame, bytes_say: Possible) -> tuple[list[str], set[str]]:
    """In one query: the identifier columns holding other digits than 0-9, and the columns with
    a padded value, each searched only when the file's bytes do not rule it out. polars'
    null_values already nulled the exact missing markers (quoted or not), so only padded columns
    may hold one once stripped: the others skip the marker lookup."""
    text = [c for c, t in frame.schema.items() if t == pl.String] if bytes_say.padding else []
    identifiers = [c for c, t in frame.schema.items()
                   if t == pl.String and normalise_header(c) in IDENTIFIER_COLUMNS
                   ] if bytes_say.foreign_digits else []
    if not text and not identifiers:
        return [], set()
    flags = frame.select(
        *[pl.col(c).str.contains(_FOREIGN_DIGIT).any().alias(f"f{i}") for i, c in enumerate(identifiers)],
        # `\s` is Unicode White_Space, what `strip_chars` strips; the regex is the cheaper test.
        *[pl.col(c).str.contains(r"^\s|\s$").any().alias(f"p{i}") for i, c in enumerate(text)],
    ).row(0)
    foreign = [c for c, hit in zip(identifiers, flags[:len(identifiers)], strict=True) if hit]
    return foreign, {c for c, hit in zip(text, flags[len(identifiers):], strict=True) if hit}


def _cleaned(column: str) -> pl.Expr:
    value = pl.col(column).str.strip_chars()
    return pl.when(value.is_in(MISSING)).then(None).otherwise(value).alias(column)


def _unbalanced_quote(data: bytes) -> str:
    """`, ligne n : guillemet non refermé` for the first line opening a quote it does not close."""
    inside, line = False, 1
    for number, text in enumerate(data.split(b"\n"), start=1):
        if not inside:
            line = number
        if text.count(b'"') % 2:
            inside = not inside
    return f", ligne {line} : guillemet (\") non refermé" if inside else ""


def refuse_foreign_digits(frame: pl.DataFrame, name: str, flagged: list[str]) -> None:
    """Identifiers written with other digits than 0-9 (Arabic-Indic, full-width…) condemn the file
    (`flagged`: the identifier columns holding some, from `_column_flags`)."""
    for column in flagged:
        bad = frame.with_row_index(LINE, offset=2).filter(pl.col(column).str.contains(_FOREIGN_DIGIT))
        if bad.height:
            raise FileRejected(
                f"{name} : ligne {bad[LINE][0]}, colonne « {normalise_header(column)} » : identifiant écrit "
                "avec des chiffres autres que 0 à 9 (chiffres arabes orientaux, pleine chasse…) ; seuls "
                "les chiffres 0 à 9 sont acceptés. Demandez au fournisseur un export corrigé.")


_DROPPED = "\x00colonne "  # never a real header (NUL bytes are refused before parsing)


def unique_headers(columns: list[str]) -> list[str]:
    """Normalised names; an empty or repeated one (`Motif` and ` motif `, polars' `_duplicated_n`)
    is marked to be dropped: the first of a name wins."""
    seen: set[str] = set()
    names = []
    for i, column in enumerate(columns):
        name = normalise_header(column)
        keep = name and name not in seen and not name.startswith("_duplicated_")
        names.append(name if keep else f"{_DROPPED}{i}")
        seen.add(name)
    return names


def normalise_header(name: str) -> str:
    return re.sub(r"\s+", " ", name.replace("\ufeff", "")).strip().lower()


def check_columns(
    frame: pl.DataFrame, name: str, required: list[str], known: list[str],
    separator: str = ";", code: str | None = None,
) -> list[Anomaly]:
    """Reject the file when a required column is missing, saying whether the separator or the
    header vocabulary is the problem; report extra columns once."""
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise FileRejected(f"{name} : {_missing_reason(frame, missing[0], required, separator, code)}")
    extra = [c for c in frame.columns if c not in known and c != LINE]
    return [Anomaly(", ".join(extra)[:80], "colonne_en_trop", len(extra))] if extra else []


def _missing_reason(frame: pl.DataFrame, column: str, required: list[str], separator: str,
                    code: str | None) -> str:
    read = [c for c in frame.columns if c != LINE]
    expected = f"Colonnes attendues : {', '.join(required)}"
    if len(read) <= 1:
        return (f"ligne 1, en-tête : une seule colonne lue ({redact(', '.join(read))[:60]}) : le séparateur "
                "n'est pas reconnu (attendu « ; », ou « , », tabulation, « | », hors guillemets). "
                f"{expected}.")
    recognised = [c for c in read if c in required]
    synonyms = vocabulary(code).accepted(column) if code else []
    also = f" (ou {', '.join(synonyms)})" if synonyms else ""
    vocabulary_problem = len(recognised) < len(required) / 2
    return (f"colonne obligatoire absente « {column} »{also} (ligne 1, en-tête ; séparateur "
            f"« {SEPARATOR_NAMES[separator]} », {len(read)} colonnes lues"
            + (f", dont {len(recognised)} reconnues : vocabulaire d'en-tête non reconnu, en-tête "
               f"lu : {redact(', '.join(read))[:120]}" if vocabulary_problem else "")
            + f"). {expected}.")


def refuse_nir(frame: pl.DataFrame, name: str) -> None:
    """A NIR anywhere (header or value, whole or inside a text) condemns the file; the message
    names the place, never the value. Raw bytes were screened already; this sees decoded values."""
    refuse_nir_header(frame.columns, name)
    hit = next(nir_hits(frame), None)
    if hit is not None:
        raise nir_value_refusal(name, *hit)


def refuse_nir_header(columns: list[str], name: str) -> None:
    for column in columns:
        if column in _NIR_COLUMNS:
            raise FileRejected(
                f"{redact(name)} : colonne « {column} » interdite (numéro de sécurité sociale) ; "
                "le fichier est refusé sans être chargé."
            )
        if contains_nir(column):
            raise nir_refusal(name, "ligne 1 (en-tête)")


def nir_value_refusal(name: str, line: int, column: str) -> FileRejected:
    return nir_refusal(name, f"ligne {line}, colonne « {redact(column)} »")


def nir_hits(frame: pl.DataFrame) -> Iterator[tuple[int, str]]:
    """(line, column) of each value holding a NIR, column by column in the frame's order, then
    line by line."""
    texts = [c for c in frame.columns if c != LINE and frame[c].dtype == pl.String]
    if not texts:
        return
    # One pass finds the columns holding a NIR's structure (polars has no look-around: key and
    # boundaries unchecked); only those are searched value by value.
    flagged = frame.select([pl.col(c).str.contains(NIR_STRUCTURE).any() for c in texts]).row(0)
    for column in (c for c, hit in zip(texts, flagged, strict=True) if hit):
        candidates = frame.filter(pl.col(column).str.contains(NIR_STRUCTURE))
        for line, value in zip(candidates[LINE], candidates[column], strict=True):
            if contains_nir(value):
                yield line, column
