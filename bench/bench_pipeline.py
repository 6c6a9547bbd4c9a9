"""Ingestion and materialisation throughput on a generated inbox (department size by default).

    python -m bench.bench_pipeline --echelle 2.5 [--url postgresql://postgres@127.0.0.1/bench]
Prints rows/s per step and the peak RSS; the warehouse URL defaults to a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import resource
import time

from bench.common import fresh_warehouse
from generator import generate
from tasks.ingest import ingest_inbox
from warehouse import reference
from warehouse.materialise import materialise
from warehouse.periods import calendar_years


def main() -> None:
    parser = argparse.ArgumentParser(description="Débit du chargement et du calcul des indicateurs.")
    parser.add_argument("--echelle", type=float, default=2.5, help="2,5 ≈ un département de 800 000 hab.")
    parser.add_argument("--url", help="URL de l'entrepôt (défaut : SQLite temporaire)")
    args = parser.parse_args()
    work, settings, engine = fresh_warehouse("cpts-bench-pipeline-", args.url)
    url = settings.warehouse_url

    started = time.perf_counter()
    summary = generate(work / "depot", annees=(2023, 2024), echelle=args.echelle, graine=42)
    generated = time.perf_counter()
    report = ingest_inbox(engine, settings, str(work / "depot"))
    loaded = time.perf_counter()
    with engine.connect() as conn:
        periods = calendar_years(conn)
    materialise(engine, reference.territory_codes(), periods)
    done = time.perf_counter()

    rows = sum(o.lignes_chargees for _, o in report.outcomes)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"génération : {summary.total_lignes:,} lignes en {generated - started:.1f} s")
    print(f"chargement : {rows:,} lignes, {len(report.outcomes)} fichiers en {loaded - generated:.1f} s "
          f"({rows / (loaded - generated):,.0f} lignes/s)")
    print(f"indicateurs : {len(periods)} années × {len(reference.territory_codes())} territoires "
          f"en {done - loaded:.1f} s")
    print(f"mémoire maximale : {peak:,.0f} Mo ; entrepôt : {url}")


if __name__ == "__main__":
    main()
