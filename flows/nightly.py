"""« Chargement nocturne »: inbox → load → indicators (quality and report join as they land)."""

from __future__ import annotations

from datetime import datetime

from prefect import flow, get_run_logger

from cpts.config import get_settings
from flows.summary import describe_outcomes
from tasks.ingest import IngestReport
from tasks.warehouse_tasks import compute_indicators, discover_files, load_file, upgrade_warehouse


def _run_name() -> str:
    return f"nuit-{datetime.now():%Y-%m-%d}"


@flow(
    name="Chargement nocturne",
    flow_run_name=_run_name,
    description="Récupère les exports reçus (CPAM, hôpitaux, SAS, CPTS, Annuaire), les valide, "
    "les charge dans l'entrepôt puis recalcule les indicateurs.",
)
def chargement_nocturne(boite_de_depot: str | None = None) -> IngestReport:
    """boite_de_depot: dossier local, sftp://… ou s3://… ; vide = celle de la configuration."""
    settings = get_settings()
    settings.require_pseudo_key()
    logger = get_run_logger()
    upgrade_warehouse(settings)
    matched, unmatched = discover_files(boite_de_depot or settings.inbox_url)
    report = IngestReport(unmatched=unmatched)
    for delivery in matched:  # sequential: loads of one scope must apply oldest first
        report.outcomes.append(load_file(delivery, settings))
    for line in describe_outcomes(report):
        logger.info(line)
    compute_indicators(settings)
    return report
