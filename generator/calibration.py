"""The activity report to reproduce (indicators.md) and plausible values elsewhere.

Calibrated counts are decided here first; the writers then draw details around them.
"""

from __future__ import annotations

from generator import geo
from generator.context import Ctx

# Vallée du Gier, calendar years (indicators.md, "The activity report to reproduce").
REPORT = {
    2023: {"MT_ALD_SANS": 780, "MT_17P_SANS": 7182, "MT_70P_SANS": 433, "SAS_MEDECINS": 9,
           "URG_NON_HOSPIT": 18993, "ADM_DIRECTE_MED": 1879, "ADM_DIRECTE_MED_DENOM": 5338},
    2024: {"MT_ALD_SANS": 771, "MT_17P_SANS": 5679, "MT_70P_SANS": 406, "SAS_MEDECINS": 15,
           "URG_NON_HOSPIT": 20599, "ADM_DIRECTE_MED": 1979, "ADM_DIRECTE_MED_DENOM": 5181},
}
ACTIVITY_2024 = {"ADHERENTS": 115, "PREV_REUNIONS": 5, "PREV_PARTICIPANTS": 24,
                 "PREV_PARTENARIATS": 1, "CRISE_PERMANENCES": 2, "CRISE_REORIENTES": 6,
                 "QUAL_PS_FORMES": 18, "ACC_RENCONTRES": 3}
MEMBERS_2024 = {
    "Médecin généraliste": 14, "Médecin spécialiste": 5, "Infirmier": 40, "Pharmacien": 17,
    "Masseur-kinésithérapeute": 12, "Orthophoniste": 12, "Biologiste": 4,
    "Pédicure-podologue": 3, "Orthoptiste": 2, "Ergothérapeute": 2, "Psychologue": 1,
    "Sage-femme": 1, "Assistant de service social": 1, "Autre": 1,
}

_VDG_POPULATION = 96334
_TREND = 1.03  # yearly growth of emergency and hospital activity outside the report


def _per_head(ctx: Ctx, territoire: str, annee: int, code: str) -> float:
    """A plausible value: the report's rate per inhabitant, trend-adjusted to the year."""
    ref_year = 2024 if annee >= 2024 else 2023
    rate = REPORT[ref_year][code] / _VDG_POPULATION
    trend = _TREND ** (annee - ref_year)
    return rate * geo.territory_population(territoire) * trend * ctx.local_scale


def annual(ctx: Ctx, territoire: str, annee: int, code: str) -> int:
    """Exact for the calibrated territory and years, plausible otherwise."""
    if ctx.calibrated(territoire, annee):
        return REPORT[annee][code]
    return round(_per_head(ctx, territoire, annee, code))


def yearly_volume(ctx: Ctx, base: float, annee: int, synthetic: bool = False) -> float:
    """A yearly volume given at scale 1 for 2024; synthetic hospitals are sized already."""
    return base * _TREND ** (annee - 2024) * (1.0 if synthetic else ctx.local_scale)
