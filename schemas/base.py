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
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from cpts.config import Limits

if TYPE_CHECKING:  # pandera costs a second to import: only the readers validating with it do
    from pandera.errors import SchemaErrors
    from sqlalchemy import Table

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


ScopeValue = str | int | date | None


@dataclass(frozen=True)
class DateRange:
    """Rows whose `column` falls from `first` to `last` included (a date-time column: every instant
    of those days)."""

    column: str
    first: date
    last: date


@dataclass(frozen=True)
class IdList:
    """Rows whose `column` is one of `values`, wherever they are (an appointment moved to another
    month appears in the later file)."""

    column: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Scope:
    """The slice of the warehouse a delivery is authoritative for, as data (no SQL here).

    The rows of `tables` equal to every `equals` value (None: an empty value) and, when `dates` is
    given, inside that range; plus, when `ids` is given, the rows holding those identifiers.
    `warehouse.scopes` turns it into deletes; the registry records its key (`key()`)."""

    tables: tuple[str, ...]
    equals: tuple[tuple[str, ScopeValue], ...] = ()
    dates: DateRange | None = None
    ids: IdList | None = None

    def key(self) -> ScopeKey:
        values = dict(self.equals)
        snapshot = next((v for v in values.values() if isinstance(v, date)), None)
        first, last = (self.dates.first, self.dates.last) if self.dates else (snapshot, snapshot)
        return ScopeKey(territoire=_text(values.get("territoire")), finess=_text(values.get("finess")),
                        ordre=_text(values.get("ordre")), annee=_int(values.get("annee")),
                        du=first, au=last)

    def label(self) -> str:
        """Human-readable, for messages and the registry: `420001232, ordre 2, du … au …`."""
        parts = [f"ordre {v}" if c == "ordre" else str(v) for c, v in self.equals if v is not None]
        if self.dates:
            parts.append(f"du {self.dates.first.isoformat()} au {self.dates.last.isoformat()}")
        return ", ".join(parts)


@dataclass(frozen=True)
class ScopeKey:
    """The registry's structured scope key (`chargements.perimetre_*`): two deliveries of one file
    type with equal keys cover the same slice (monotonic PMSI, incremental recomputation)."""

    territoire: str | None = None
    finess: str | None = None
    ordre: str | None = None
    annee: int | None = None
    du: date | None = None
    au: date | None = None


def territory_scope(*tables: Table, territoire: str, **when: ScopeValue) -> Scope:
    """The rows of `tables` of one territory and one year or situation date."""
    return Scope(tuple(t.name for t in tables), (("territoire", territoire), *when.items()))


def _text(value: ScopeValue) -> str | None:
    return None if value is None else str(value)


def _int(value: ScopeValue) -> int | None:
    return value if isinstance(value, int) else None


@dataclass
class Extract:
    tables: dict[str, pl.DataFrame]  # or `warehouse.bulk.Staged` once a reading process staged them
    scope: Scope
    rows_read: int
    rejects: list[Reject] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    extraction: datetime | None = None


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
    # Several files in one plan, each with its own outcome (many small files: RPU CSV).
    read_many: Callable[[list[ReadContext]], list[Extract | FileRejected]] | None = None

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
    cases = cases.unique(subset=["index", "column"], maintain_order=True)
    lines = frame[LINE].gather(cases["index"].cast(pl.Int64))
    return [Reject(int(line), column, messages.get(column, f"valeur non conforme ({check})"))
            for line, column, check in zip(lines, cases["column"], cases["check"], strict=True)]


def drop_rejected(frame: pl.DataFrame, rejects: list[Reject]) -> pl.DataFrame:
    bad = {r.ligne for r in rejects if r.ligne is not None}
    return frame.filter(~pl.col(LINE).is_in(list(bad))) if bad else frame


def lines_where(frame: pl.DataFrame, conditions: list[pl.Expr]) -> list[list[int]]:
    """The lines where each condition holds (null counts as false), all in one pass."""
    if not conditions:
        return []
    found = frame.select([pl.col(LINE).filter(c.fill_null(False)).implode().alias(f"_{i}")
                          for i, c in enumerate(conditions)])
    return [list(found[f"_{i}"][0]) for i in range(len(conditions))]


def required_rejects(frame: pl.DataFrame, columns: dict[str, str]) -> list[Reject]:
    """Rows whose required value is null: `columns` maps column → French reason."""
    lines = lines_where(frame, [pl.col(c).is_null() for c in columns])
    return [Reject(int(line), column, reason)
            for (column, reason), found in zip(columns.items(), lines, strict=True) for line in found]


def lost_anomalies(raw: pl.DataFrame, typed: pl.DataFrame, pairs: dict[str, str]) -> list[Anomaly]:
    """Optional values present in `raw[src]` but null in `typed[dst]` (code or format out of its
    list), counted with a first example, all columns in one pass."""
    return lost_anomalies_by(raw, typed, pairs, pl.lit(0)).get(0, [])


def lost_anomalies_by(raw: pl.DataFrame, typed: pl.DataFrame, pairs: dict[str, str],
                      group: pl.Expr) -> dict[int, list[Anomaly]]:
    """`lost_anomalies` of each group of rows (`group` over `typed`, e.g. the file of a batch)."""
    pairs = {src: dst for src, dst in pairs.items() if src in raw.columns}
    if not pairs or not typed.height:
        return {}
    both = pl.concat([raw.select(list(pairs)).rename(lambda c: f"r_{c}"),
                      typed.select(*dict.fromkeys(pairs.values()), _groupe=group)
                      .rename(lambda c: c if c == "_groupe" else f"t_{c}")],
                     how="horizontal")
    lost = {src: pl.col(f"r_{src}").is_not_null() & pl.col(f"t_{dst}").is_null()
            for src, dst in pairs.items()}
    stats = both.group_by("_groupe").agg(
        *[cond.sum().alias(f"n_{src}") for src, cond in lost.items()],
        *[pl.col(f"r_{src}").filter(cond).first().alias(f"e_{src}") for src, cond in lost.items()],
    )
    return {int(row["_groupe"]): [
        Anomaly(dst, "code_hors_liste", int(row[f"n_{src}"]), str(row[f"e_{src}"])[:120])
        for src, dst in pairs.items() if row[f"n_{src}"]] for row in stats.iter_rows(named=True)}


def value_anomalies(raw: pl.DataFrame, typed: pl.DataFrame, columns: list[str]) -> list[Anomaly]:
    """Optional codes out of their list: present in `raw`, null after normalisation."""
    return lost_anomalies(raw, typed, {c: c for c in columns})


def line_of(row: dict[str, Any]) -> int:
    return int(row[LINE])
