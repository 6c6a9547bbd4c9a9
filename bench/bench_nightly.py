"""Stage times of the nightly on SQLite and PostgreSQL, side by side, on the same generated inbox.

    python -m bench.bench_nightly --echelle 1
    python -m bench.bench_nightly --echelle 2.5 --annees 2023,2024 [--pg postgresql://postgres@127.0.0.1/test]

Each backend gets a fresh warehouse (a new PostgreSQL database, dropped afterwards) and runs the
nightly's stages as plain functions (no Prefect server): load, statistics, quality, indicators,
contract tracking, reports. Prints one line per stage with both times and the PG/SQLite ratio.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from cpts.config import Settings
from generator import generate

KEY = "cle-de-banc-d-essai"
STAGES = ["chargement", "statistiques", "qualite", "indicateurs", "contrat", "rapports"]


def run_stages(settings: Settings, inbox: Path) -> dict[str, float]:
    """The nightly's stages in flow order, each timed (lazy imports: Prefect stays out of --help)."""
    from contract.tracking import track
    from quality.tasks import apply_quality_statuses, check_quality
    from tasks.inbox import archive, discover
    from tasks.ingest import ingest_delivery
    from tasks.warehouse_tasks import (
        build_report_file,
        compute_indicators,
        upgrade_warehouse,
        years_with_data,
    )
    from warehouse import reference
    from warehouse.db import make_engine, refresh_statistics

    times: dict[str, float] = {}
    engine = make_engine(settings.database_url)
    upgrade_warehouse.fn(settings)

    def timed(stage: str, step: Callable[[], object]) -> object:
        started = time.perf_counter()
        out = step()
        times[stage] = time.perf_counter() - started
        return out

    def load() -> None:
        for delivery in discover(str(inbox))[0]:
            ingest_delivery(engine, archive(delivery, settings.archive_path), settings)

    timed("chargement", load)
    timed("statistiques", lambda: refresh_statistics(engine))
    quality = timed("qualite", lambda: check_quality.fn(settings))
    timed("indicateurs", lambda: (compute_indicators.fn(settings),
                                  apply_quality_statuses.fn(settings, quality.execution_id)))
    # contract.tracking directly: the task would also publish Prefect artifacts (needs an API)
    timed("contrat", lambda: [track(engine, t, date(2025, 1, 15)) for t in reference.territory_codes()])
    years = years_with_data.fn(settings)
    year = years[-1] if years else None
    timed("rapports", lambda: [build_report_file.fn(settings, t, year)
                               for t in reference.territory_codes()] if year else None)
    engine.dispose()
    return times


def _pg_database(admin_url: str) -> tuple[str, Callable[[], None]]:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"cpts_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Durée des étapes du chargement nocturne, SQLite et PostgreSQL.")
    parser.add_argument("--echelle", type=float, default=1.0, help="1 = exemple ; 2,5 ≈ un département")
    parser.add_argument("--annees", default="2023,2024", help="Années générées, ex. 2023,2024")
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
                        help="URL d'administration PostgreSQL (une base temporaire y est créée)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cpts-bench-nightly-"))
    annees = tuple(int(a) for a in args.annees.split(","))
    summary = generate(work / "depot", annees=annees, echelle=args.echelle, graine=42)
    print(f"boîte de dépôt : {summary.total_lignes:,} lignes générées, échelle {args.echelle}, "
          f"années {args.annees}")
    pg_url, drop = _pg_database(args.pg)
    results = {}
    try:
        for backend, url in [("sqlite", f"sqlite:///{work / 'entrepot.sqlite'}"), ("postgresql", pg_url)]:
            settings = Settings(data_dir=work / backend, warehouse_url=url, pseudo_key=KEY)
            results[backend] = run_stages(settings, work / "depot")
    finally:
        drop()
    print(f"{'étape':<14}{'SQLite (s)':>12}{'PostgreSQL (s)':>16}{'PG/SQLite':>11}")
    for stage in [*STAGES, "total"]:
        lite, pg = (sum(r.values()) if stage == "total" else r[stage] for r in results.values())
        print(f"{stage:<14}{lite:>12.1f}{pg:>16.1f}{pg / lite if lite else float('nan'):>11.2f}")


if __name__ == "__main__":
    main()
