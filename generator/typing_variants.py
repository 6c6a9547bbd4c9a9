"""How people type labels and dates in workbooks, limited to what the normaliser absorbs."""

from __future__ import annotations

from datetime import date

import numpy as np

from cpts.labels import normalise_label, strip_accents
from warehouse.catalogue import MISSIONS

# Forms people use that the label normaliser maps back (feminine forms, synonyms).
OTHER_FORMS = {"Infirmier": "Infirmière", "Pharmacien": "Pharmacienne",
               "Masseur-kinésithérapeute": "Kiné", "Sage-femme": "Sages-femmes",
               "Assistant de service social": "Assistante de service social",
               "Biologiste": "Biologiste médicale", "Diététicien": "Diététicienne"}


def _plural(label: str) -> str:
    first, _, rest = label.partition(" ")
    return f"{first}s {rest}".strip() if len(first) > 3 and first[-1] not in "sx" else label


def typed(rng: np.random.Generator, label: str, rate: float) -> str:
    """The label, or a variant that normalises to the same thing."""
    if rng.random() >= rate:
        return label
    options = [label.lower(), strip_accents(label), f"{label} ", f" {label}  ", label.upper(),
               _plural(label), OTHER_FORMS.get(label, label)]
    target = normalise_label(label)
    candidates = [o for o in options if normalise_label(o) == target]
    return candidates[int(rng.integers(len(candidates)))]


def mission(rng: np.random.Generator, number: int, varies: bool) -> int | str:
    """`3`, `Mission 3`, `3 - Prévention` or `Prévention` (exports.md §0)."""
    if not varies:
        return number
    forms = [number, f"Mission {number}", f"{number} - {MISSIONS[number]}", MISSIONS[number]]
    return forms[int(rng.integers(len(forms)))]


def day(rng: np.random.Generator, value: date | None, rate: float) -> date | str | None:
    """An Excel date, or the date typed as text."""
    if value is None or rng.random() >= rate:
        return value
    return value.strftime("%d/%m/%Y")
