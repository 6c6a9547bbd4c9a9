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
from datetime import date
from pathlib import Path

from bench.common import pg_database
from cpts.config import Settings
from generator import generate
from tasks.nightly_stages import STAGES, run_stages

KEY = "cle-de-banc-d-essai"


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
    pg_url, drop = pg_database(args.pg)
    results = {}
    try:
        for backend, url in [("sqlite", f"sqlite:///{work / 'entrepot.sqlite'}"), ("postgresql", pg_url)]:
            settings = Settings(data_dir=work / backend, warehouse_url=url, pseudo_key=KEY)
            results[backend] = run_stages(settings, str(work / "depot"), date(2025, 1, 15)).seconds
    finally:
        drop()
    print(f"{'étape':<14}{'SQLite (s)':>12}{'PostgreSQL (s)':>16}{'PG/SQLite':>11}")
    for stage in [*STAGES, "total"]:
        lite, pg = (sum(r.values()) if stage == "total" else r[stage] for r in results.values())
        print(f"{stage:<14}{lite:>12.1f}{pg:>16.1f}{pg / lite if lite else float('nan'):>11.2f}")


if __name__ == "__main__":
    main()
