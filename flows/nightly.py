"""« Chargement nocturne »: inbox → archive → load → quality → indicators → report → artifacts."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from prefect import flow, get_run_logger
from prefect.concurrency.sync import concurrency
from prefect.states import Completed, State

from contract.tasks import track_contracts
from cpts.config import Settings, get_settings
from cpts.notify import notify
from cpts.private import restrict_umask
from cpts.secrets import with_pseudo_key
from flows.artifacts import (
    publish_files,
    publish_indicators,
    publish_quality_link,
    publish_report_link,
    read_details,
)
from flows.crashed import mark_crashed
from flows.lots import CHAMP_LOTS, batches_for, load_in_batches
from flows.parameters import CHAMP_BOITE
from flows.summary import describe_outcomes, refusal_message
from quality.run import QualitySummary
from quality.tasks import apply_quality_statuses, check_quality
from tasks.ingest import IngestReport
from tasks.warehouse_tasks import (
    begin_run,
    build_report_file,
    check_pseudo_key,
    compute_indicators,
    end_run,
    find_deliveries,
    load_deliveries,
    plan_run,
    purge_raw_archive,
    refresh_warehouse_statistics,
    upgrade_warehouse,
    years_with_data,
)
from warehouse import reference
from warehouse.runlock import writing_run

PARIS = ZoneInfo("Europe/Paris")
# Global concurrency limit created by `cpts serve` (limit 1): one warehouse writer at a time across
# deployments and machines. Without a server-side limit it is a no-op; `writing_run` (advisory
# lock / lock file) then keeps one writing run at a time.
WRITE_LIMIT = "ecriture-entrepot"


def nightly_run_name() -> str:
    return f"nuit-{datetime.now(PARIS):%Y-%m-%d}"  # the date the coordinator sees in Paris


@flow(
    name="Chargement nocturne",
    flow_run_name=nightly_run_name,
    description="Récupère les exports reçus (CPAM, hôpitaux, SAS, CPTS, Annuaire) dans la boîte de "
    "dépôt, les archive, les valide et les charge dans l'entrepôt (un fichier à la fois, tout ou "
    "rien), contrôle la qualité de l'entrepôt, recalcule les indicateurs de tous les territoires et "
    "rafraîchit le rapport Excel de la dernière année. L'artefact « fichiers-recus » et la page "
    "« Fichiers reçus » du portail disent ce qui a été chargé, refusé et pourquoi ; « indicateurs-… » "
    "et « rapport-… » (un par territoire) et « qualite-docs » donnent les résultats. Une exécution "
    "qui refuse des fichiers ou des lignes se termine « Terminé avec refus ».",
    log_prints=False,
)
def chargement_nocturne(
    boite_de_depot: str | None = CHAMP_BOITE,
    lots: int = CHAMP_LOTS,
) -> IngestReport | State:
    """Chargement nocturne de la boîte de dépôt."""
    restrict_umask()  # raw copies, warehouse, reports, Data Docs: owner-only
    settings = with_pseudo_key(get_settings())
    settings.require_pseudo_key()
    inbox = boite_de_depot or settings.inbox_url
    report = IngestReport()
    # Both locks: the server's limit orders runs in the UI, `writing_run` holds without a server.
    with concurrency(WRITE_LIMIT, occupy=1), writing_run(settings.database_url):
        quality = _write_stages(settings, inbox, report, batches_for(settings, lots))
        publish_quality_link(quality.docs_index)
        annees = years_with_data(settings)
        for territoire in reference.territory_codes():
            publish_indicators(settings, territoire, annees)
            if annees:  # the report of the latest year with data, refreshed every night
                publish_report_link(territoire, annees[-1],
                                    build_report_file(settings, territoire, annees[-1]))
    return _final_state(settings, report)


def _write_stages(settings: Settings, inbox: str, report: IngestReport, lots: int = 1) -> QualitySummary:
    """Load → statistics → quality → indicators → contracts; the files artifact is published even
    when a stage fails, and says what an interrupted earlier run left unloaded."""
    error: str | None = None
    run_id: int | None = None
    try:
        upgrade_warehouse(settings)
        run_id, report.interrupted = begin_run(settings, _flow_run_id())
        mark_crashed([r.flow_run_id for r in report.interrupted if r.flow_run_id])
        check_pseudo_key(settings)  # same key as the warehouse's pseudonyms (key rotation)
        matched, report.unmatched = find_deliveries(inbox)
        plan_run(settings, run_id, matched)
        if lots > 1:  # batches on the work pool's workers (PostgreSQL)
            load_in_batches(settings, matched, lots, report)
        else:  # archive, read in parallel, write in delivery order (a scope's oldest first); each
            # outcome is reported as it comes, so the artifact shows it even if a later step fails
            load_deliveries(matched, settings, on_outcome=lambda d, o: report.outcomes.append((d, o)))
        purge_raw_archive(settings)  # after the loads: never an unprocessed delivery
        refresh_warehouse_statistics(settings)
        quality = check_quality(settings)
        compute_indicators(settings)
        # Failed `fail` checks of this run turn the indicators they feed into « provisoire ».
        apply_quality_statuses(settings, quality.execution_id)
        track_contracts(settings)  # after the statuses: a « provisoire » value is non évaluable
        return quality
    except Exception as exc:
        error = f"Erreur : {exc}"
        raise
    finally:
        for line in describe_outcomes(report):
            get_run_logger().info(line)
        publish_files(report, error, _details(settings, report))
        if run_id is not None:
            end_run(settings, run_id, error)


def _flow_run_id() -> str | None:
    from prefect.runtime import flow_run

    return str(flow_run.id) if flow_run.id else None


def _details(settings, report: IngestReport):
    try:
        return read_details(settings, report)
    except Exception:  # the artifact must be published even when the warehouse is what failed
        get_run_logger().exception("Motifs des rejets illisibles dans l'entrepôt")
        return None


def _final_state(settings, report: IngestReport) -> IngestReport | State:
    """A run that refused files or rows ends « Terminé avec refus » and tells the coordinator."""
    message = refusal_message(report)
    if message is None:
        return report
    sent = notify(settings, f"Observatoire CPTS — {message.split(' : ')[0]}",
                  "\n".join([message, "", *describe_outcomes(report)]))
    get_run_logger().warning("%s (notification : %s)", message, ", ".join(sent) or "aucune configurée")
    return Completed(name="Terminé avec refus", message=message, data=report)
