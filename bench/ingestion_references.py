"""The ingestion bench's references: what an analyst would write to load the same RPU CSV files.

None of them validates, pseudonymises or parses anything: every column stays text. They do what a
competent analyst must do for these files to load at all, and nothing more:
- encodings: the files are UTF-8 (some with a BOM) or cp1252. pandas tries UTF-8 first and falls
  back to cp1252 on a decoding error; polars and DuckDB read UTF-8 only (DuckDB also latin-1,
  which is not cp1252: "Chambœuf" has the cp1252 byte 0x9C), so a file whose bytes are not UTF-8
  is transcoded from cp1252 in Python (in memory for polars, to a scratch file for DuckDB);
- separators: `;`, or `,` for a regional platform's export: taken from the header line;
- headers: upper/title case, padded with spaces, in any order, with extra columns, and the
  regional vocabulary (CODE_POSTAL, DATE_HEURE_ENTREE, "Date sortie", CCMU, ORIENTATION): names
  are normalised (stripped, lower-cased, non-alphanumerics as `_`), mapped through the few
  synonyms met (`SYNONYMS`, the analyst's own list) and the documented columns selected by name;
- null tokens: "-", "NA", "NULL" and empty cells are null.
Each writes one table `rpu` of the documented columns: one transaction per file for pandas and
ADBC (as the project); for DuckDB one `CREATE TABLE rpu AS SELECT … FROM read_csv([files])` per
separator (`union_by_name`, `COALESCE` over a column's names). polars and DuckDB use their
default thread pools (all cores), as an analyst gets them.
"""

from __future__ import annotations

import io
import re
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
SYNONYMS = {"code_postal": "cp", "date_heure_entree": "entree", "date_sortie": "sortie",
            "ccmu": "gravite", "orientation": "orient"}  # normalised name → documented column
NULLS = ["", "-", "NA", "NULL"]


def normalised(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.strip().lower()).strip("_")


def documented(name: str) -> str:
    return SYNONYMS.get(normalised(name), normalised(name))


def separator(header: bytes) -> str:
    return "," if header.count(b",") > header.count(b";") else ";"


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
    with path.open("rb") as f:
        sep = separator(f.readline())
    df = pandas.read_csv(path, sep=sep, encoding=encoding, dtype=str, keep_default_na=False,
                         na_values=NULLS)
    df.columns = [documented(c) for c in df.columns]
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
    return df.rename(documented).select(COLUMNS)


def _polars_read(polars: ModuleType, raw: bytes) -> pl.DataFrame:
    return polars.read_csv(io.BytesIO(raw), separator=separator(raw[:raw.find(b"\n")]),
                           infer_schema=False, null_values=NULLS)


def duckdb_file(files: list[Path], target: Path) -> int:
    """DuckDB `read_csv` over the files (one statement per separator) into a DuckDB file."""
    import duckdb

    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        groups: dict[str, list[Path]] = {}
        for i, path in enumerate(files):
            sep, readable = _as_utf8(path, Path(scratch) / f"{i}-{path.name}")
            groups.setdefault(sep, []).append(readable)
        with duckdb.connect(str(target)) as con:
            for i, (sep, group) in enumerate(groups.items()):
                source = _read_csv(group, sep)
                names = [row[0] for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
                select = f"SELECT {_columns(names)} FROM {source}"
                con.execute(f"INSERT INTO rpu {select}" if i else f"CREATE TABLE rpu AS {select}")
            return con.execute("SELECT count(*) FROM rpu").fetchone()[0] if groups else 0


def _columns(names: list[str]) -> str:
    """Each documented column from whichever of its names the files use (NULL if none)."""
    exprs = []
    for column in COLUMNS:
        found = [f'"{n}"' for n in names if documented(n) == column]
        value = found[0] if len(found) == 1 else f"COALESCE({', '.join(found)})" if found else "NULL"
        exprs.append(f"{value} AS {column}")
    return ", ".join(exprs)


def _read_csv(files: list[Path], sep: str) -> str:
    listed = ", ".join("'" + str(p).replace("'", "''") + "'" for p in files)
    nulls = ", ".join(f"'{n}'" for n in NULLS)
    return (f"read_csv([{listed}], delim='{sep}', header=true, all_varchar=true, "
            f"union_by_name=true, normalize_names=true, nullstr=[{nulls}])")


def _as_utf8(path: Path, copy: Path) -> tuple[str, Path]:
    """(separator, the file itself when UTF-8, else `copy`: its cp1252 text transcoded)."""
    raw = path.read_bytes()
    sep = separator(raw[:raw.find(b"\n")])
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        copy.write_bytes(raw.decode("cp1252").encode("utf-8"))
        return sep, copy
    return sep, path
