"""Header synonyms per export type, kept as data beside the schemas (`synonymes/<type>.toml`).

Headers are matched after the label normaliser (`cpts.labels.normalise_label`): a canonical name
written differently (`Mode entrée`) or a producer's name (`ETA_NUM`) maps to our column; each
mapping is an anomaly of the delivery, never silent (exports.md « Real-world deliveries »)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from cpts.labels import normalise_label
from schemas.base import LINE, Anomaly

HERE = Path(__file__).parent / "synonymes"


@dataclass(frozen=True)
class Vocabulary:
    synonyms: dict[str, str]  # producer's name as written in the table → canonical column
    ignored: tuple[str, ...]

    def accepted(self, column: str) -> list[str]:
        return [raw for raw, canonical in self.synonyms.items() if canonical == column]


@cache
def vocabulary(code: str) -> Vocabulary:
    path = HERE / f"{code}.toml"
    if not path.exists():
        return Vocabulary({}, ())
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Vocabulary(dict(data.get("synonymes", {})), tuple(data.get("ignorees", ())))


def canonical_headers(frame: pl.DataFrame, code: str, known: list[str]) -> tuple[pl.DataFrame, list[Anomaly]]:
    """Rename synonym headers to canonical columns and drop the ignored ones; one anomaly each kind."""
    vocab = vocabulary(code)
    targets = {normalise_label(c): c for c in known}
    targets |= {normalise_label(raw): c for raw, c in vocab.synonyms.items()}
    ignored = {normalise_label(c) for c in vocab.ignored}
    renames: dict[str, str] = {}
    dropped: list[str] = []
    for column in frame.columns:
        if column == LINE or column in known:
            continue
        key = normalise_label(column)
        target = targets.get(key)
        if target and target not in frame.columns and target not in renames.values():
            renames[column] = target
        elif key in ignored:
            dropped.append(column)
    anomalies = []
    if renames:
        example = ", ".join(f"{a} → {b}" for a, b in renames.items())
        anomalies.append(Anomaly("en-tête", "entete_synonyme", len(renames), example[:120]))
    if dropped:
        anomalies.append(Anomaly(", ".join(dropped)[:80], "colonne_ignoree", len(dropped)))
    return frame.rename(renames).drop(dropped), anomalies
