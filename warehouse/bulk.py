"""Bulk insert of a polars frame inside the caller's transaction, with each backend's fast path.

Never Python per row for a delivery's facts:
- PostgreSQL: `COPY … FROM STDIN (FORMAT csv)` fed with the CSV polars writes, on the psycopg
  connection of the caller's transaction.
- SQLite: the frame is ingested through ADBC (Arrow, C) into a private staging file beside the
  database, which the caller's connection ATTACHes inside its transaction and copies with one
  `INSERT … SELECT`: the load stays one transaction of one connection. The staging database is
  detached and removed when the connection goes back to the pool (after commit or rollback).
  An in-memory database has no folder for a staging file: it takes `executemany`.
Temporal values are written as text in the form sqlite3's adapters always wrote
(`AAAA-MM-JJ`, `AAAA-MM-JJ HH:MM:SS[.ffffff]`), so SQL comparisons on stored dates are unchanged.
"""

from __future__ import annotations

import io
import itertools
import os
import tempfile
from pathlib import Path

import polars as pl
from sqlalchemy import Connection, Table, event

BATCH_ROWS = 100_000
# Every non-empty frame is staged, so every SQLite test exercises the path facts take; executemany
# remains for in-memory databases (no folder for a staging file).
STAGE_MIN_ROWS = 1
_STAGED = "cpts_staged"  # DBAPI connection info: [(alias, path)] to detach at check-in
_aliases = itertools.count()


def insert_frame(conn: Connection, table: Table, frame: pl.DataFrame) -> int:
    """Insert the frame's columns that exist in `table`; returns the number of rows."""
    columns = [c for c in frame.columns if c in table.c]
    if frame.is_empty():
        return 0
    frame = frame.select(columns)
    if conn.dialect.name == "postgresql":
        _copy_postgres(conn, table, frame)
    elif frame.height >= STAGE_MIN_ROWS and _staging_dir(conn) is not None:
        _stage_sqlite(conn, table, frame)
    else:
        sql = f'INSERT INTO "{table.name}" ({_quoted(columns)}) VALUES ({", ".join("?" * len(columns))})'
        for chunk in sqlite_values(frame).iter_slices(BATCH_ROWS):
            conn.exec_driver_sql(sql, chunk.rows())
    return frame.height


def _copy_postgres(conn: Connection, table: Table, frame: pl.DataFrame) -> None:
    raw = conn.connection.driver_connection  # psycopg 3 connection, same transaction
    sql = f'COPY "{table.name}" ({_quoted(frame.columns)}) FROM STDIN (FORMAT csv)'
    with raw.cursor() as cur, cur.copy(sql) as copy:
        for chunk in frame.iter_slices(BATCH_ROWS):
            buffer = io.BytesIO()
            # CSV: an unquoted empty field is NULL, an empty string is written quoted ("").
            chunk.write_csv(buffer, include_header=False, datetime_format="%Y-%m-%d %H:%M:%S%.f",
                            date_format="%Y-%m-%d")
            copy.write(buffer.getbuffer())


def sqlite_values(frame: pl.DataFrame) -> pl.DataFrame:
    """Temporal columns as the text sqlite3's adapters write, booleans as 0/1, nulls typed."""
    out = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.Datetime):
            out.append(pl.when(col.dt.microsecond() == 0)
                       .then(col.dt.strftime("%Y-%m-%d %H:%M:%S"))
                       .otherwise(col.dt.strftime("%Y-%m-%d %H:%M:%S%.6f")).alias(name))
        elif dtype == pl.Date:
            out.append(col.dt.strftime("%Y-%m-%d"))
        elif dtype == pl.Boolean:
            out.append(col.cast(pl.Int8))
        elif dtype in (pl.Null, pl.Categorical) or isinstance(dtype, pl.Enum):
            out.append(col.cast(pl.String))
    return frame.with_columns(out) if out else frame


def _staging_dir(conn: Connection) -> Path | None:
    database = conn.engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).resolve().parent


def _stage_sqlite(conn: Connection, table: Table, frame: pl.DataFrame) -> None:
    import adbc_driver_sqlite.dbapi as adbc  # lazy: only SQLite writers need it

    directory = _staging_dir(conn)
    handle, name = tempfile.mkstemp(prefix=".chargement-", suffix=".sqlite", dir=directory)  # 0600
    os.close(handle)
    os.unlink(name)  # ADBC creates the file itself; the name stays ours (same private folder)
    alias = f"lot_{os.getpid()}_{next(_aliases)}"
    staged = conn.connection.info.setdefault(_STAGED, [])
    staged.append((alias, name))
    _watch_checkin(conn)
    old = os.umask(0o077)
    try:
        with adbc.connect(name, autocommit=True) as stage, stage.cursor() as cur:
            cur.execute("PRAGMA journal_mode=OFF")
            cur.execute("PRAGMA synchronous=OFF")
            cur.adbc_ingest("lot", sqlite_values(frame).to_arrow(), mode="create")
    finally:
        os.umask(old)
    cols = _quoted(frame.columns)
    conn.exec_driver_sql(f"ATTACH DATABASE ? AS {alias}", (name,))
    conn.exec_driver_sql(f'INSERT INTO main."{table.name}" ({cols}) SELECT {cols} FROM {alias}.lot')


def _watch_checkin(conn: Connection) -> None:
    pool = conn.engine.pool
    if not event.contains(pool, "checkin", _release_staged):
        event.listen(pool, "checkin", _release_staged)


def _release_staged(dbapi_connection, record) -> None:
    """After commit or rollback (the pool resets before check-in): detach and delete."""
    for alias, name in record.info.pop(_STAGED, []):
        try:
            if dbapi_connection is not None:
                dbapi_connection.execute(f"DETACH DATABASE {alias}")
        finally:
            for path in (name, f"{name}-journal", f"{name}-wal", f"{name}-shm"):
                Path(path).unlink(missing_ok=True)


def _quoted(columns: list[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)
