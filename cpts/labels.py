"""Normalisers for labels typed by people and for commune names (exports.md)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache

import polars as pl

_PUNCT = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")
# Feminine forms and a few synonyms, applied on normalised words (data, reviewed like code).
LABEL_SYNONYMS: dict[str, str] = {
    "infirmiere": "infirmier",
    "sages femme": "sage femme",
    "pharmacienne": "pharmacien",
    "masseuse kinesitherapeute": "masseur kinesitherapeute",
    "kinesitherapeute": "masseur kinesitherapeute",
    "kine": "masseur kinesitherapeute",
    "orthophoniste": "orthophoniste",
    "dieteticienne": "dieteticien",
    "assistante de service social": "assistant de service social",
    "biologiste medicale": "biologiste",
    "medecin generaliste": "medecin generaliste",
    "medecin specialiste": "medecin specialiste",
    "ergotherapeute": "ergotherapeute",
    ">=": "≥",
    "<=": "≤",
}


def strip_accents(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    )


def normalise_label(text: object) -> str:
    """Lower case, no accents, punctuation as spaces, final plural removed, synonyms applied."""
    if text is None:
        return ""
    raw = str(text).strip()
    if raw in {"≥", ">=", "≤", "<="}:
        return LABEL_SYNONYMS.get(raw, raw)
    s = strip_accents(raw.replace("’", "'")).lower()
    s = _SPACES.sub(" ", _PUNCT.sub(" ", s)).strip()
    words = [w[:-1] if len(w) > 3 and w[-1] in "sx" else w for w in s.split(" ")]
    s = " ".join(words)
    for _ in range(2):  # feminine form then synonym
        s = LABEL_SYNONYMS.get(s, s)
    return s


def normalise_commune_name(text: object) -> str:
    """Upper case, no accents, punctuation as spaces, ST→SAINT, STE→SAINTE (exports.md)."""
    if text is None:
        return ""
    s = strip_accents(str(text).replace("’", "'")).upper()
    s = _SPACES.sub(" ", _PUNCT.sub(" ", s)).strip()
    words = {"ST": "SAINT", "STE": "SAINTE"}
    return " ".join(words.get(w, w) for w in s.split(" "))


# What `str.strip()` removes (all of Python's whitespace lies below U+3001).
PY_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())
_ST_WORDS = {"ST": "SAINT", "STE": "SAINTE"}
_LOWER = [chr(c) for c in range(ord("a"), ord("z") + 1)]
_NOT_ALNUM_ASCII = r"[\x00-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f]+"
_NON_ASCII = r"[^\x00-\x7f]"


@cache
def _commune_char(char: str) -> str:
    """What `normalise_commune_name` makes of one character before spaces are collapsed.

    Its accent removal, upper case and punctuation steps act character by character (NFKD
    decomposes each one; reordering only moves combining marks, which are all removed)."""
    text = strip_accents(char.replace("’", "'")).upper()
    return _SPACES.sub(" ", _PUNCT.sub(" ", text))


def non_ascii_chars(values: pl.Series) -> list[str]:
    """The distinct non-ASCII characters of a text column (a few accented letters, usually)."""
    found = values.str.extract_all(_NON_ASCII).explode().drop_nulls().unique()
    return sorted(found.to_list())


def commune_name_expr(expr: pl.Expr, chars: Iterable[str] = ()) -> pl.Expr:
    """`normalise_commune_name` as a polars expression; `chars` lists the non-ASCII characters
    the column may hold (`non_ascii_chars`), each mapped exactly as the Python function does."""
    chars = list(chars)
    text = expr.fill_null("").str.replace_many(
        _LOWER + chars, [c.upper() for c in _LOWER] + [_commune_char(c) for c in chars])
    words = text.str.replace_all(_NOT_ALNUM_ASCII, " ").str.strip_chars(" ").str.split(" ")
    return words.list.eval(pl.element().replace(_ST_WORDS)).list.join(" ")
