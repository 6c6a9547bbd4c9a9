"""Keyed pseudonymisation of linkage keys (HMAC-SHA256), applied before anything is written."""

from __future__ import annotations

import hashlib
import hmac

import polars as pl

from cpts.labels import PY_WHITESPACE

# PMSI values meaning "no valid linkage key".
INVALID_KEYS = {"xxxxxxxxxxxxxxxxx", "XXXXXXXXXXXXXXXXD"}


def pseudonymise_value(value: str | None, key: bytes) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) != 17 or value in INVALID_KEYS or set(value.lower()) == {"x"}:
        return None
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def pseudonymise(series: pl.Series, key: bytes) -> pl.Series:
    """Replace each linkage key by its HMAC; invalid keys become null (`pseudonymise_value` for a
    whole column: validity checked by polars, one keyed hash copied per value)."""
    text = series.str.strip_chars(PY_WHITESPACE)
    valid = ((text.str.len_chars() == 17) & ~text.is_in(list(INVALID_KEYS))
             & ~text.str.contains("^[xX]+$")).fill_null(False)
    base = hmac.new(key, digestmod=hashlib.sha256)

    def digest(value: str) -> str:
        mac = base.copy()
        mac.update(value.encode())
        return mac.hexdigest()

    return pl.Series(series.name, [digest(v) if ok else None for v, ok in zip(text, valid, strict=True)],
                     dtype=pl.String)


def key_fingerprint(key: bytes) -> str:
    """Recognises a key without revealing it: the HMAC of a fixed label under that key."""
    return hmac.new(key, b"observatoire-cpts/empreinte-de-cle", hashlib.sha256).hexdigest()
