"""Check keys of the identifiers carried by the exports (FINESS, RPPS, NIR)."""

from __future__ import annotations

import re

import polars as pl

from cpts.nir import find_nir

# ASCII digits only: `\d` would accept Arabic-Indic and other Unicode digits.
_FINESS_RE = re.compile(r"^([0-9]{2}|2[AB])[0-9]{7}$")
_RPPS_RE = re.compile(r"^1[0-9]{10}$")


def luhn_valid(digits: str) -> bool:
    """Luhn check over a string of digits (the key being the last digit)."""
    if not (digits.isascii() and digits.isdigit()):
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def luhn_key(body: str) -> str:
    """The Luhn key digit that completes `body` (digits only)."""
    for key in "0123456789":
        if luhn_valid(body + key):
            return key
    raise ValueError(body)  # pragma: no cover - a key always exists


def finess_valid(value: str) -> bool:
    """FINESS: 9 characters, Luhn over the digits with 2A→21 and 2B→22."""
    if not _FINESS_RE.match(value):
        return False
    return luhn_valid(value.replace("2A", "21", 1).replace("2B", "22", 1))


def rpps_from_id_nat(value: str) -> str | None:
    """Return the 11-digit RPPS from an RPPS or an `8`+RPPS national identifier, if valid."""
    if len(value) == 12 and value.startswith("8"):
        value = value[1:]
    if _RPPS_RE.match(value) and luhn_valid(value):
        return value
    return None


def luhn_expr(digits: pl.Expr, length: int) -> pl.Expr:
    """`luhn_valid` as a polars expression over strings of exactly `length` ASCII digits (the
    caller checks the shape; anything else gives false or null)."""
    number = digits.str.to_integer(base=10, strict=False)
    total: pl.Expr = pl.lit(0, pl.Int64)
    for rank in range(length):  # rank 0 = the key, the rightmost digit
        digit = number // 10**rank % 10
        if rank % 2 == 1:
            digit = digit * 2
            digit = pl.when(digit > 9).then(digit - 9).otherwise(digit)
        total = total + digit
    return total % 10 == 0


def finess_valid_expr(value: pl.Expr) -> pl.Expr:
    """`finess_valid` for a whole column at once (null stays null)."""
    shape = value.str.contains(_FINESS_RE.pattern)
    digits = value.str.replace("2A", "21", literal=True).str.replace("2B", "22", literal=True)
    return shape & luhn_expr(digits, 9)


def finess_invalid(frame: pl.DataFrame, column: str = "finess") -> pl.Expr:
    """True where `column` holds an invalid FINESS (null stays null), for a rule over `frame`. The
    key is computed once per distinct value: a file names one establishment, or a few."""
    distinct = frame.select(pl.col(column).unique().drop_nulls())
    invalid = distinct.filter(~finess_valid_expr(pl.col(column)))[column]
    return pl.col(column).is_in(invalid.implode())


def rpps_from_id_nat_expr(value: pl.Expr) -> pl.Expr:
    """`rpps_from_id_nat` for a whole column at once: the 11-digit RPPS, or null."""
    national = (value.str.len_chars() == 12) & value.str.starts_with("8")
    rpps = pl.when(national).then(value.str.slice(1)).otherwise(value)
    return pl.when(rpps.str.contains(_RPPS_RE.pattern) & luhn_expr(rpps, 11)).then(rpps)


def nir_key(first13: str) -> int:
    """NIR key: 97 − (first 13 digits mod 97), Corsica departments replaced as the law says."""
    number = first13.replace("2A", "19", 1).replace("2B", "18", 1)
    return 97 - int(number) % 97


def looks_like_nir(value: str) -> bool:
    """True for a value that is a NIR as a whole (structure and valid key), see `cpts.nir`."""
    value = value.strip()
    found = find_nir(value)
    return found is not None and found.group(0) == value


def ascii_digits(value: str) -> bool:
    """Digits 0-9 only (identifiers: FINESS, RPPS, INSEE and postal codes)."""
    return value.isascii() and value.isdigit()
