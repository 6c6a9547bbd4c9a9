"""The report's content, computed once and laid out by the sheet modules."""

from __future__ import annotations

from dataclasses import dataclass, field

from contract import tiers
from report.figures import Figure, figure, rounded
from warehouse import catalogue
from warehouse.catalogue import Indicator

MISSIONS: dict[int | None, str] = {**catalogue.MISSIONS, None: catalogue.ORGANISATION}
STATUTS = {"final": "Définitif", "provisoire": "Provisoire", "non_evaluable": "Non évaluable"}


@dataclass
class Line:
    ind: Indicator
    prev: Figure
    cur: Figure
    statut: str
    motif: str | None
    evolution: float | None = None
    favorable: str = ""
    earned: tiers.Earned | None = None  # None: the indicator is not in the annex


@dataclass
class MissionBlock:
    mission: int | None
    lines: list[Line] = field(default_factory=list)
    money: tiers.MissionMoney | None = None
    fixed: float | None = None


def evolution(ind: Indicator, prev: Figure, cur: Figure) -> float | None:
    """N − N-1 on the displayed values; empty when either is masked, otherwise the evolution and
    the unmasked year would give the masked one back by subtraction."""
    if not isinstance(prev.chart, int | float) or not isinstance(cur.chart, int | float):
        return None
    return rounded(cur.chart - prev.chart, ind.is_rate)


def favorable(sens: str | None, delta: float | None) -> str:
    if sens not in ("≥", "≤") or delta is None:
        return ""
    if delta == 0:
        return "Stable"
    return "Oui" if (delta > 0) == (sens == "≥") else "Non"


def line(ind: Indicator, prev_row: dict | None, cur_row: dict | None, threshold: int) -> Line:
    prev, cur = figure(ind, prev_row, threshold), figure(ind, cur_row, threshold)
    delta = evolution(ind, prev, cur)
    statut = STATUTS.get(cur_row["statut"], cur_row["statut"]) if cur_row else "Non calculé"
    motif = cur_row.get("motif_statut") if cur_row else "Aucune valeur calculée pour cette année"
    return Line(ind, prev, cur, statut, motif, delta, favorable(ind.sens, delta))


def money_for(_line: Line | None, annex_row: dict, contract_row: dict | None) -> tiers.Earned:
    """Tier of one annex indicator, on the exact value of the contract year (else calendar N)."""
    row = contract_row or {}
    return tiers.earned(row.get("valeur"), annex_row["sens"], tiers.tiers_from_annex(annex_row),
                        statut=row.get("statut", "non_evaluable"),
                        masked_at_source=bool(row.get("valeur_masquee_source")))
