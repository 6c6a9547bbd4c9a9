"""Checks run before writing: every construction the calibration relies on is as intended."""

from __future__ import annotations

from datetime import date

from generator import addresses
from generator.calibration import ACTIVITY_2024, MEMBERS_2024, REPORT
from generator.context import CALIBRATED_TERRITORY, Ctx
from generator.cpts_annexe import violations
from generator.cpts_register import members_at, register_as_of, timeline
from generator.sas_roster import roster, sas_medecins


def check_residences(ctx: Ctx) -> None:
    """Building the pools checks every entry with the pipeline's resolver (strict: residents)."""
    for territoire in ctx.territoires:
        addresses.rpu_residents(territoire, ctx.variations)
        addresses.pmsi_residents(territoire, ctx.variations)
    addresses.rpu_unattributable(ctx.variations)
    addresses.pmsi_unattributable()


def check_calibration(ctx: Ctx) -> None:
    if CALIBRATED_TERRITORY not in ctx.territoires:
        return
    effectors = roster(ctx)
    for annee in (a for a in ctx.annees if ctx.calibrated(CALIBRATED_TERRITORY, a)):
        got = sas_medecins(effectors, CALIBRATED_TERRITORY, date(annee, 12, 31),
                           date(annee, 1, 1), date(annee, 12, 31))
        if got != REPORT[annee]["SAS_MEDECINS"]:
            raise AssertionError(f"SAS_MEDECINS {annee} : {got} au lieu de "
                                 f"{REPORT[annee]['SAS_MEDECINS']}")
    if 2024 in ctx.annees:
        register = register_as_of(timeline(ctx, CALIBRATED_TERRITORY), date(2025, 1, 20))
        if members_at(register, date(2024, 12, 31)) != MEMBERS_2024:
            raise AssertionError("adhérents au 31/12/2024 différents du bilan")
        assert sum(MEMBERS_2024.values()) == ACTIVITY_2024["ADHERENTS"]
        if violations():
            raise AssertionError(f"annexe invalide : {violations()}")


def run(ctx: Ctx) -> None:
    check_residences(ctx)
    check_calibration(ctx)
