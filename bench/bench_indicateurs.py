"""Indicator materialisation cost on synthetic territories (bench/synthetic.py).

    python -m bench.bench_indicateurs --territoires 8 --annees 2020-2024 --passages 20000 --sejours 5000
    python -m bench.bench_indicateurs --territoires 1000 --annees 2024 --url postgresql://postgres@127.0.0.1/banc
Prints the set-based time (all territories of a period per query) for the whole catalogue × the calendar
years, and as reference the same engine called territory by territory on a few territories, extrapolated
(the cost model before set-based SQL), with the ratio. Targets: 8 × 5 years < 30 s (SQLite and
PostgreSQL), 1 000 × 1 year < 5 min (PostgreSQL). The URL's database must exist and be empty.
"""

from __future__ import annotations

import argparse
import os
import time

from sqlalchemy import func, select

from bench.common import fresh_warehouse
from bench.synthetic import Volumes, insert_facts, territories
from warehouse.catalogue import catalogue
from warehouse.db import refresh_statistics
from warehouse.materialise import materialise
from warehouse.periods import Period
from warehouse.tables.marts import indicateurs_resultats

REFERENCE_SAMPLE = 2  # territories computed one by one for the reference figure


def _years(text: str) -> list[int]:
    first, _, last = text.partition("-")
    return list(range(int(first), int(last or first) + 1))


def main() -> None:
    parser = argparse.ArgumentParser(description="Coût du calcul des indicateurs (territoires synthétiques).")
    parser.add_argument("--territoires", type=int, default=8)
    parser.add_argument("--annees", default="2020-2024", help="ex. 2020-2024 ou 2024")
    parser.add_argument("--passages", type=int, default=Volumes.passages, help="par territoire et par an")
    parser.add_argument("--sejours", type=int, default=Volumes.sejours, help="par territoire et par an")
    parser.add_argument("--url", help="URL de l'entrepôt (défaut : SQLite temporaire)")
    parser.add_argument("--sans-reference", action="store_true",
                        help="ne pas mesurer territoire par territoire")
    args = parser.parse_args()
    _, _, engine = fresh_warehouse("cpts-bench-ind-", args.url)
    years = _years(args.annees)
    terr = territories(args.territoires, Volumes.communes)
    started = time.perf_counter()
    with engine.begin() as conn:
        rows = insert_facts(conn, terr, years, Volumes(args.passages, args.sejours))
    refresh_statistics(engine)
    print(f"faits synthétiques : {rows:,} lignes, {len(terr)} territoires × {len(years)} ans "
          f"en {time.perf_counter() - started:.1f} s ({engine.dialect.name})")

    periods = [Period.calendar_year(y) for y in years]
    started, cpu = time.perf_counter(), time.process_time()
    written = materialise(engine, list(terr), periods)
    set_based, cpu = time.perf_counter() - started, time.process_time() - cpu
    with engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(indicateurs_resultats)).scalar_one()
    print(f"ensembliste : {len(catalogue())} indicateurs × {len(periods)} périodes × {len(terr)} territoires"
          f" → {written:,} valeurs ({stored:,} en table) en {set_based:.1f} s "
          f"(processeur du processus Python : {cpu:.1f} s ; charge machine {os.getloadavg()[0]:.1f})")
    if args.sans_reference:
        return
    sample = list(terr)[:REFERENCE_SAMPLE]
    started = time.perf_counter()
    for t in sample:
        materialise(engine, [t], periods)
    one_by_one = (time.perf_counter() - started) / len(sample) * len(terr)
    print(f"référence, territoire par territoire ({len(sample)} mesurés, extrapolé à {len(terr)}) : "
          f"{one_by_one:.1f} s ; rapport {one_by_one / set_based:.1f}×")


if __name__ == "__main__":
    main()
