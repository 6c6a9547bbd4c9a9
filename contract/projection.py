"""Year-to-date tracking rules (indicators.md, « Year-to-date tracking » and « Projection »).

Plain functions on one result row; no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from contract.periods import days
from warehouse.catalogue import Indicator
from warehouse.periods import Period

YTD_REASON = "Cumul depuis le début de l'année"  # prefix set by warehouse.materialise.compute


@dataclass(frozen=True)
class Assessable:
    evaluable: bool
    motif: str | None


def factor(contract: Period, couvert_jusqu_au: date) -> float:
    """Days of the contract year ÷ days covered by complete data (linear on elapsed days)."""
    covered = (couvert_jusqu_au - contract.debut).days + 1
    if covered <= 0:
        raise ValueError("La période couverte commence après la fin des données.")
    return days(contract) / covered


def project(ind: Indicator, row: dict, k: float) -> float | None:
    """Projected value at the end of the contract year; stocks are not projected (None).

    A rate is projected numerator ÷ projected denominator: a flow denominator scales like the numerator,
    a population denominator (« pour N habitants ») is a stock and does not."""
    if ind.nature == "stock" or row.get("valeur") is None:
        return None
    if not ind.is_rate:
        return row["valeur"] * k
    num, den = row["numerateur"], row["denominateur"]
    if num is None or not den:
        return None
    den_projected = den if "habitants" in ind.unite else den * k
    return num * k / den_projected * ind.echelle


def assess(row: dict | None) -> Assessable:
    """Missing, masked at source or provisional for a reason other than the year-to-date nature
    → non évaluable (counts 0, flagged). The year-to-date nature alone keeps the value assessable:
    its tier is « reached so far », labelled provisional."""
    if row is None or (row["valeur"] is None and not row.get("valeur_masquee_source")):
        return Assessable(False, "Non évaluable : aucune valeur pour la période (donnée absente)")
    if row.get("valeur_masquee_source"):
        return Assessable(False, "Non évaluable : valeur masquée à la source")
    if row["statut"] == "non_evaluable":
        return Assessable(False, f"Non évaluable : {row['motif_statut'] or 'source non disponible'}")
    reasons = [r for r in (row.get("motif_statut") or "").split(" ; ") if r and not r.startswith(YTD_REASON)]
    if row["statut"] != "final" and reasons:
        return Assessable(False, "Non évaluable (données incomplètes) : " + " ; ".join(reasons))
    return Assessable(True, None)
