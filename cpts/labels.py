"""Normalisers for labels typed by people and for commune names (exports.md)."""

from __future__ import annotations

import re
import unicodedata

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
