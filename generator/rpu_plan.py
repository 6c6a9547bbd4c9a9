"""Exact RPU counts per (establishment, month, category), decided before any row is drawn.

Categories: ("res", territory, outcome) for residents with outcome "8" (sent home, the
URG_NON_HOSPIT rows), "67" (hospitalised), "9" (death), "" (empty MODE_SORTIE); ("autres",)
for people living elsewhere; ("na",) for rows that cannot be attributed.
"""

from __future__ import annotations

import numpy as np

from generator import calibration
from generator.context import Ctx
from generator.establishments import Etablissement
from generator.plan import Plan, store, store_outside_residents
from generator.timeplan import apportion, month_weights

HOSPITALISED_PER_HOME = 0.25  # ~20 % of passages end in hospitalisation
DEATHS_PER_HOME = 0.0012
EMPTY_OUTCOME_PER_HOME = 0.003
UNATTRIBUTABLE_SHARE = 0.008


def _months(ctx: Ctx, annee: int) -> tuple[list[int], np.ndarray, float]:
    """Covered months, their weights (with a yearly wobble) and the covered share of the year."""
    rng = ctx.rng("rpu-mois", annee)
    weights = month_weights(annee, list(range(1, 13))) * rng.lognormal(0, 0.03, 12)
    months = ctx.months(annee)
    covered = weights[[m - 1 for m in months]]
    return months, covered, float(covered.sum() / weights.sum())


def _resident_totals(ctx: Ctx, territoire: str, annee: int, share: float) -> dict[str, int]:
    home = calibration.annual(ctx, territoire, annee, "URG_NON_HOSPIT")
    if not ctx.calibrated(territoire, annee):
        home = round(home * share)
    noise = ctx.rng("rpu-hosp", territoire, annee).uniform(0.97, 1.03)
    return {
        "8": home,
        "67": round(home * HOSPITALISED_PER_HOME * noise),
        "9": round(home * DEATHS_PER_HOME),
        "": round(home * EMPTY_OUTCOME_PER_HOME),
    }


def rpu_plan(ctx: Ctx, etabs: list[Etablissement], annee: int) -> Plan:
    months, mw, share = _months(ctx, annee)
    plan: Plan = {(e.finess, m): {} for e in etabs for m in months}
    for territoire in ctx.territoires:
        shares = np.array([e.rpu_share.get(territoire, 0.0) for e in etabs])
        for outcome, total in _resident_totals(ctx, territoire, annee, share).items():
            grid = apportion(total, np.outer(shares, mw))
            store(plan, etabs, months, grid, ("res", territoire, outcome))
    store_outside_residents(ctx, plan, etabs, annee, months, mw, share, lambda e: e.rpu_others,
                            UNATTRIBUTABLE_SHARE)
    return plan

