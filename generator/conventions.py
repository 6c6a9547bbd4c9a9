"""Real producers' conventions (exports.md « Real-world deliveries »), produced in proportion to
`variations` on a few designated files, never changing what the files say (the indicator values of
a generation are the same with variations = 0).

Each convention has its slots (a hospital and month, a quarter, a year); a slot takes it with the
probability min(1, variations), decided by its own random stream. Months 1–3 are never used:
January and February are the ingestion bench's months and March holds the corrected re-delivery.
"""

from __future__ import annotations

import polars as pl

from generator.context import Ctx
from generator.establishments import CHU, finess

FOREZ = finess("42078030")
PRIVATE = finess("42000957")  # its PMSI files use the SNDS/ATIH names
GIVORS = finess("69078045")  # one month as a regional platform's `,` CSV

# Regional RPU CSV vocabulary (our column → producer's header); DIAG_ASS is a count, ignored.
RPU_REGIONAL = {"cp": "CODE_POSTAL", "orient": "ORIENTATION", "entree": "DATE_HEURE_ENTREE",
                "sortie": "Date sortie", "gravite": "CCMU", "mode_sortie": "Mode sortie"}
PMSI_SNDS = {"finess": "ETA_NUM", "num_rsa": "RSA_NUM", "nir_ano_17": "NIR_ANO_17", "sexe": "COD_SEX",
             "age": "AGE_ANN", "cp_residence": "BDI_COD", "mode_entree": "ENT_MOD", "provenance": "ENT_PRV",
             "mode_sortie": "SOR_MOD", "destination": "SOR_DES", "ghm": "GRG_GHM", "dp": "DGN_PAL",
             "dr": "DGN_REL", "nb_rum": "NBR_RUM", "date_entree": "EXE_SOI_DTD",
             "date_sortie": "EXE_SOI_DTF", "uhcd": "UHCD"}
NATIONAL_MONTH = 8  # CHU: `O<FINESS>_<ORDRE>_<AAAAMMJJ>.xml`, one line, DATEDEBUT = DATEFIN
SHORT_MONTH = 9  # Forez: `RPU_<FINESS>_<AAMMJJ>.txt`
REGIONAL_MONTH = 10  # Givors: `,` and the regional vocabulary
CONTENT_MONTH = 7  # SAS slots under a name matching no pattern
FRACTION_MONTHS = (5, 11)  # SAS instants with fractional seconds (`…T09:00:00.000+01:00`)
TITLE_QUARTER = 3  # CPAM patientèle: `CPTS <label>` title and spaced thousands


def chosen(ctx: Ctx, *slot: object) -> bool:
    """Does this slot take its convention? Probability min(1, variations), one stream per slot."""
    return ctx.varies and ctx.rng("convention", *slot).random() < ctx.rate(1.0)


def rpu_convention(ctx: Ctx, etab_finess: str, annee: int, mois: int) -> str | None:
    """`national`, `court`, `regional` or None (canonical) for a hospital's month."""
    slots = {(CHU, NATIONAL_MONTH): "national", (FOREZ, SHORT_MONTH): "court",
             (GIVORS, REGIONAL_MONTH): "regional"}
    kind = slots.get((etab_finess, mois))
    return kind if kind and chosen(ctx, "rpu", etab_finess, annee, mois) else None


def snds_pmsi(ctx: Ctx, etab_finess: str, annee: int) -> bool:
    return etab_finess == PRIVATE and chosen(ctx, "pmsi", etab_finess, annee)


def open_data_annuaire(ctx: Ctx, annee: int) -> bool:
    """The first year's extraction laid out as the open-data copy: commune columns empty, the
    locality only in `Bureau cedex`. Its undated name is not produced: its extraction date would
    be the day of reception, outside the generated years (tests cover that name)."""
    return annee == ctx.annees[0] and chosen(ctx, "annuaire", annee)


def cpam_titles(ctx: Ctx, territoire: str, annee: int, quarter: int) -> bool:
    return quarter == TITLE_QUARTER and chosen(ctx, "cpam", territoire, annee, quarter)


def spaced(value: int, k: int) -> int | str:
    """A count of 1 000 or more as text with a space or a non-breaking space between thousands."""
    if value < 1000:
        return value
    return f"{value:,}".replace(",", "\u00a0" if k % 2 else " ")


def content_named_slots(ctx: Ctx, annee: int, mois: int) -> bool:
    return mois == CONTENT_MONTH and chosen(ctx, "sas-contenu", annee, mois)


def content_named_prado(ctx: Ctx, territoire: str, annee: int) -> bool:
    return annee == ctx.annees[0] and chosen(ctx, "prado-contenu", territoire, annee)


def fractional_sas(ctx: Ctx, annee: int, mois: int) -> bool:
    return mois in FRACTION_MONTHS and chosen(ctx, "sas-fraction", annee, mois)


def with_fraction(column: str) -> pl.Expr:
    """`2024-03-05T14:30:00+01:00` → `2024-03-05T14:30:00.000+01:00` (the SAS FHIR guide's form)."""
    return pl.col(column).str.replace(r"(T\d{2}:\d{2}:\d{2})([+\-Z])", "${1}.000${2}")
