"""Dump `indicateurs_valeurs` (and breakdowns) after the nightly's indicator stage on the sample inbox.

    python -m bench.dump_valeurs --sortie valeurs-sqlite.csv [--url postgresql://postgres@127.0.0.1/x]
Used to prove that a change of the indicator engine leaves every value identical: dump before, dump
after, `diff` the two files (timestamps left out). The inbox is the demo's (seed 42, 2023–2024).
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

from sqlalchemy import text

from bench.common import fresh_warehouse
from generator import generate
from tasks.ingest import ingest_inbox
from tasks.warehouse_tasks import compute_indicators
from warehouse.db import refresh_statistics

VALEURS = """SELECT territoire, code_indicateur, libelle, type_periode, periode, date_debut, date_fin,
valeur, numerateur, denominateur, valeur_masquee_source, statut, motif_statut, version_catalogue, lignage
FROM indicateurs_valeurs ORDER BY territoire, code_indicateur, type_periode, periode"""
VENTILATIONS = """SELECT territoire, code_indicateur, type_periode, periode, axe, modalite, ordre, valeur,
masque_source FROM indicateurs_ventilations
ORDER BY territoire, code_indicateur, type_periode, periode, axe, ordre"""


def _cell(v: object) -> str:
    if isinstance(v, bool):
        return str(int(v))
    if isinstance(v, float):
        return repr(v)
    return "" if v is None else str(v)[:10] if hasattr(v, "isoformat") else str(v)


def main() -> None:
    parser = argparse.ArgumentParser(description="Export des valeurs d'indicateurs de l'exemple.")
    parser.add_argument("--sortie", type=Path, required=True)
    parser.add_argument("--url", help="URL de l'entrepôt (défaut : SQLite temporaire)")
    parser.add_argument("--depot", type=Path, help="Boîte de dépôt déjà générée (défaut : générée)")
    args = parser.parse_args()
    work, settings, engine = fresh_warehouse("cpts-dump-", args.url)
    inbox = args.depot or work / "depot"
    if not inbox.exists() or not any(inbox.iterdir()):
        generate(inbox, graine=42)
    ingest_inbox(engine, settings, str(inbox))
    refresh_statistics(engine)
    started = time.perf_counter()
    written = compute_indicators.fn(settings)
    print(f"indicateurs : {written} valeurs en {time.perf_counter() - started:.1f} s")
    with engine.connect() as conn, args.sortie.open("w", newline="") as out:
        w = csv.writer(out)
        for query in (VALEURS, VENTILATIONS):
            for row in conn.execute(text(query)):
                w.writerow([_cell(v) for v in row])
    print(f"écrit : {args.sortie}")


if __name__ == "__main__":
    main()
