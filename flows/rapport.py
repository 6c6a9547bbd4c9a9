"""« Rapport dialogue de gestion »: the Excel workbook of one territory and year, on demand.

Not named report.py: Prefect puts flows/ on sys.path when it loads an entrypoint, and that would
shadow the `report` package.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger

from cpts.config import get_settings
from cpts.private import restrict_umask
from flows.artifacts import publish_indicators, publish_report_link
from flows.parameters import CHAMP_ANNEE, CHAMP_TERRITOIRE, Territoire, run_name, territory_code
from tasks.warehouse_tasks import build_report_file


@flow(
    name="Rapport dialogue de gestion",
    flow_run_name=run_name("rapport"),
    description="Produit le classeur Excel du dialogue de gestion d'un territoire pour une année "
    "(comparée à l'année précédente, secret statistique appliqué) à partir des indicateurs déjà "
    "calculés. Le lien vers le fichier est dans l'artefact « rapport-… » (un par territoire).",
)
def rapport_dialogue_de_gestion(
    territoire: Territoire = CHAMP_TERRITOIRE,
    annee: int = CHAMP_ANNEE,
) -> Path:
    """Rapport dialogue de gestion d'un territoire pour une année."""
    restrict_umask()  # files written by this run are owner-only
    settings = get_settings()
    code = territory_code(territoire)
    path = build_report_file(settings, code, annee)
    publish_report_link(code, annee, path)
    publish_indicators(settings, code, [annee])
    get_run_logger().info("Rapport écrit : %s", path)
    return path
