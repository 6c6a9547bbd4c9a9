"""Prefect task wrappers of the quality step (the flow imports these; logic lives beside)."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NONE

from cpts.config import Settings
from quality.run import QualitySummary, run_checks
from quality.statuses import mark_provisional
from warehouse.db import make_engine


@task(name="Contrôles qualité de l'entrepôt", cache_policy=NONE)
def check_quality(settings: Settings) -> QualitySummary:
    return run_checks(make_engine(settings.database_url), settings)


@task(name="Indicateurs provisoires après contrôle qualité", cache_policy=NONE)
def apply_quality_statuses(settings: Settings, execution_id: str) -> int:
    """After materialisation: failed `fail` checks of this run make their indicators provisoire."""
    return mark_provisional(make_engine(settings.database_url), execution_id)
