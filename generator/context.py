"""Generation context: parameters, deterministic random streams, variation rates."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from generator.summary import GenerationSummary

CALIBRATED_TERRITORY = "vallee-du-gier"
CALIBRATED_YEARS = (2023, 2024)


@dataclass
class Ctx:
    """Everything a writer needs; random streams are keyed so each file is independent."""

    sortie: Path
    territoires: tuple[str, ...]
    annees: tuple[int, ...]
    echelle: float
    graine: int
    variations: float
    summary: GenerationSummary = field(default_factory=GenerationSummary)
    rpu_mois: tuple[int, ...] | None = None  # months whose RPU files are written (None: all)

    def rng(self, *key: object) -> np.random.Generator:
        """A random stream that depends only on the seed and `key` (never on call order)."""
        digest = hashlib.sha256(repr((self.graine, *key)).encode()).digest()
        return np.random.default_rng(int.from_bytes(digest[:8], "little"))

    def rate(self, base: float) -> float:
        """Probability of a row-level variation, scaled by `variations`."""
        return min(1.0, max(0.0, base * self.variations))

    @property
    def varies(self) -> bool:
        """File-level variations (encodings, layouts...) are on whenever variations > 0."""
        return self.variations > 0

    @property
    def local_scale(self) -> float:
        """Scale of the two territories' own volumes: above 1 extra volume goes elsewhere."""
        return min(self.echelle, 1.0)

    def calibrated(self, territoire: str, annee: int) -> bool:
        return (
            territoire == CALIBRATED_TERRITORY
            and annee in CALIBRATED_YEARS
            and self.echelle >= 1.0
        )

    def months(self, annee: int) -> list[int]:
        """Months delivered for a year: the current (latest, after 2024) year stops in June."""
        if annee > CALIBRATED_YEARS[-1] and annee == max(self.annees):
            return list(range(1, 7))
        return list(range(1, 13))

    def rpu_months(self, annee: int) -> list[int]:
        """Delivered months whose RPU files are written (the plan still covers `months`)."""
        return [m for m in self.months(annee) if self.rpu_mois is None or m in self.rpu_mois]

    def path(self, *parts: str) -> Path:
        target = self.sortie.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def record(self, target: Path, kind: str, rows: int) -> None:
        self.summary.add(target.relative_to(self.sortie).as_posix(), kind, rows)
