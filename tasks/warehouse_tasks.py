"""Prefect tasks: thin wrappers over the plain functions (testable without Prefect)."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NONE

from cpts.config import Settings
from tasks.inbox import Delivery, archive, discover
from tasks.ingest import ingest_delivery
from warehouse import reference
from warehouse.db import make_engine, upgrade
from warehouse.loading import LoadOutcome, known_statuses
from warehouse.materialise import materialise
from warehouse.periods import calendar_years


@task(name="Mise à niveau de l'entrepôt", cache_policy=NONE)
def upgrade_warehouse(settings: Settings) -> None:
    upgrade(make_engine(settings.database_url))


@task(name="Recherche des fichiers reçus", cache_policy=NONE)
def discover_files(inbox: str) -> tuple[list[Delivery], list[Delivery]]:
    return discover(inbox)


@task(name="Chargement d'un fichier", task_run_name="charger-{delivery.name}", cache_policy=NONE)
def load_file(delivery: Delivery, settings: Settings) -> tuple[Delivery, LoadOutcome]:
    engine = make_engine(settings.database_url)
    archived = archive(delivery, settings.archive_path)
    outcome = ingest_delivery(engine, archived, settings, known_statuses(engine))
    return archived, outcome


@task(name="Calcul des indicateurs", cache_policy=NONE)
def compute_indicators(settings: Settings, territoires: list[str] | None = None) -> int:
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        periods = calendar_years(conn)
    return materialise(engine, territoires or reference.territory_codes(), periods)
