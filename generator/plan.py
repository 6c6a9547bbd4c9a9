"""Exact monthly counts per (establishment, month, category), shared by the RPU and PMSI plans."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from generator import calibration
from generator.context import Ctx
from generator.establishments import Etablissement
from generator.timeplan import apportion

Category = tuple[str, ...]
Plan = dict[tuple[str, int], dict[Category, int]]


def store(plan: Plan, etabs: list[Etablissement], months: list[int], grid: np.ndarray,
          category: Category) -> None:
    """Record a (establishment × month) grid of counts under one category."""
    for i, etab in enumerate(etabs):
        for j, month in enumerate(months):
            if grid[i, j]:
                plan[(etab.finess, month)][category] = int(grid[i, j])


def store_outside_residents(ctx: Ctx, plan: Plan, etabs: list[Etablissement], annee: int,
                            months: list[int], mw: np.ndarray, share: float,
                            others_of: Callable[[Etablissement], float], unattributable: float) -> None:
    """Patients living elsewhere (`autres`) and rows whose residence cannot be resolved (`na`)."""
    for etab in etabs:
        others = calibration.yearly_volume(ctx, others_of(etab), annee, etab.synthetic)
        residents = sum(sum(plan[(etab.finess, m)].values()) for m in months)
        na = round((others * share + residents) * unattributable)
        store(plan, [etab], months, apportion(round(others * share), mw)[None, :], ("autres",))
        store(plan, [etab], months, apportion(na, mw)[None, :], ("na",))
