"""Explicit parsing of the French and ISO date formats found in the exports (Europe/Paris).

The one place where delivered date-times are read: every reader goes through `parse_datetime`
(naive Europe/Paris), `parse_instant` (UTC) or `datetime_of` (one Python value)."""

from __future__ import annotations

from datetime import datetime

import polars as pl

PARIS = "Europe/Paris"

DATETIME_FORMATS = ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
                    "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d%m%Y")
OFFSET_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
# Every value a rewrite below can change starts with an ISO date or ends with `Z`.
_ISO_REWRITTEN = r"^\d{4}-|[Zz]$"
# ISO 8601 variants rewritten to the two shapes the parsers know (polars has no look-around).
_ISO_REWRITES = (
    (r"[Zz]$", "+00:00"),  # `Z` suffix: UTC
    (r"^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2})[.,]\d+", "${1}"),  # fractional seconds dropped
    (r"^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2})([+-]\d{2}:?\d{2})$", "${1}:00${2}"),  # no seconds
    (r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}[+-])", "${1}T${2}"),  # space before an offset
)


def iso_text(col: str | pl.Expr) -> pl.Expr:
    """Stripped text with ISO 8601 variants (`Z`, fractions, no seconds) in canonical shape."""
    expr = (pl.col(col) if isinstance(col, str) else col).str.strip_chars()
    for pattern, replacement in _ISO_REWRITES:
        expr = expr.str.replace(pattern, replacement)
    return expr


def iso_text_column(text: pl.Series) -> pl.Series:
    """`iso_text` of a column, eagerly: the rewrites (~3 ms per 50 000 values each) only when a
    value can take one, which a file of French dates never holds."""
    stripped = text.str.strip_chars()
    if not stripped.str.contains(_ISO_REWRITTEN).any():
        return stripped
    return stripped.to_frame().select(iso_text(pl.col(text.name)))[text.name]


def parse_instant(col: str | pl.Expr, *, date_alone_is_midnight: bool = False) -> pl.Expr:
    """UTC instant: offset-aware text as given, local text read as Europe/Paris."""
    expr = iso_text(col)
    with_offset = expr.str.to_datetime(OFFSET_FORMAT, strict=False, time_zone="UTC")
    local = parse_datetime(expr, date_alone_is_midnight=date_alone_is_midnight)
    local = local.dt.replace_time_zone(PARIS, ambiguous="earliest", non_existent="null")
    return pl.coalesce(with_offset, local.dt.convert_time_zone("UTC"))


def parse_datetime(col: str | pl.Expr, *, date_alone_is_midnight: bool = False) -> pl.Expr:
    """Naive Europe/Paris datetime from French, ISO or ISO-with-offset text; null if unparseable."""
    return parse_iso_text(iso_text(col), date_alone_is_midnight=date_alone_is_midnight)


def parse_iso_text(expr: pl.Expr, *, date_alone_is_midnight: bool = False) -> pl.Expr:
    """`parse_datetime` of text already through `iso_text`. polars does not share the common text
    between the candidate formats: a reader materialising it first (`with_columns`) parses several
    times faster."""
    return pl.coalesce(_candidates(expr, date_alone_is_midnight))


def _candidates(expr: pl.Expr, date_alone_is_midnight: bool) -> list[pl.Expr]:
    """One parse per accepted format. Each is exact, so a text matches one format at most."""
    with_offset = expr.str.to_datetime(OFFSET_FORMAT, strict=False, time_zone="UTC")
    candidates = [
        with_offset.dt.convert_time_zone(PARIS).dt.replace_time_zone(None),
        *(expr.str.to_datetime(fmt, strict=False, exact=True) for fmt in DATETIME_FORMATS),
    ]
    if date_alone_is_midnight:
        candidates += [expr.str.to_date(fmt, strict=False, exact=True)
                       for fmt in DATE_FORMATS[:2]]
    return [c.cast(pl.Datetime("us")) for c in candidates]


def parse_iso_column(text: pl.Series, *, date_alone_is_midnight: bool = False) -> pl.Series:
    """`parse_iso_text` of a column of text already through `iso_text`, each format tried only on
    the values the formats before it left unread. A file writes its dates one way: after the
    first format that reads anything, usually nothing is left. The formats are exclusive, so
    starting with the one that reads the first value gives what the fixed order gives."""
    return _first_format_first(text, _candidates(pl.col(text.name), date_alone_is_midnight),
                               pl.Datetime("us"))


def parse_date_column(text: pl.Series, formats: tuple[str, ...] = DATE_FORMATS) -> pl.Series:
    """`parse_date` of a column, eagerly, format by format as `parse_iso_column`."""
    stripped = text.str.strip_chars()
    candidates = [pl.col(text.name).str.to_date(fmt, strict=False, exact=True) for fmt in formats]
    return _first_format_first(stripped, candidates, pl.Date)


def _first_format_first(text: pl.Series, candidates: list[pl.Expr], dtype: pl.DataType) -> pl.Series:
    """The first candidate that reads each value (None if none does), each candidate tried only
    on the values the ones before left unread, the one reading the first value first. The
    candidates are exclusive formats, so the order does not change the result."""
    name = text.name
    todo = text.to_frame().with_row_index("_i").filter(pl.col(name).is_not_null())
    if todo.height:
        first = todo.head(1).select(c.alias(f"_{i}") for i, c in enumerate(candidates)).row(0)
        hits = [i for i, value in enumerate(first) if value is not None]
        candidates = [candidates[i] for i in hits] + [c for i, c in enumerate(candidates) if i not in hits]
    parsed = []
    for candidate in candidates:
        if not todo.height:
            break
        read = todo.with_columns(candidate.alias("_v"))
        parsed.append(read.filter(pl.col("_v").is_not_null()).select("_i", "_v"))
        todo = read.filter(pl.col("_v").is_null()).drop("_v")
    out = pl.Series(name, [], dtype=dtype).extend_constant(None, text.len())
    for found in parsed:
        out = out.scatter(found["_i"], found["_v"])
    return out


def datetime_of(text: str | None, *, date_alone_is_midnight: bool = False) -> datetime | None:
    """One text value read like a column by `parse_datetime` (headers, cells); None if unreadable."""
    return datetimes_of([text], date_alone_is_midnight=date_alone_is_midnight)[0]


def datetimes_of(texts: list[str | None], *, date_alone_is_midnight: bool = False) -> list[datetime | None]:
    """`datetime_of` of several values in one query (an empty text is None)."""
    frame = pl.DataFrame({"v": [t or None for t in texts]}, schema={"v": pl.String})
    frame = frame.select(iso_text("v"))  # materialised: the candidate formats share it
    return frame.select(parse_iso_text(pl.col("v"), date_alone_is_midnight=date_alone_is_midnight)
                        )["v"].to_list()


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
