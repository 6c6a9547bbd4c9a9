"""Realistic sample exports for every file type of exports.md, calibrated on the activity report.

`generate()` writes an inbox (cpam/, hopital/, sas/, cpts/, annuaire/) from which the pipeline
computes, for Vallée du Gier in 2023 and 2024, exactly the report's table (indicators.md).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from generator import selfcheck
from generator.annuaire import write_annuaire
from generator.context import Ctx
from generator.cpam_annuels import write_all_annual
from generator.cpam_patientele import write_all_patientele
from generator.cpts_activite import write_all_activity
from generator.cpts_annexe import write_annexes
from generator.establishments import base_establishments, synthetic_establishments
from generator.pmsi_write import write_pmsi
from generator.rpu_write import write_rpu
from generator.sas_write import write_sas
from generator.summary import GenerationSummary, WrittenFile
from warehouse import reference

__all__ = ["GenerationSummary", "WrittenFile", "generate"]

BASE_RPU_ROWS = 160_000  # yearly passages of the five base hospitals at scale 1
FAMILLES = ("rpu", "pmsi", "annuaire", "cpam", "sas", "cpts")  # what `seulement` can restrict to


def _context(sortie: Path, territoires: Sequence[str], annees: Sequence[int], echelle: float,
             graine: int, variations: float, mois: Sequence[int] | None) -> Ctx:
    known = set(reference.territory_codes())
    unknown = [t for t in territoires if t not in known]
    if unknown or not territoires:
        raise ValueError(f"territoire inconnu : {', '.join(unknown) or '(aucun)'} "
                         f"(connus : {', '.join(sorted(known))})")
    if echelle <= 0 or variations < 0 or not annees:
        raise ValueError("échelle > 0, variations ≥ 0 et au moins une année sont attendues")
    if mois is not None and (not mois or not all(1 <= m <= 12 for m in mois)):
        raise ValueError(f"mois attendus entre 1 et 12 : {', '.join(map(str, mois)) or '(aucun)'}")
    return Ctx(Path(sortie), tuple(dict.fromkeys(territoires)), tuple(sorted(set(annees))),
               float(echelle), int(graine), float(variations),
               rpu_mois=tuple(sorted(set(mois))) if mois is not None else None)


def _families(seulement: Sequence[str] | None) -> set[str]:
    wanted = set(FAMILLES if seulement is None else seulement)
    unknown = sorted(wanted - set(FAMILLES))
    if unknown or not wanted:
        raise ValueError(f"famille de fichiers inconnue : {', '.join(unknown) or '(aucune)'} "
                         f"(connues : {', '.join(FAMILLES)})")
    return wanted


def generate(
    sortie: Path,
    territoires: Sequence[str] = ("vallee-du-gier", "grand-saint-etienne"),
    annees: Sequence[int] = (2023, 2024),
    echelle: float = 1.0,
    graine: int = 42,
    variations: float = 1.0,
    defauts: bool = False,
    seulement: Sequence[str] | None = None,
    mois: Sequence[int] | None = None,
) -> GenerationSummary:
    """Write a sample inbox into `sortie` (existing files of the same names are replaced).

    echelle: volume multiplier (calibration holds at 1 and above: extra volume goes to
    synthetic hospitals elsewhere); variations: rate of real-world variations (0 = clean);
    defauts: also write the bad-inputs set under `sortie/defauts/` with its manifest;
    seulement: only these file families (FAMILLES), e.g. ("rpu",) for an ingestion bench;
    mois: only the RPU files of these months (the plan still covers whole years, so they are the
    very files of a full generation: a national month without the national year).
    """
    started = time.perf_counter()
    ctx = _context(sortie, territoires, annees, echelle, graine, variations, mois)
    wanted = _families(seulement)
    selfcheck.run(ctx)
    etabs = base_establishments(ctx) + synthetic_establishments(ctx, BASE_RPU_ROWS)
    for annee in ctx.annees:
        if "rpu" in wanted:
            write_rpu(ctx, etabs, annee)
        if "pmsi" in wanted:
            write_pmsi(ctx, etabs, annee)
        if "annuaire" in wanted:
            write_annuaire(ctx, annee)
    if "cpam" in wanted:
        write_all_patientele(ctx)
        write_all_annual(ctx)
    if "sas" in wanted:
        write_sas(ctx)
    if "cpts" in wanted:
        write_all_activity(ctx)
        write_annexes(ctx)
    if defauts:
        from generator.defauts import write_defects

        write_defects(ctx)
    ctx.summary.duree_s = round(time.perf_counter() - started, 2)
    return ctx.summary
