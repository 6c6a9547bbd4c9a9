"""« Construction des indicateurs de l'année »: the December annex proposal of one territory."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NONE
from prefect.concurrency.sync import concurrency

from contract.proposal import build_proposal
from contract.workbook import write_annex
from cpts.config import Settings, get_settings
from cpts.private import restrict_umask
from flows.artifacts import publish_annex_link
from flows.nightly import WRITE_LIMIT
from flows.parameters import CHAMP_TERRITOIRE, Territoire, champ, run_name, territory_code
from tasks.warehouse_tasks import upgrade_warehouse
from warehouse.db import make_engine


class PeriodeReference(StrEnum):
    """Période dont la valeur devient la « Valeur initiale » de l'annexe."""

    annee_civile = "Année civile N-1"
    annee_contractuelle = "Année contractuelle se terminant en N-1"


CHAMP_ANNEE_CONTRAT = champ(
    ..., "Année du contrat", "Année N du contrat à préparer (l'année contractuelle N se termine en N), "
    "par exemple 2025 en décembre 2024.")
CHAMP_REFERENCE = champ(
    PeriodeReference.annee_civile, "Période de référence", "Période de référence des valeurs "
    "initiales : l'année civile N-1 (par défaut) ou l'année contractuelle se terminant en N-1 (il faut "
    "alors connaître la date de début du contrat).")
CHAMP_DEBUT = champ(
    None, "Début de l'année contractuelle", "Date anniversaire du contrat (JJ/MM/AAAA), par exemple "
    "07/12/2023. Laisser vide pour reprendre celle de la dernière annexe chargée (sinon 1er janvier).")


@task(name="Proposition d'annexe", task_run_name="annexe-{territoire}-{annee}", cache_policy=NONE)
def propose_annex(settings: Settings, territoire: str, annee: int, contractuelle: bool,
                  debut: date | None) -> Path:
    proposal = build_proposal(make_engine(settings.database_url), territoire, annee,
                              contractuelle=contractuelle, debut=debut)
    return write_annex(proposal, settings.annexes_dir, settings.secret_threshold)


@flow(
    name="Construction des indicateurs de l'année",
    flow_run_name=run_name("annexe"),
    description="Prépare en décembre l'annexe indicateurs du contrat de l'année N : valeurs initiales "
    "(période de référence), valeurs des deux périodes précédentes, médiane des autres territoires, "
    "sens et enveloppes de la taille de la CPTS ; paliers laissés vides pour la négociation. Le classeur "
    "CPTS_annexe_indicateurs_N_territoire.xlsx (secret statistique appliqué) est téléchargeable dans "
    "le portail (Rapports et annexes) et indiqué dans l'artefact « annexe-… » (un par territoire) ; "
    "une fois complété, le déposer dans la boîte de dépôt (page Dépôt du portail).",
)
def construction_des_indicateurs(
    territoire: Territoire = CHAMP_TERRITOIRE,
    annee: int = CHAMP_ANNEE_CONTRAT,
    periode_reference: PeriodeReference = CHAMP_REFERENCE,
    debut_annee_contractuelle: date | None = CHAMP_DEBUT,
) -> str:
    """Construction de l'annexe indicateurs d'un territoire pour l'année N."""
    restrict_umask()  # files written by this run are owner-only
    settings = get_settings()
    code = territory_code(territoire)
    contractuelle = PeriodeReference(periode_reference) is PeriodeReference.annee_contractuelle
    with concurrency(WRITE_LIMIT, occupy=1):  # materialising the baselines writes the marts
        upgrade_warehouse(settings)
        path = propose_annex(settings, code, annee, contractuelle, debut_annee_contractuelle)
    publish_annex_link(code, annee, path)
    get_run_logger().info("Annexe proposée : %s", path)
    return str(path)
