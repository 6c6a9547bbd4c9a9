"""The ingestion bench runs end to end on a tiny inbox (SQLite only) and prints every path.

The figures themselves are the bench's business (`python -m bench.bench_ingestion`), not a test's.
"""

from __future__ import annotations

import re

import pytest

from bench.bench_ingestion import main

PATHS = [
    ("projet : découverte", "—"),
    ("projet : lecture + validation", "—"),
    ("projet : chargement", "SQLite"),
    ("pandas read_csv + to_sql", "SQLite"),
    ("polars read_csv + ADBC", "SQLite"),
    ("DuckDB read_csv", "DuckDB"),
]


@pytest.mark.slow
def test_prints_every_path_on_the_same_rows(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--echelle", "0.05", "--annees", "2024", "--mois", "1", "--sans-pg", "--processus", "1"])
    out = capsys.readouterr().out
    total = int(re.search(r"fichiers RPU CSV, ([\d ]+) lignes", out)[1].replace(" ", ""))
    assert total > 0 and "échec" not in out and "PostgreSQL" not in out
    for label, backend in PATHS:
        row = next(ln for ln in out.splitlines() if ln.startswith(label))
        produced, seconds, rate = re.search(
            rf"{backend}\s+([\d ]+?)(?: fichiers)?\s+(\d+\.\d)\s+\d+\.\d\s+([\d ]+)\s+\d", row).groups()
        assert float(seconds) > 0 and int(rate.replace(" ", "")) > 0, row
        if not label.startswith("projet"):
            assert int(produced.replace(" ", "")) == total, row  # every row of the same files
    assert re.search(r"projet SQLite.*polars\+ADBC SQLite = \d+\.\d\d.*pandas\+to_sql = \d+\.\d\d", out)
