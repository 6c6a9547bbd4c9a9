"""Size class of a CPTS and the envelopes of its class (configuration: `enveloppes.toml`)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from schemas.cpts_annexe import FONCTIONNEMENT
from schemas.workbook_labels import MISSIONS

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Envelope:
    mission: int | None  # None: Fonctionnement (fixed part only)
    fixe: float
    variable: float

    @property
    def libelle(self) -> str:
        return FONCTIONNEMENT if self.mission is None else MISSIONS[self.mission]


@cache
def _config() -> dict:
    return tomllib.loads((HERE / "enveloppes.toml").read_text(encoding="utf-8"))


def size_class(population: float) -> int:
    """Half-open classes: T1 < 40 000 ≤ T2 < 80 000 ≤ T3 < 175 000 ≤ T4."""
    seuils = _config()["seuils"]
    return 1 + sum(population >= seuils[f"taille_{n}"] for n in (2, 3, 4))


def envelopes(taille: int) -> list[Envelope]:
    rows = _config()[f"taille_{taille}"]["missions"]
    return [Envelope(r["mission"] or None, float(r["fixe"]), float(r["variable"])) for r in rows]


def source(taille: int) -> str:
    """Where the amounts come from, shown in the workbook so nobody mistakes an example for a rule."""
    return _config()[f"taille_{taille}"]["source"]
