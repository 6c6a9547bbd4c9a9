"""The ingestion bench's references: what an analyst would write to load the same RPU CSV files.

None of them validates, pseudonymises or parses anything: every column stays text. They do what a
competent analyst must do for these files to load at all, and nothing more:
- encodings: the files are UTF-8 (some with a BOM) or cp1252. pandas tries UTF-8 first and falls
  back to cp1252 on a decoding error; polars and DuckDB read UTF-8 only (DuckDB also latin-1,
  which is not cp1252: "Chambœuf" has the cp1252 byte 0x9C), so a file whose bytes are not UTF-8
  is transcoded from cp1252 in Python (in memory for polars, to a scratch file for DuckDB);
- headers: upper/title case, padded with spaces, in any order, with extra columns: names are
  stripped and lower-cased and the documented columns selected by name;
- null tokens: "-", "NA", "NULL" and empty cells are null.
Each writes one table `rpu` of the documented columns: one transaction per file for pandas and
ADBC (as the project), one `CREATE TABLE rpu AS SELECT … FROM read_csv([every file])` for
DuckDB. polars and DuckDB use their default thread pools (all cores), as an analyst gets them.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported inside each path: their import time is part of its measure
    import pandas as pd
    import polars as pl

COLUMNS = ["finess", "cp", "commune", "naissance", "sexe", "entree", "mode_entree",
           "provenance", "transport", "transport_pec", "motif", "gravite", "dp", "liste_da",
           "liste_actes", "sortie", "mode_sortie", "destination", "orient"]
NULLS = ["", "-", "NA", "NULL"]


def pandas_to_sql(files: list[Path], target: Path) -> int:
    """pandas `read_csv` (text columns) and `to_sql` into a SQLite file."""
    import sqlite3

    import pandas

    rows = 0
    with sqlite3.connect(target) as con:
        for path in files:
            try:
                df = _pandas_frame(pandas, path, "utf-8-sig")
            except UnicodeDecodeError:
                df = _pandas_frame(pandas, path, "cp1252")
            df[COLUMNS].to_sql("rpu", con, if_exists="append", index=False)
            con.commit()
            rows += len(df)
    return rows


def _pandas_frame(pandas: ModuleType, path: Path, encoding: str) -> pd.DataFrame:
    df = pandas.read_csv(path, sep=";", encoding=encoding, dtype=str, keep_default_na=False,
                     na_values=NULLS)
    df.columns = [c.strip().lower() for c in df.columns]
    return df


def polars_adbc(files: list[Path], backend: str, target: str) -> int:
    """polars `read_csv` (text columns) and ADBC `adbc_ingest` into SQLite or PostgreSQL.

    `target`: the SQLite file, or a libpq URI (postgresql://user@host:port/database)."""
    if backend == "sqlite":
        from adbc_driver_sqlite import dbapi
    else:
        from adbc_driver_postgresql import dbapi

    rows = 0
    with dbapi.connect(target) as conn, conn.cursor() as cur:
        for path in files:
            df = _polars_frame(path)
            cur.adbc_ingest("rpu", df.to_arrow(), mode="create_append")
            conn.commit()
            rows += df.height
    return rows


def _polars_frame(path: Path) -> pl.DataFrame:
    import polars

    raw = path.read_bytes()
    try:
        df = _polars_read(polars, raw)
    except polars.exceptions.ComputeError:  # not UTF-8: cp1252, transcoded (polars reads UTF-8 only)
        df = _polars_read(polars, raw.decode("cp1252").encode("utf-8"))
    return df.rename(lambda c: c.strip().lower()).select(COLUMNS)


def _polars_read(polars: ModuleType, raw: bytes) -> pl.DataFrame:
    return polars.read_csv(io.BytesIO(raw), separator=";", infer_schema=False, null_values=NULLS)


def duckdb_file(files: list[Path], target: Path) -> int:
    """DuckDB `read_csv` over all the files at once into a DuckDB file."""
    import duckdb

    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        readable = [_as_utf8(path, Path(scratch)) for path in files]
        with duckdb.connect(str(target)) as con:
            con.execute(f"CREATE TABLE rpu AS SELECT {', '.join(COLUMNS)} FROM {_read_csv(readable)}")
            return con.execute("SELECT count(*) FROM rpu").fetchone()[0]


def _read_csv(files: list[Path]) -> str:
    listed = ", ".join("'" + str(p).replace("'", "''") + "'" for p in files)
    nulls = ", ".join(f"'{n}'" for n in NULLS)
    return (f"read_csv([{listed}], delim=';', header=true, all_varchar=true, union_by_name=true, "
            f"normalize_names=true, nullstr=[{nulls}])")


def _as_utf8(path: Path, scratch: Path) -> Path:
    """The file itself when UTF-8, else its cp1252 text transcoded into `scratch`."""
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        copy = scratch / path.name
        copy.write_bytes(raw.decode("cp1252").encode("utf-8"))
        return copy
    return path
