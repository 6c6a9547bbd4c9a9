"""Bulk insert of a polars frame inside the caller's transaction, with each backend's fast path.

Never Python per row for a delivery's facts:
- PostgreSQL: `COPY … FROM STDIN (FORMAT csv)` fed with the CSV polars writes, on the psycopg
  connection of the caller's transaction.
- SQLite: the frame is ingested through ADBC (Arrow, C) into a private staging file beside the
  database, which the caller's connection ATTACHes inside its transaction and copies with one
  `INSERT … SELECT`: the load stays one transaction of one connection. The staging database is
  detached when the connection goes back to the pool (after commit or rollback), and removed
  then if the writer made it. A reading process may stage the tables of the deliveries it read
  together itself (`stage`, so the single SQLite writer only copies them): one file for them all,
  each delivery's rows a contiguous rowid range of it, removed by `discard` once every one of
  them is written or refused, so a retried transaction finds them again.
  An in-memory database has no folder for a staging file: it takes `executemany`.
Temporal values are written as text in the form sqlite3's adapters always wrote
(`AAAA-MM-JJ`, `AAAA-MM-JJ HH:MM:SS[.ffffff]`), so SQL comparisons on stored dates are unchanged.
"""

from __future__ import annotations

import io
import itertools
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
from sqlalchemy import Connection, Engine, Table, event

BATCH_ROWS = 100_000
# Every non-empty frame is staged, so every SQLite test exercises the path facts take; executemany
# remains for in-memory databases (no folder for a staging file).
STAGE_MIN_ROWS = 1
_STAGED = "cpts_staged"  # DBAPI connection info: [(alias, path, owned)] to detach at check-in
_aliases = itertools.count()
STALE_AFTER_S = 3600
_discarded: dict[str, int] = {}  # staging file → deliveries of it written or refused so far
_discard_lock = threading.Lock()


@dataclass(frozen=True)
class Staged:
    """A table's rows staged by a reading process in a private SQLite file (SQLite warehouses)."""

    path: str
    table: str  # its table in the staging file
    columns: tuple[str, ...]
    height: int
    dates: tuple[date | None, date | None]  # first and last date (`catalogue.sources.table_range`)
    first: int = 1  # rowid of its first row in that table (deliveries staged together share it)
    sharers: int = 1  # deliveries staged in the file: it is removed once all of them are done


def insert_frame(conn: Connection, table: Table, frame: pl.DataFrame | Staged, **constants: object) -> int:
    """Insert the rows' columns that exist in `table`, and `constants` in every row; returns the
    number of rows."""
    if isinstance(frame, Staged):
        return _copy_staged(conn, table, frame, constants)
    if constants:
        frame = frame.with_columns(**{k: pl.lit(v) for k, v in constants.items()})
    columns = [c for c in frame.columns if c in table.c]
    if frame.is_empty():
        return 0
    frame = frame.select(columns)
    if conn.dialect.name == "postgresql":
        _copy_postgres(conn, table, frame)
    elif frame.height >= STAGE_MIN_ROWS and staging_folder(conn.engine) is not None:
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
    out, fractional = [], _fractional(frame)
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.Datetime):
            whole = col.dt.strftime("%Y-%m-%d %H:%M:%S")
            out.append(pl.when(col.dt.microsecond() == 0).then(whole)
                       .otherwise(col.dt.strftime("%Y-%m-%d %H:%M:%S%.6f")).alias(name)
                       if name in fractional else whole)
        elif dtype == pl.Date:
            out.append(col.dt.strftime("%Y-%m-%d"))
        elif dtype == pl.Boolean:
            out.append(col.cast(pl.Int8))
        elif dtype in (pl.Null, pl.Categorical) or isinstance(dtype, pl.Enum):
            out.append(col.cast(pl.String))
    return frame.with_columns(out) if out else frame


def _fractional(frame: pl.DataFrame) -> set[str]:
    """Its date-time columns with a fraction of a second somewhere: both branches of a when/then
    are computed, so the fractional form only where it can be needed."""
    instants = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.Datetime)]
    if not instants or frame.is_empty():
        return set()
    flags = frame.select((pl.col(n).dt.microsecond() != 0).any() for n in instants).row(0)
    return {name for name, flag in zip(instants, flags, strict=True) if flag}


def staging_folder(engine: Engine) -> Path | None:
    """The SQLite warehouse's (private) folder, where staging files go; None elsewhere."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" \
            or database.startswith("file:"):
        return None
    return Path(database).resolve().parent


def _stage_sqlite(conn: Connection, table: Table, frame: pl.DataFrame) -> None:
    name = _stage_file(staging_folder(conn.engine))
    _ingest(name, {"lot": frame})
    _copy(conn, table, name, "lot", list(frame.columns), {}, owned=True)


def stage(deliveries: list[dict[str, pl.DataFrame]], folder: str) -> list[dict[str, Staged]]:
    """A reading process's side: the warehouse columns of the tables of deliveries read together,
    in one private staging file (one connection and one Arrow ingest per table for them all, not
    per delivery: ~0.7 µs/row less); each delivery's rows are a contiguous rowid range there."""
    from warehouse.catalogue.sources import table_range
    from warehouse.tables import metadata

    selected = [{name: frame.select([c for c in frame.columns if c in metadata.tables[name].c])
                 for name, frame in tables.items()} for tables in deliveries]
    groups: dict[tuple[str, tuple[str, ...]], list[pl.DataFrame]] = {}
    for tables in selected:
        for name, frame in tables.items():
            groups.setdefault((name, tuple(frame.columns)), []).append(frame)
    names = {key: f"{key[0]}_{k}" for k, key in enumerate(groups)}
    path = _stage_file(Path(folder))
    _ingest(path, {names[key]: pl.concat(frames, how="vertical_relaxed")
                   for key, frames in groups.items() if any(not f.is_empty() for f in frames)})
    sharers, next_row = sum(1 for tables in selected if tables), dict.fromkeys(groups, 1)
    out = []
    for tables in selected:
        out.append({})
        for name, frame in tables.items():
            key = (name, tuple(frame.columns))
            out[-1][name] = Staged(path, names[key], key[1], frame.height, table_range(name, frame),
                                   next_row[key], sharers)
            next_row[key] += frame.height
    return out


def discard_stale(folder: Path, older_than_s: float = STALE_AFTER_S) -> int:
    """Remove staging files a killed run left behind (they hold health data); a live one is written
    within minutes of being staged. Returns how many were removed."""
    cutoff = time.time() - older_than_s
    stale = {p for p in folder.glob(".chargement-*.sqlite*") if p.stat().st_mtime < cutoff}
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)


def discard(staged: list[Staged]) -> None:
    """One delivery's staged tables are written or refused: a staging file is removed once every
    delivery staged in it is."""
    for path, sharers in {(s.path, s.sharers) for s in staged}:
        with _discard_lock:
            done = _discarded.pop(path, 0) + 1
            if done < sharers:
                _discarded[path] = done
                continue
        _unlink_stage(path)


def _copy_staged(conn: Connection, table: Table, staged: Staged, constants: dict[str, object]) -> int:
    if staged.height:
        _copy(conn, table, staged.path, staged.table, list(staged.columns), constants, owned=False,
              rows=(staged.first, staged.first + staged.height - 1))
    return staged.height


def _copy(conn: Connection, table: Table, path: str, source: str, columns: list[str],
          constants: dict[str, object], owned: bool, rows: tuple[int, int] | None = None) -> None:
    """One `INSERT … SELECT` from a staging file attached to the caller's connection (the rowid
    range `rows` of its table: a range scan)."""
    cols = _quoted(columns)
    extra = "".join(f', "{k}"' for k in constants)
    where = " WHERE rowid BETWEEN ? AND ?" if rows else ""
    conn.exec_driver_sql(
        f'INSERT INTO main."{table.name}" ({cols}{extra}) SELECT {cols}{", ?" * len(constants)} '
        f'FROM {_attach(conn, path, owned)}."{source}"{where}', (*constants.values(), *(rows or ())))


def _stage_file(directory: Path | None) -> str:
    # 0600 from its creation; SQLite opens an empty file as an empty database. No umask change:
    # that is process-wide, and the loading process's threads stage too.
    handle, name = tempfile.mkstemp(prefix=".chargement-", suffix=".sqlite", dir=directory)
    os.close(handle)
    return name


def _ingest(path: str, frames: dict[str, pl.DataFrame]) -> None:
    import adbc_driver_sqlite.dbapi as adbc  # lazy: only SQLite writers need it

    try:
        with adbc.connect(path, autocommit=True) as db, db.cursor() as cur:
            cur.execute("PRAGMA journal_mode=OFF")
            cur.execute("PRAGMA synchronous=OFF")
            for name, frame in frames.items():
                # Arrow string views: no copy of every string into one buffer (0.1 µs a row)
                table = sqlite_values(frame).to_arrow(compat_level=pl.CompatLevel.newest())
                cur.adbc_ingest(name, table, mode="create")
    except BaseException:
        _unlink_stage(path)
        raise


def _attach(conn: Connection, path: str, owned: bool) -> str:
    """The alias of the staging file in the connection, attached on first use."""
    staged = conn.connection.info.setdefault(_STAGED, [])
    for alias, name, _ in staged:
        if name == path:
            return alias
    alias = f"lot_{os.getpid()}_{next(_aliases)}"
    staged.append((alias, path, owned))
    watch_staging(conn.engine)  # engines made elsewhere than `make_engine` too
    conn.exec_driver_sql(f"ATTACH DATABASE ? AS {alias}", (path,))
    return alias


def watch_staging(engine: Engine) -> None:
    """Detach (and remove) a connection's staging files when it goes back to the pool, and, should
    a check-in ever have missed them, before it is handed out again: a staging file left attached
    would keep health data open and make the next ANALYZE write into it. Registered on the engine,
    so the listeners follow the pool across `dispose()` (`warehouse.db.make_engine`)."""
    if not event.contains(engine, "checkin", _release_staged):
        event.listen(engine, "checkin", _release_staged)
        event.listen(engine, "checkout", _release_leftovers)


def _release_staged(dbapi_connection, record) -> None:
    """After commit or rollback (the pool resets before check-in): detach, and delete the files
    the writer made (a reading process's are kept for a retry until `discard`)."""
    for alias, name, owned in record.info.pop(_STAGED, []):
        try:
            if dbapi_connection is not None:
                dbapi_connection.execute(f"DETACH DATABASE {alias}")
        finally:
            if owned:
                _unlink_stage(name)


def _release_leftovers(dbapi_connection, record, _proxy) -> None:
    if record.info.get(_STAGED):
        _release_staged(dbapi_connection, record)


def _unlink_stage(name: str) -> None:
    for path in (name, f"{name}-journal", f"{name}-wal", f"{name}-shm"):
        Path(path).unlink(missing_ok=True)


def _quoted(columns: list[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns)
