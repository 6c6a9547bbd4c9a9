"""The ingestion bench runs end to end on a tiny inbox (SQLite only) and prints every path.

The figures themselves are the bench's business (`python -m bench.bench_ingestion`), not a test's.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench.bench_ingestion import _server_cpu_s, main
from bench.ingestion_child import cpu_s
from bench.ingestion_inbox import MANIFEST, cache_key, prepare
from bench.ingestion_references import COLUMNS, duckdb_file, pandas_to_sql, polars_adbc, separator

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
        cpu = re.search(r"(\d+\.\d)\s+\d+\.\d$", row)  # CPU time, then the load average
        assert cpu and float(cpu[1]) > 0, row
        if not label.startswith("projet"):
            assert int(produced.replace(" ", "")) == total, row  # every row of the same files
    assert re.search(r"projet SQLite.*polars\+ADBC SQLite = \d+\.\d\d.*pandas\+to_sql = \d+\.\d\d", out)


def test_cpu_time_counts_the_processes_waited_for_and_a_remote_server_is_not_measured() -> None:
    before = cpu_s(reaped=True)
    subprocess.run([sys.executable, "-c", "sum(i * i for i in range(3_000_000))"], check=True)
    assert cpu_s(reaped=True) - before > 0.05
    assert _server_cpu_s("postgresql://postgres@db.example:5432/postgres") is None


def test_the_inbox_is_generated_once_per_scale_and_holds_only_rpu_csv(tmp_path: Path) -> None:
    folder = tmp_path / cache_key(0.02, [2024], [2], 7)
    first = prepare(folder, 0.02, [2024], [2], graine=7)
    again = prepare(folder, 0.02, [2024], [2], graine=7)
    assert first.generated_s is not None and again.generated_s is None  # reused
    assert again.files == first.files and again.rows == first.rows > 0
    found = sorted(p for p in first.folder.rglob("*") if p.is_file())
    assert found == sorted(first.files)
    assert all(re.fullmatch(r"RPU_\d{9}_202402\.csv", p.name) for p in found)
    (folder / MANIFEST).unlink()  # an interrupted generation is done again
    assert prepare(folder, 0.02, [2024], [2], graine=7).generated_s is not None


def test_the_references_store_the_same_text_of_the_same_files(tmp_path: Path) -> None:
    import sqlite3

    import duckdb

    inbox = prepare(tmp_path / "boite", 0.1, [2024], [10], graine=7)  # October: a regional file
    raw = [p.read_bytes() for p in inbox.files]
    assert any(separator(b[:b.find(b"\n")]) == "," for b in raw)  # what the references must handle
    assert any(not _utf8(b) for b in raw)
    written = [pandas_to_sql(list(inbox.files), tmp_path / "pandas.sqlite"),
               polars_adbc(list(inbox.files), "sqlite", str(tmp_path / "adbc.sqlite")),
               duckdb_file(list(inbox.files), tmp_path / "ref.duckdb")]
    assert written == [inbox.rows] * 3
    query = f"SELECT {', '.join(COLUMNS)} FROM rpu"
    tables = [sqlite3.connect(tmp_path / name).execute(query).fetchall()
              for name in ("pandas.sqlite", "adbc.sqlite")]
    tables.append(duckdb.connect(str(tmp_path / "ref.duckdb")).execute(query).fetchall())
    tables = [sorted(rows, key=lambda r: [(v is None, v or "") for v in r]) for rows in tables]
    assert tables[0] == tables[1] == tables[2]
    assert all(row[0] and row[5] for row in tables[0])  # FINESS and arrival in every row


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def test_repeated_paths_keep_their_shortest_measure_and_fail_only_when_every_round_failed() -> None:
    from bench.bench_ingestion import Run, _best

    def run(seconds: float | None) -> Run:
        done = Run("projet : chargement", "sqlite", "chargement", {})
        if seconds is None:
            done.error = "échec (code 1) : coupure"
        else:
            done.result = {"duree_s": seconds}
        return done

    assert _best((run(12.0), run(None), run(9.5), run(11.0))).result == {"duree_s": 9.5}
    assert _best((run(None), run(None))).error == "échec (code 1) : coupure"
