"""SQLite ingestion: WAL checkpoints run in a background connection after each commit, not in the
one writer's commits. Given a commit too small for SQLite's automatic checkpoint, when it is made
during an ingestion, then its pages are copied back into the database file all the same."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from warehouse.checkpoints import background_checkpoints
from warehouse.db import make_engine


def test_a_commit_during_an_ingestion_is_checkpointed_in_the_background(tmp_path: Path) -> None:
    database = tmp_path / "entrepot.sqlite"
    engine = make_engine(f"sqlite:///{database}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (v TEXT)"))
    engine.dispose()  # the last connection's checkpoint at close is not the test's
    before = database.stat().st_size

    with background_checkpoints(engine), engine.begin() as conn:  # ~250 pages: no automatic one
        conn.execute(text("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 250) "
                          "INSERT INTO t SELECT hex(randomblob(2000)) FROM n"))

    assert database.stat().st_size > before + 250 * 4000
    engine.dispose()


def test_a_database_without_a_file_is_left_alone() -> None:
    engine = make_engine("sqlite://")
    with background_checkpoints(engine), engine.begin() as conn:
        assert conn.execute(text("SELECT 1")).scalar_one() == 1
    engine.dispose()
