"""Benchmark of the Annuaire Santé reader on a generated national-size file (~2 million rows).

Run from the repository root: `.venv/bin/python -m bench.bench_annuaire [rows]`.
Prints the generation time, the reading throughput (rows/s) and the peak resident memory.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from schemas import annuaire
from schemas.base import ReadContext
from tests.builders_annuaire import write_annuaire

NAME = "PS_LibreAcces_Personne_activite_202406010930.txt"


def main(rows: int = 2_000_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / NAME
        start = time.perf_counter()
        write_annuaire(path, rows)
        generated = time.perf_counter() - start
        size_mb = path.stat().st_size / 1e6
        ctx = ReadContext(path, NAME, annuaire.FILE_TYPE.matches(NAME), b"bench", ("42", "69"))
        start = time.perf_counter()
        extract = annuaire.read(ctx)
        elapsed = time.perf_counter() - start
    kept = extract.tables[annuaire.annuaire_activites.name].height
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes
    print(f"fichier : {rows} lignes, {size_mb:.0f} Mo, généré en {generated:.1f} s")
    print(f"lecture : {elapsed:.1f} s, {rows / elapsed:,.0f} lignes/s, {kept} lignes retenues")
    print(f"pic de mémoire résidente : {peak_mb:.0f} Mo")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2_000_000)
