"""The contract every export type implements: file type, scope, extract, rejects.

A schema module (one per export type) declares a `FILE_TYPE` whose `read` turns a delivered file
into an `Extract`: typed rows per warehouse table, the scope those rows replace, row rejects and
non-blocking anomalies. A problem that condemns the whole file raises `FileRejected` with a French
message naming the file, the line or cell and the column.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
from pandera.errors import SchemaErrors
from sqlalchemy import Connection, Delete

from cpts.config import Limits

LINE = "_ligne"  # line (CSV) or row (sheet) number carried through normalisation


class FileRejected(Exception):
    """The whole file is quarantined; the message is French and names file, line/cell, column."""


@dataclass(frozen=True)
class Reject:
    ligne: int | None
    colonne: str | None
    motif: str
    feuille: str | None = None
    cellule: str | None = None


@dataclass(frozen=True)
class Anomaly:
    colonne: str
    nature: str
    nombre: int
    exemple: str | None = None


@dataclass
class Scope:
    """The slice of the warehouse a delivery is authoritative for, and how to delete it."""

    key: str  # e.g. "420001232|2024-03-01|2024-03-31"
    deletes: list[Callable[[Connection], Delete]] = field(default_factory=list)

    def replace(self, conn: Connection) -> int:
        """Delete what the scope covers; returns the number of rows removed."""
        return sum(conn.execute(make(conn)).rowcount or 0 for make in self.deletes)


@dataclass
class Extract:
    tables: dict[str, pl.DataFrame]
    scope: Scope
    rows_read: int
    rejects: list[Reject] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    extraction: datetime | None = None
    after_load: Callable[[Connection], None] | None = None  # e.g. SAS history valid_to update


@dataclass(frozen=True)
class ReadContext:
    path: Path
    name: str  # file name as delivered
    match: re.Match[str]
    pseudo_key: bytes
    departements: tuple[str, ...] = ("42", "69")
    limits: Limits = field(default_factory=Limits)


@dataclass(frozen=True)
class FileType:
    code: str
    provider: str  # inbox sub-folder
    label: str  # French, for messages and reports
    pattern: re.Pattern[str]
    read: Callable[[ReadContext], Extract]
    # Extraction/situation date from the name, for ordering and obsolescence.
    extraction_from_name: Callable[[re.Match[str]], datetime]
    coordinator: bool = False  # coordinator workbooks: no reject threshold, scope rows rejected
    monotonic: bool = False  # cumulative files never go backwards (PMSI)
    streamed: bool = False  # read in streaming (Annuaire): its own, larger size limit

    def matches(self, name: str) -> re.Match[str] | None:
        return self.pattern.fullmatch(name)


def pattern(regex: str) -> re.Pattern[str]:
    return re.compile(regex, re.IGNORECASE | re.ASCII)  # ASCII: `\d`, `\w` take no other digits


def rejects_from_pandera(
    error: SchemaErrors, frame: pl.DataFrame, messages: dict[str, str]
) -> list[Reject]:
    """Turn pandera failure cases into row rejects with the file's line numbers.

    `messages` maps a column to the French reason shown when that column fails a check.
    Failures without a row index (a missing column, a wrong dtype) condemn the file.
    """
    cases = error.failure_cases
    whole = cases.filter(pl.col("index").is_null())
    if whole.height:
        first = whole.row(0, named=True)
        raise FileRejected(f"colonne « {first['column']} » : {first['check']}")
    lines = frame[LINE]
    out = []
    for case in cases.unique(subset=["index", "column"], maintain_order=True).iter_rows(named=True):
        column = case["column"]
        reason = messages.get(column, f"valeur non conforme ({case['check']})")
        out.append(Reject(int(lines[case["index"]]), column, reason))
    return out


def drop_rejected(frame: pl.DataFrame, rejects: list[Reject]) -> pl.DataFrame:
    bad = {r.ligne for r in rejects if r.ligne is not None}
    return frame.filter(~pl.col(LINE).is_in(list(bad))) if bad else frame


def required_rejects(frame: pl.DataFrame, columns: dict[str, str]) -> list[Reject]:
    """Rows whose required value is null: `columns` maps column → French reason."""
    out: list[Reject] = []
    for column, reason in columns.items():
        for line in frame.filter(pl.col(column).is_null())[LINE].to_list():
            out.append(Reject(int(line), column, reason))
    return out


def value_anomalies(raw: pl.DataFrame, typed: pl.DataFrame, columns: list[str]) -> list[Anomaly]:
    """Optional codes out of their list: present in `raw`, null after normalisation."""
    out = []
    for c in columns:
        if c not in raw.columns:
            continue
        lost = raw[c].is_not_null() & typed[c].is_null()
        n = int(lost.sum())
        if n:
            out.append(Anomaly(c, "code_hors_liste", n, str(raw.filter(lost)[c][0])[:120]))
    return out


def line_of(row: dict[str, Any]) -> int:
    return int(row[LINE])
