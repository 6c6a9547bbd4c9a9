"""Bulk insert of a polars frame inside the caller's transaction, with each backend's fast path."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, Table

BATCH_ROWS = 50_000


def insert_frame(conn: Connection, table: Table, frame: pl.DataFrame) -> int:
    """Insert the frame's columns that exist in `table`; COPY on PostgreSQL, executemany on SQLite."""
    columns = [c for c in frame.columns if c in table.c]
    if frame.is_empty():
        return 0
    frame = frame.select(columns)
    if conn.dialect.name == "postgresql":
        _copy_postgres(conn, table, frame)
    else:
        placeholders = ", ".join("?" for _ in columns)
        sql = f'INSERT INTO "{table.name}" ({_quoted(columns)}) VALUES ({placeholders})'
        for chunk in frame.iter_slices(BATCH_ROWS):
            conn.exec_driver_sql(sql, list(chunk.iter_rows()))
    return frame.height


def _copy_postgres(conn: Connection, table: Table, frame: pl.DataFrame) -> None:
    raw = conn.connection.driver_connection  # psycopg 3 connection, same transaction
    with raw.cursor() as cur, cur.copy(
        f'COPY "{table.name}" ({_quoted(frame.columns)}) FROM STDIN'
    ) as copy:
        for chunk in frame.iter_slices(BATCH_ROWS):
            for row in chunk.iter_rows():
                copy.write_row(row)


def _quoted(columns: list[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)
