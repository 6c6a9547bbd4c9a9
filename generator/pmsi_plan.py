"""Exact PMSI counts per (establishment, discharge month, category), and I50 readmissions.

Resident categories (territory T), all "medicine stays" unless said:
  num   mode_entree 8, provenance empty or 7, uhcd 0   → ADM_DIRECTE_MED numerator
  urg   mode_entree 8, provenance 5                    → denominator only
  uhcd  mode_entree 8, provenance empty or 7, uhcd 1   → denominator only
  mut   mode_entree 6/7/0;  0nuit  same-day stay (not a medicine stay);
  cmd   CMD 14/15 medical GHM (excluded);  autre  surgery, interventional, sessions.
("autres",) live elsewhere, ("na",) cannot be attributed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from generator import calibration, geo
from generator.context import Ctx
from generator.establishments import Etablissement
from generator.plan import Category, Plan, store, store_outside_residents
from generator.timeplan import apportion, month_weights

PER_DENOMINATOR = {"mut": 0.24, "0nuit": 0.32, "cmd": 0.09, "autre": 1.55}
DIRECT_SHARE = 0.36  # plausible numerator / denominator outside the report
UHCD_SHARE = 0.012
MAX_PAIRS = 200  # bounded whatever the scale
PAIRS_PER_100K = 42  # ~17 % of heart-failure index stays are readmitted within 30 days


@dataclass(frozen=True)
class PairStay:
    """One stay of a planned I50 readmission pair (same pseudonymous key)."""

    finess: str
    month: int
    category: Category
    entree: date
    sortie: date
    key: str
    index: bool  # the index stay (discharged home) or the readmission


def pseudo_key(*parts: object) -> str:
    """A 17-character pseudonymous linkage key (NIR_ANO_17-like), stable for its parts."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=9).hexdigest().upper()[:17]


def _denominators(ctx: Ctx, territoire: str, annee: int, share: float) -> dict[str, int]:
    d = calibration.annual(ctx, territoire, annee, "ADM_DIRECTE_MED_DENOM")
    n = calibration.annual(ctx, territoire, annee, "ADM_DIRECTE_MED")
    if not ctx.calibrated(territoire, annee):
        d = round(d * share)
        n = round(d * DIRECT_SHARE)
    x = round(d * UHCD_SHARE)
    totals = {"num": n, "urg": d - n - x, "uhcd": x}
    totals.update({k: round(d * r) for k, r in PER_DENOMINATOR.items()})
    return totals


def _month_grid(ctx: Ctx, annee: int) -> tuple[list[int], np.ndarray, float]:
    weights = month_weights(annee, list(range(1, 13)), amplitude=0.06)
    months = ctx.months(annee)
    covered = weights[[m - 1 for m in months]]
    return months, covered, float(covered.sum() / weights.sum())


def pmsi_plan(ctx: Ctx, etabs: list[Etablissement], annee: int) -> Plan:
    months, mw, share = _month_grid(ctx, annee)
    plan: Plan = {(e.finess, m): {} for e in etabs for m in months}
    for territoire in ctx.territoires:
        shares = np.array([e.pmsi_share.get(territoire, 0.0) for e in etabs])
        for cat, total in _denominators(ctx, territoire, annee, share).items():
            store(plan, etabs, months, apportion(total, np.outer(shares, mw)),
                   ("res", territoire, cat))
    store_outside_residents(ctx, plan, etabs, annee, months, mw, share, lambda e: e.pmsi_others, 0.006)
    return plan



def readmission_pairs(ctx: Ctx, etabs: list[Etablissement], annee: int, plan: Plan
                      ) -> list[PairStay]:
    """I50 index stays and readmissions 0–30 days later, often in another establishment.

    Each stay is taken from its cell's planned count, so the calibrated totals do not move.
    """
    out: list[PairStay] = []
    last = date(annee, ctx.months(annee)[-1], 1)
    for territoire in ctx.territoires:
        main = sorted(etabs, key=lambda e: -e.pmsi_share.get(territoire, 0.0))[:2]
        if len(main) < 2 or not main[1].pmsi_share.get(territoire):
            continue
        rng = ctx.rng("pmsi-paires", territoire, annee)
        scale = ctx.local_scale * len(ctx.months(annee)) / 12
        expected = PAIRS_PER_100K * geo.territory_population(territoire) / 100_000 * scale
        for p in range(min(MAX_PAIRS, round(expected))):
            pair = _pair(rng, territoire, annee, last, main, p, ctx.graine)
            if all(plan[(s.finess, s.month)].get(s.category, 0) > 0 for s in pair):
                for s in pair:
                    plan[(s.finess, s.month)][s.category] -= 1
                out += pair
    return out


def _pair(rng, territoire, annee, last, main, p, graine) -> list[PairStay]:
    span = (last - date(annee, 1, 1)).days - 15  # readmission discharged before year end
    index_out = date(annee, 1, 1) + timedelta(days=int(rng.integers(0, max(span, 1))))
    index_in = index_out - timedelta(days=int(rng.integers(2, 10)))
    readm_in = index_out + timedelta(days=int(rng.integers(0, 31)))
    readm_out = readm_in + timedelta(days=int(rng.integers(2, 10)))
    a = main[int(rng.integers(0, 2))]
    b = main[1] if a is main[0] and rng.random() < 0.7 else (main[0] if rng.random() < 0.7
                                                             else a)
    key = pseudo_key(graine, "paire", territoire, annee, p)
    cat_a = ("res", territoire, "urg" if rng.random() < 0.7 else "num")
    cat_b = ("res", territoire, "urg" if rng.random() < 0.6 else "num")
    return [PairStay(a.finess, index_out.month, cat_a, index_in, index_out, key, True),
            PairStay(b.finess, readm_out.month, cat_b, readm_in, readm_out, key, False)]
