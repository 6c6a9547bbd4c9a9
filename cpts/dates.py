"""Explicit parsing of the French and ISO date formats found in the exports (Europe/Paris)."""

from __future__ import annotations

import polars as pl

PARIS = "Europe/Paris"

DATETIME_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
                    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d%m%Y")


def parse_datetime(col: str | pl.Expr, *, date_alone_is_midnight: bool = False) -> pl.Expr:
    """Naive Europe/Paris datetime from French, ISO or ISO-with-offset text; null if unparseable."""
    expr = pl.col(col) if isinstance(col, str) else col
    expr = expr.str.strip_chars()
    with_offset = expr.str.to_datetime("%Y-%m-%dT%H:%M:%S%z", strict=False, time_zone="UTC")
    candidates = [
        with_offset.dt.convert_time_zone(PARIS).dt.replace_time_zone(None),
        *(expr.str.to_datetime(fmt, strict=False, exact=True) for fmt in DATETIME_FORMATS),
    ]
    if date_alone_is_midnight:
        candidates += [expr.str.to_date(fmt, strict=False, exact=True).cast(pl.Datetime("us"))
                       for fmt in DATE_FORMATS[:2]]
    return pl.coalesce([c.cast(pl.Datetime("us")) for c in candidates])


def parse_date(col: str | pl.Expr, formats: tuple[str, ...] = DATE_FORMATS) -> pl.Expr:
    """Date from `JJ/MM/AAAA`, `AAAA-MM-JJ` or `JJMMAAAA` text; null if unparseable."""
    expr = pl.col(col) if isinstance(col, str) else col
    expr = expr.str.strip_chars()
    return pl.coalesce([expr.str.to_date(fmt, strict=False, exact=True) for fmt in formats])


def age_in_years(birth: pl.Expr, at: pl.Expr) -> pl.Expr:
    """Whole years between a birth date and an event date (birthday not yet reached: one less)."""
    at_date = at.cast(pl.Date)
    years = at_date.dt.year() - birth.dt.year()
    before_birthday = (at_date.dt.month() < birth.dt.month()) | (
        (at_date.dt.month() == birth.dt.month()) & (at_date.dt.day() < birth.dt.day())
    )
    return (years - before_birthday.cast(pl.Int32)).cast(pl.Int32)
