"""Micro-bench of the bulk insert paths (warehouse/bulk.py) against the row-by-row ones they replaced.

    .venv/bin/python -m bench.bench_insertion [--lignes 200000] [--postgres postgresql://…/base]

Inserts one generated frame of emergency passages into `passages_urgences` (indexes, foreign key),
inside one transaction, and prints rows/s and the client's CPU seconds for each path. The PostgreSQL
database given is created and dropped (default: a local server, user postgres).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url

from warehouse.bulk import insert_frame
from warehouse.db import make_engine
from warehouse.tables import metadata
from warehouse.tables.hopital import passages_urgences as PASSAGES

TABLES = [metadata.tables["chargements"], PASSAGES]


def passages(n: int) -> pl.DataFrame:
    k = pl.int_range(0, n, eager=True)
    day = (k % 28 + 1).cast(pl.Int32)
    return pl.DataFrame({"chargement_id": pl.repeat(1, n, eager=True)}).with_columns(
        finess=pl.lit("420001232"),
        entree=pl.datetime(2024, 3, day, k % 24, k % 60),
        date_entree=pl.date(2024, 3, day),
        sortie=pl.when(k % 7 > 0).then(pl.datetime(2024, 3, day, (k + 3) % 24, 7)),
        age=(k % 100).cast(pl.Int32), sexe=pl.when(k % 2 == 0).then(pl.lit("F")).otherwise(pl.lit("M")),
        cp_residence=pl.lit("42400"), commune_residence=pl.when(k % 5 > 0).then(pl.lit("42207")),
        mode_entree=pl.lit("8"), transport=pl.lit("PERSO"), gravite=pl.lit("2"), dp=pl.lit("S0600"),
        liste_da=pl.when(k % 3 > 0).then(pl.lit("J00|R51")).otherwise(pl.lit("")),
        mode_sortie=pl.lit("8"))


def row_by_row(conn: Connection, frame: pl.DataFrame) -> None:
    """What warehouse/bulk.py did before: executemany (SQLite), copy.write_row (PostgreSQL)."""
    cols = ", ".join(f'"{c}"' for c in frame.columns)
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(f"COPY passages_urgences ({cols}) FROM STDIN") as copy:
            for row in frame.iter_rows():
                copy.write_row(row)
        return
    sql = f"INSERT INTO passages_urgences ({cols}) VALUES ({', '.join('?' * frame.width)})"
    for chunk in frame.iter_slices(50_000):
        conn.exec_driver_sql(sql, list(chunk.iter_rows()))


def fresh(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        drop(url)
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
        admin.dispose()
    else:
        Path(parsed.database).unlink(missing_ok=True)
    engine = make_engine(url, lock_timeout_s=0)
    metadata.create_all(engine, tables=TABLES)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO chargements (id, fournisseur, type_fichier, nom_fichier, sha256, "
                          "recu_le, statut) VALUES (1, 'banc', 'banc', 'banc', 'banc', :d, 'charge')"),
                     {"d": datetime(2024, 1, 1)})
    return engine


def measure(url: str, path: Callable[[Connection, pl.DataFrame], object], frame: pl.DataFrame
            ) -> tuple[float, float]:
    engine = fresh(url)
    wall, cpu = time.perf_counter(), time.process_time()
    with engine.begin() as conn:
        path(conn, frame)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM passages_urgences")).scalar_one() == frame.height
    engine.dispose()
    return frame.height / wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lignes", type=int, default=200_000)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/banc_insertion")
    args = parser.parse_args()
    frame = passages(args.lignes)
    assert frame["date_entree"].dtype == pl.Date and date(2024, 3, 1) <= frame["date_entree"].min()
    with tempfile.TemporaryDirectory() as work:
        backends = {"SQLite": f"sqlite:///{Path(work) / 'banc.sqlite'}", "PostgreSQL": args.postgres}
        print(f"{args.lignes} passages, une transaction, index et clé étrangère en place")
        for backend, url in backends.items():
            for label, path in (("ligne à ligne (avant)", row_by_row),
                                ("Arrow (warehouse/bulk.py)", lambda c, f: insert_frame(c, PASSAGES, f))):
                measure(url, path, frame.head(5_000))  # warm-up: imports, prepared statements
                rate, cpu = measure(url, path, frame)
                print(f"{backend:<11} {label:<27} {rate:>10,.0f} lignes/s  CPU client {cpu:5.2f} s")
    drop(args.postgres)


def drop(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}"'))
    admin.dispose()


if __name__ == "__main__":
    main()
