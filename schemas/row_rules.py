"""Row rules written as polars expressions, turned into French row rejects (provider files)."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from schemas.base import LINE, Anomaly, FileRejected, Reject, lines_where, lost_anomalies

MISSING = ["", "NULL", "NA", "-", "null", "N/A"]


def rule_rejects(frame: pl.DataFrame, rules: list[tuple[str, pl.Expr, str]]) -> list[Reject]:
    """`rules` = (column, expression true for a BAD row, French reason); one reject per failure.
    Every rule is evaluated in one pass over the frame."""
    lines = lines_where(frame, [bad for _, bad, _ in rules])
    return [Reject(int(line), column, reason)
            for (column, _, reason), found in zip(rules, lines, strict=True) for line in found]


def duplicate_rejects(frame: pl.DataFrame, column: str, reason: str) -> list[Reject]:
    """Every row whose (non-null) value appears more than once: all of them are rejected."""
    dup = frame.filter(pl.col(column).is_not_null() & pl.col(column).is_duplicated())
    return [Reject(int(n), column, f"{reason} ({v})") for n, v in zip(dup[LINE], dup[column], strict=True)]


def coded(column: str, codes: list[str]) -> pl.Expr:
    """The value when it is in the list, else null (an optional code out of its list)."""
    return pl.when(pl.col(column).is_in(codes)).then(pl.col(column)).alias(column)


def lost_values(raw: pl.DataFrame, typed: pl.DataFrame, pairs: dict[str, str]) -> list[Anomaly]:
    """Optional values present in `raw[src]` but null in `typed[dst]` (code or format out of list)."""
    return lost_anomalies(raw, typed, pairs)


def blank_to_null(frame: pl.DataFrame) -> pl.DataFrame:
    """Strip strings and turn the conventional missing markers into nulls."""
    cols = [c for c, t in frame.schema.items() if t == pl.String]
    return frame.with_columns([missing_to_null(pl.col(c).str.strip_chars()).alias(c) for c in cols])


def missing_to_null(value: pl.Expr) -> pl.Expr:
    return pl.when(value.is_in(MISSING)).then(None).otherwise(value)


def one_per_line(rejects: list[Reject]) -> list[Reject]:
    """Keep the first broken rule of each line, so a line counts once against the threshold."""
    seen: set[int | None] = set()
    out = []
    for r in rejects:
        if r.ligne not in seen:
            seen.add(r.ligne)
            out.append(r)
    return out


def name_date(text: str, fmt: str) -> datetime:
    """A date from a file name; an impossible one (month 13) sorts first and is refused by `read`."""
    try:
        return datetime.strptime(text, fmt)
    except ValueError:
        return datetime.min


def require_name_date(text: str, fmt: str, name: str) -> datetime:
    value = name_date(text, fmt)
    if value == datetime.min:
        raise FileRejected(f"{name} : date « {text} » du nom de fichier impossible. Fichier refusé.")
    return value
