"""Contract rules of the indicator annex (indicators.md, annex and tiers): violations reject the file."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from schemas.base import FileRejected

TIERS = ("socle", "intermediaire", "objectif")
SEUIL = {"socle": "Seuil socle", "intermediaire": "Seuil intermédiaire", "objectif": "Seuil objectif"}
MONTANT = {t: f"Montant {s.split(' ', 1)[1]} (€)" for t, s in SEUIL.items()}


def present_tiers(row: dict[str, Any]) -> list[tuple[str, float, float]]:
    """(tier, threshold, amount) of the filled tiers, lowest first."""
    return [(t, row[f"seuil_{t}"], row[f"montant_{t}"]) for t in TIERS
            if row[f"seuil_{t}"] is not None]


def check_indicator(row: dict[str, Any], where: str, name: str) -> None:
    """Thresholds monotonic in the direction of `Sens`, amounts increasing with the tier."""
    for t in TIERS:
        if (row[f"seuil_{t}"] is None) != (row[f"montant_{t}"] is None):
            raise FileRejected(f"{name} : {where} : palier {t} incomplet (seuil et montant vont "
                               "ensemble). Annexe refusée.")
    tiers = present_tiers(row)
    for (low, s1, m1), (high, s2, m2) in pairwise(tiers):
        ok = s2 > s1 if row["sens"] == "≥" else s2 < s1
        if not ok:
            word = "croissants" if row["sens"] == "≥" else "décroissants"
            raise FileRejected(f"{name} : {where} : seuils non {word} alors que le sens est "
                               f"« {row['sens']} » (colonne « {SEUIL[low]} » {s1:g}, "
                               f"colonne « {SEUIL[high]} » {s2:g}). Annexe refusée.")
        if not m2 > m1:
            raise FileRejected(f"{name} : {where} : colonne « {MONTANT[high]} » ({m2:g} €), le montant "
                               f"doit être supérieur à celui de « {MONTANT[low]} » ({m1:g} €). "
                               "Annexe refusée.")


def check_envelopes(indicators: list[dict[str, Any]], variable: dict[int, float], name: str) -> None:
    """Σ highest-tier amounts of a mission ≤ its variable envelope; no envelope → no tiers."""
    totals: dict[int, tuple[float, int]] = {}
    for row in indicators:
        tiers = present_tiers(row)
        if tiers:
            total, _ = totals.get(row["mission"], (0.0, row["ligne"]))
            totals[row["mission"]] = (total + tiers[-1][2], row["ligne"])
    for mission, (total, last_row) in totals.items():
        envelope = variable.get(mission, 0.0)
        if total > envelope + 1e-9:
            raise FileRejected(
                f"{name} : feuille Indicateurs, ligne {last_row} : pour la mission {mission}, la somme "
                f"des montants du palier le plus haut ({total:g} €) dépasse la part variable de son "
                f"enveloppe ({envelope:g} €, feuille Enveloppes). Annexe refusée."
            )
