"""The nightly's stages as plain functions, in the flow's order, each timed: what `bench/` measures
and what the backend-equivalence test runs (no Prefect API, no artifacts)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from cpts.config import Settings
from tasks.inbox import discover
from tasks.ingest import IngestReport, ingest_deliveries
from tasks.read_pool import warm_up

STAGES = ("chargement", "statistiques", "qualite", "indicateurs", "contrat", "rapports")


@dataclass
class StagesRun:
    report: IngestReport = field(default_factory=IngestReport)
    seconds: dict[str, float] = field(default_factory=dict)


def run_stages(settings: Settings, inbox: str, today: date) -> StagesRun:
    # lazy: Great Expectations, openpyxl and the materialiser stay out of the import path
    from contract.tracking import track
    from quality.run import run_checks
    from quality.statuses import mark_provisional
    from report.build import build_report
    from tasks.warehouse_tasks import compute_indicators, years_with_data
    from warehouse import reference
    from warehouse.db import make_engine, refresh_statistics, upgrade

    run = StagesRun()
    engine = make_engine(settings.database_url)
    upgrade(engine)

    def timed(stage: str, step: Callable[[], object]) -> object:
        started = time.perf_counter()
        out = step()
        run.seconds[stage] = time.perf_counter() - started
        return out

    def load() -> None:
        warm_up(settings.lecture_processus)  # the reading processes start during discovery
        matched, run.report.unmatched = discover(inbox, settings.limits)
        run.report.outcomes = ingest_deliveries(engine, matched, settings)

    timed("chargement", load)
    timed("statistiques", lambda: refresh_statistics(engine))
    quality = timed("qualite", lambda: run_checks(engine, settings))
    timed("indicateurs", lambda: (compute_indicators.fn(settings),
                                  mark_provisional(engine, quality.execution_id)))
    territories = reference.territory_codes()
    timed("contrat", lambda: [track(engine, t, today) for t in territories])
    years = years_with_data.fn(settings)
    timed("rapports", lambda: [build_report(engine, settings, t, years[-1])
                               for t in territories if years])
    engine.dispose()
    return run
