"""« Calcul des indicateurs »: one territory, one year, on demand from the Prefect UI."""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.concurrency.sync import concurrency

from cpts.config import get_settings
from cpts.private import restrict_umask
from flows.artifacts import publish_indicators
from flows.nightly import WRITE_LIMIT
from flows.parameters import CHAMP_ANNEE, CHAMP_TERRITOIRE, Territoire, run_name, territory_code
from quality.tasks import apply_quality_statuses
from tasks.warehouse_tasks import compute_indicators, latest_quality_execution, upgrade_warehouse
from warehouse.runlock import writing_run


@flow(
    name="Calcul des indicateurs",
    flow_run_name=run_name("indicateurs"),
    description="Recalcule les indicateurs d'un territoire pour une année civile à partir des données "
    "déjà chargées, puis les publie dans l'artefact « indicateurs-… » (un par territoire ; secret "
    "statistique appliqué). Ne lit pas la boîte de dépôt.",
)
def calcul_des_indicateurs(
    territoire: Territoire = CHAMP_TERRITOIRE,
    annee: int = CHAMP_ANNEE,
) -> int:
    """Calcul des indicateurs d'un territoire pour une année."""
    restrict_umask()  # files written by this run are owner-only
    settings = get_settings()
    code = territory_code(territoire)
    with concurrency(WRITE_LIMIT, occupy=1), writing_run(settings.database_url):
        upgrade_warehouse(settings)
        written = compute_indicators(settings, [code], [annee])
        execution = latest_quality_execution(settings)
        if execution is not None:  # recomputed values start « final »: re-apply the last checks
            apply_quality_statuses(settings, execution)
    shown = publish_indicators(settings, code, [annee])
    get_run_logger().info("%s %s : %d valeurs calculées, %d publiées", code, annee, written, shown)
    return written
