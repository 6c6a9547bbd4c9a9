"""Prefect tasks: thin wrappers over the plain functions (testable without Prefect).

Only the steps that touch a remote inbox (sftp://, s3://) retry: a network hiccup deserves another
try, a bad file or a database error does not (the load is one transaction, retrying hides bugs).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from prefect import task
from prefect.cache_policies import NONE
from prefect.tasks import exponential_backoff

from cpts.config import Settings
from tasks.inbox import Delivery, archive, discover
from tasks.ingest import ingest_deliveries
from warehouse import reference, runs
from warehouse.db import make_engine, refresh_statistics, upgrade
from warehouse.incremental import materialise_incremental, nightly_jobs
from warehouse.loading import LoadOutcome
from warehouse.materialise import materialise
from warehouse.periods import Period, calendar_years

LOCAL_PROTOCOLS = {"file", "local"}
REMOTE_RETRIES = 3
# 10 s, 20 s, 40 s (+ jitter): a restarting SFTP server or a throttled object store recovers.
REMOTE_RETRY_DELAYS = exponential_backoff(backoff_factor=10)


def is_remote(url: str) -> bool:
    protocol = url.split("://", 1)[0] if "://" in url else "file"
    return protocol not in LOCAL_PROTOCOLS


@task(name="Mise à niveau de l'entrepôt", cache_policy=NONE)
def upgrade_warehouse(settings: Settings) -> None:
    upgrade(make_engine(settings.database_url))


@task(name="Vérification de la clé de pseudonymisation", cache_policy=NONE)
def check_pseudo_key(settings: Settings) -> None:
    """Refuse to load under a key other than the one the warehouse's pseudonyms come from."""
    from warehouse.keys import check_key

    engine = make_engine(settings.database_url)
    check_key(engine, settings.require_pseudo_key())
    engine.dispose()


@task(name="Début d'exécution", cache_policy=NONE)
def begin_run(settings: Settings, flow_run_id: str | None) -> tuple[int, list[runs.Interrupted]]:
    """Register this run; runs left « en cours » by a killed process become « interrompu »."""
    return runs.start(make_engine(settings.database_url), flow_run_id)


@task(name="Fichiers prévus", cache_policy=NONE)
def plan_run(settings: Settings, run_id: int, deliveries: list[Delivery]) -> None:
    runs.plan(make_engine(settings.database_url), run_id, [f"{d.provider}/{d.name}" for d in deliveries])


@task(name="Fin d'exécution", cache_policy=NONE)
def end_run(settings: Settings, run_id: int, error: str | None) -> None:
    runs.finish(make_engine(settings.database_url), run_id, error)


@task(name="Recherche des fichiers reçus", cache_policy=NONE)
def discover_files(inbox: str) -> tuple[list[Delivery], list[Delivery]]:
    return discover(inbox)


discover_remote_files = discover_files.with_options(
    name="Recherche des fichiers reçus (boîte distante)",
    retries=REMOTE_RETRIES, retry_delay_seconds=REMOTE_RETRY_DELAYS,
)


def archive_remote(delivery: Delivery, archive_dir: Path) -> Delivery:
    """Download into the archive, again after a network hiccup (10 s, 20 s, 40 s)."""
    for attempt in range(REMOTE_RETRIES + 1):
        try:
            return archive(delivery, archive_dir)
        except Exception:  # as the discovery task's retries: any failure of the remote side
            if attempt == REMOTE_RETRIES:
                raise
            time.sleep(10 * 2 ** attempt)
    raise AssertionError("unreachable")


def archive_delivery(delivery: Delivery, archive_dir: Path) -> Delivery:
    """Copy into the archive (once: an archived delivery is returned as it is), with retries only
    when the file is remote."""
    if delivery.local_path and delivery.sha256:
        return delivery
    return (archive_remote if is_remote(delivery.url) else archive)(delivery, archive_dir)


def find_deliveries(inbox: str) -> tuple[list[Delivery], list[Delivery]]:
    """Discover with retries only when the inbox is remote."""
    return (discover_remote_files if is_remote(inbox) else discover_files)(inbox)


@task(name="Chargement des fichiers reçus", cache_policy=NONE)
def load_deliveries(deliveries: list[Delivery], settings: Settings,
                    on_outcome: Callable[[Delivery, LoadOutcome], None] | None = None
                    ) -> list[tuple[Delivery, LoadOutcome]]:
    """Archive, read (in parallel) and load the deliveries, one transaction per file (no retry:
    each transaction already guarantees all or nothing)."""
    from prefect import get_run_logger

    logger = get_run_logger()

    def heard(delivery: Delivery, outcome: LoadOutcome) -> None:
        logger.info("%s : %s", delivery.shown_name, outcome.statut)
        if on_outcome is not None:
            on_outcome(delivery, outcome)

    engine = make_engine(settings.database_url)
    try:
        return ingest_deliveries(
            engine, deliveries, settings, on_outcome=heard,
            archiver=lambda d: archive_delivery(d, settings.archive_path))
    finally:
        engine.dispose()


@task(name="Purge de l'archive brute", cache_policy=NONE)
def purge_raw_archive(settings: Settings) -> int:
    """Raw files past CPTS_ARCHIVE_RETENTION_DAYS (only once loaded or refused), registered."""
    from prefect import get_run_logger

    from tasks.retention import purge_archive

    engine = make_engine(settings.database_url)
    purged = purge_archive(engine, settings.archive_path, settings.archive_retention_days)
    engine.dispose()
    get_run_logger().info("Archive brute : %d fichier(s) supprimé(s) (conservation %d jours)",
                          len(purged), settings.archive_retention_days)
    return len(purged)


@task(name="Statistiques de l'entrepôt", cache_policy=NONE)
def refresh_warehouse_statistics(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    refresh_statistics(engine)
    engine.dispose()


@task(name="Calcul des indicateurs", cache_policy=NONE)
def compute_indicators(settings: Settings, territoires: list[str] | None = None,
                       annees: list[int] | None = None) -> int:
    """Materialise the indicators of every territory (default: all).

    Without `annees`: the nightly's periods (calendar years with data, contract years, months of the
    latest year), recomputing only what the loads since the last run can change.
    With `annees`: those calendar years only, recomputed in full (on-demand recalculation)."""
    engine = make_engine(settings.database_url)
    chosen = territoires or reference.territory_codes()
    try:
        if annees:
            return materialise(engine, chosen, [Period.calendar_year(a) for a in annees])
        with engine.begin() as conn:
            written, _ = materialise_incremental(conn, nightly_jobs(conn, chosen))
        return written
    finally:
        engine.dispose()


@task(name="Années présentes dans l'entrepôt", cache_policy=NONE)
def years_with_data(settings: Settings) -> list[int]:
    with make_engine(settings.database_url).connect() as conn:
        return sorted(int(p.label) for p in calendar_years(conn))


@task(name="Rapport dialogue de gestion", task_run_name="rapport-{territoire}-{annee}", cache_policy=NONE)
def build_report_file(settings: Settings, territoire: str, annee: int) -> Path:
    from report.build import build_report  # lazy: openpyxl and charts stay out of the loading path

    return build_report(make_engine(settings.database_url), settings, territoire, annee)


@task(name="Dernier contrôle qualité", cache_policy=NONE)
def latest_quality_execution(settings: Settings) -> str | None:
    """The last quality run's id, so an on-demand recalculation keeps its « provisoire » statuses."""
    from sqlalchemy import select

    from warehouse.tables.qualite import qualite_resultats as qr

    with make_engine(settings.database_url).connect() as conn:
        return conn.execute(select(qr.c.execution_id).order_by(qr.c.execute_le.desc(), qr.c.id.desc())
                            .limit(1)).scalar_one_or_none()
