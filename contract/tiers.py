"""Contract tiers and money (indicators.md, « Contract annex, tiers and money »).

Plain functions, no database: the contract tracking, the annual build and the report call them.
Tiers are compared on exact values, never on displayed (rounded) ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

TIER_NAMES = ("socle", "intermediaire", "objectif")  # lowest to highest
TIER_LABELS = {"socle": "Socle", "intermediaire": "Intermédiaire", "objectif": "Objectif"}
NON_EVALUABLE = "non_evaluable"


@dataclass(frozen=True)
class Tier:
    name: str  # one of TIER_NAMES
    seuil: float
    montant: float


@dataclass(frozen=True)
class Earned:
    tier: str | None  # tier name, None when none reached, NON_EVALUABLE when not assessable
    montant: float

    @property
    def evaluable(self) -> bool:
        return self.tier != NON_EVALUABLE


@dataclass(frozen=True)
class MissionMoney:
    earned: float  # Σ earned, capped at the variable envelope
    uncapped: float
    envelope: float | None
    non_evaluable: int  # indicators counted 0 because they could not be assessed

    @property
    def capped(self) -> bool:
        return self.earned < self.uncapped


def tiers_from_annex(row: dict) -> list[Tier]:
    """Tiers of one `annexe_indicateurs` row, lowest first; a tier without threshold is absent."""
    return [Tier(name, row[f"seuil_{name}"], row.get(f"montant_{name}") or 0.0)
            for name in TIER_NAMES if row.get(f"seuil_{name}") is not None]


def reaches(value: float, sens: str, seuil: float) -> bool:
    return value >= seuil if sens == "≥" else value <= seuil


def tier_reached(value: float, sens: str, tiers: Iterable[Tier]) -> Tier | None:
    """For ≥ the highest tier whose threshold ≤ value; for ≤ the highest whose threshold ≥ value."""
    reached = [t for t in tiers if reaches(value, sens, t.seuil)]
    return max(reached, key=lambda t: TIER_NAMES.index(t.name), default=None)


def earned(value: float | None, sens: str, tiers: Iterable[Tier], *, statut: str = "final",
           masked_at_source: bool = False) -> Earned:
    """Money of one indicator: the reached tier's amount (tiers are not cumulative).

    A missing, source-masked or provisional value is « non évaluable », never 0 silently."""
    if value is None or masked_at_source or statut != "final":
        return Earned(NON_EVALUABLE, 0.0)
    tier = tier_reached(value, sens, tiers)
    return Earned(tier.name if tier else None, tier.montant if tier else 0.0)


def mission_money(results: Iterable[Earned], envelope: float | None) -> MissionMoney:
    """Σ earned of a mission's indicators, capped at its variable envelope."""
    results = list(results)
    total = sum(r.montant for r in results)
    capped = total if envelope is None else min(total, envelope)
    return MissionMoney(capped, total, envelope, sum(not r.evaluable for r in results))


def tier_label(result: Earned) -> str:
    if result.tier == NON_EVALUABLE:
        return "Non évaluable"
    return TIER_LABELS[result.tier] if result.tier else "Aucun palier"
