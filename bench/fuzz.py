"""Fuzzing of every reader: mutated deliveries (tests/fuzzing.py) by the thousand, outcomes counted.

Run from the repository root:
    .venv/bin/python -m bench.fuzz --reader all --exemples 10000
`--reader` is a family (csv, xml, xlsx, annuaire), a reader (rpu_csv, cpam_prado…) or `all`;
`--exemples` is per family or reader. Prints, per reader, the count of each outcome — load, row
rejects, French refusal — and of failures (unhandled exception, NIR in what would be stored,
refusal without a French place), the first failures with their mutations, the elapsed time and
the peak resident memory (must stay under 1 GB).
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.fuzzing import FAMILIES, SEEDS, run_one, text_mutations, xlsx_mutations

MEMORY_LIMIT_MB = 1024


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def fuzz(readers: list[str], examples: int, counts: Counter, failures: list[str]) -> None:
    """`examples` mutated deliveries, each for a reader drawn among `readers`."""
    with tempfile.TemporaryDirectory() as tmp:
        bases = {r: SEEDS[r].write(Path(tmp) / "seed" / r) for r in readers}
        folder = Path(tmp) / "mutant"
        folder.mkdir()
        workbook = SEEDS[readers[0]].workbook

        @settings(max_examples=examples, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.generate])
        @given(st.sampled_from(readers), xlsx_mutations if workbook else text_mutations)
        def one(reader: str, mutations: list[tuple]) -> None:
            try:
                outcome, _ = run_one(SEEDS[reader], bases[reader], folder, mutations)
            except Exception as exc:  # counted and shown, the run goes on
                outcome = "ECHEC"
                frames = [f"{Path(f.filename).name}:{f.lineno}"
                          for f in traceback.extract_tb(exc.__traceback__)
                          if "site-packages" not in f.filename][-3:]
                failures.append(f"{reader}: {type(exc).__name__} ({' > '.join(frames)}) {str(exc)[:160]!r}"
                                f" — mutations {mutations!r:.300}")
            if peak_mb() > MEMORY_LIMIT_MB:
                outcome = "ECHEC"
                failures.append(f"{reader}: mémoire {peak_mb():.0f} Mo > {MEMORY_LIMIT_MB} Mo")
            counts[(reader, outcome)] += 1

        one()


def main() -> None:
    parser = argparse.ArgumentParser(description="Fuzzing des lecteurs de fichiers reçus")
    parser.add_argument("--reader", default="all",
                        help="all, une famille (csv, xml, xlsx, annuaire) ou un lecteur (rpu_csv…)")
    parser.add_argument("--exemples", type=int, default=10_000, help="entrées par famille ou lecteur")
    args = parser.parse_args()
    groups = FAMILIES if args.reader == "all" else \
        {args.reader: FAMILIES.get(args.reader, [args.reader])}
    failures: list[str] = []
    for family, readers in groups.items():
        counts: Counter = Counter()
        start = time.perf_counter()
        fuzz(readers, args.exemples, counts, failures)
        elapsed = time.perf_counter() - start
        total = sum(counts.values())
        print(f"== {family} : {total} entrées en {elapsed:.0f} s ({total / elapsed:.0f}/s), "
              f"pic mémoire {peak_mb():.0f} Mo")
        for reader in readers:
            row = {o: counts[(reader, o)] for o in ("charge", "rejets", "refus", "ignore", "ECHEC")}
            print(f"   {reader:20} chargé {row['charge']:6}  rejets de lignes {row['rejets']:6}  "
                  f"refus {row['refus']:6}  non générés {row['ignore']:4}  échecs {row['ECHEC']:4}")
    print(f"pic de mémoire résidente : {peak_mb():.0f} Mo (limite {MEMORY_LIMIT_MB} Mo)")
    print(f"échecs : {len(failures)}")
    for failure in failures[:30]:
        print(" -", failure)


if __name__ == "__main__":
    main()
