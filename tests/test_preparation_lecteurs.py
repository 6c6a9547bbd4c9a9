"""SQLite warehouses: the reading processes stage each delivery's rows in a private file beside the
warehouse, so the one writer only copies them. Given staged rows, they load as the frame would;
the staging files are owner-only and none is left once the run ends, whatever became of the file
(loaded, already loaded, quarantined by its reject share, or a write that failed)."""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import Connection, Engine

import warehouse.loading
from cpts.config import Settings
from tasks.ingest import ingest_inbox
from tests.builders import month_of_passages, rows, write_rpu_csv
from warehouse.bulk import Staged, discard, insert_frame, stage, staging_folder
from warehouse.db import make_engine, upgrade
from warehouse.tables.registre import rejets

CHU, OTHER = "420784878", "420001232"
sqlite_only = pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)


def staging_files(engine: Engine) -> list[Path]:
    folder = staging_folder(engine)
    assert folder is not None
    return sorted(folder.glob(".chargement-*"))


def registered_load(conn: Connection) -> None:
    """Load 1 in the registry, for the staged rows' lineage."""
    conn.exec_driver_sql("INSERT INTO chargements (id, fournisseur, type_fichier, nom_fichier, "
                         "sha256, recu_le, statut) VALUES (1, 'f', 't', 'n', 's', '2024-01-01', 'x')")


def test_staged_rows_load_as_the_frame_and_the_file_is_owner_only(
        tmp_path: Path, umask_022: None) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'entrepot.sqlite'}")
    upgrade(engine)
    frame = pl.DataFrame({"ligne": [2, 3], "colonne": ["entree", None], "motif": ["illisible", "x"],
                          "feuille": [None, None], "cellule": [None, None], "inconnue": [1, 2]},
                         schema_overrides={"feuille": pl.String, "cellule": pl.String})

    staged = stage([{"rejets": frame}], str(staging_folder(engine)))[0]["rejets"]

    assert isinstance(staged, Staged) and staged.height == 2 and "inconnue" not in staged.columns
    assert stat.S_IMODE(Path(staged.path).stat().st_mode) == 0o600
    with engine.begin() as conn:
        registered_load(conn)
        assert insert_frame(conn, rejets, staged, chargement_id=1) == 2
        assert insert_frame(conn, rejets, frame, chargement_id=1) == 2
    copied = rows(engine, "SELECT chargement_id, ligne, colonne, motif FROM rejets ORDER BY id")
    assert copied[:2] == copied[2:] == [(1, 2, "entree", "illisible"), (1, 3, None, "x")]
    assert Path(staged.path).exists()  # kept for a retried transaction
    discard([staged])
    assert staging_files(engine) == []
    engine.dispose()


def test_staged_dates_and_instants_are_the_text_sqlite3_writes_fraction_or_not(tmp_path: Path) -> None:
    """A date-time column is stored as sqlite3's adapters wrote it: seconds, and microseconds only
    on the values that have some; a column without any fraction never gets one."""
    engine = make_engine(f"sqlite:///{tmp_path / 'entrepot.sqlite'}")
    upgrade(engine)
    noon, fraction = datetime(2024, 3, 1, 12, 5), datetime(2024, 3, 1, 12, 5, 7, 250)
    frame = pl.DataFrame({"sortie": [noon, fraction, None], "entree": [noon, None, noon],
                          "date_entree": [date(2024, 2, 29), None, date(2024, 3, 1)]})

    staged = stage([{"passages_urgences": frame}], str(staging_folder(engine)))[0]["passages_urgences"]

    with sqlite3.connect(staged.path) as db:
        assert db.execute(f'SELECT * FROM "{staged.table}" ORDER BY rowid').fetchall() == [
            ("2024-03-01 12:05:00", "2024-03-01 12:05:00", "2024-02-29"),
            ("2024-03-01 12:05:07.000250", None, None),
            (None, "2024-03-01 12:05:00", "2024-03-01")]
    discard([staged])
    engine.dispose()


@sqlite_only
def test_no_staging_file_is_left_whatever_became_of_the_deliveries(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    first = write_rpu_csv(inbox, CHU, "202403", month_of_passages(CHU, 2024, 3, 12))
    (inbox / "hopital" / f"RPU_{CHU}_202404.csv").write_bytes(first.read_bytes())  # same bytes
    bad = month_of_passages(OTHER, 2024, 3, 10)
    bad[0]["entree"] = "pas une date"  # 10 % of rejects: over the 2 % threshold
    write_rpu_csv(inbox, OTHER, "202403", bad)
    write_rpu_csv(inbox, OTHER, "202404", month_of_passages(OTHER, 2024, 4, 5))

    report = ingest_inbox(engine, settings, workers=2)

    assert sorted(o.statut for _, o in report.outcomes) == [
        "charge", "charge", "deja_charge", "quarantaine"]
    assert rows(engine, "SELECT COUNT(*) FROM passages_urgences") == [(12 + 5,)]
    assert staging_files(engine) == []


@sqlite_only
def test_a_failed_write_leaves_no_staging_file(engine: Engine, settings: Settings, inbox: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    write_rpu_csv(inbox, CHU, "202403", month_of_passages(CHU, 2024, 3, 12))

    def cut(*_args, **_kwargs):
        raise OSError("coupure simulée pendant l'écriture")

    monkeypatch.setattr(warehouse.loading, "insert_frame", cut)
    with pytest.raises(OSError, match="coupure simulée"):
        ingest_inbox(engine, settings, workers=2)

    assert rows(engine, "SELECT COUNT(*) FROM passages_urgences") == [(0,)]
    assert staging_files(engine) == []


@sqlite_only
def test_staging_files_a_killed_run_left_are_removed_by_the_next_ingestion(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    folder = staging_folder(engine)
    assert folder is not None
    old, recent = folder / ".chargement-ancien.sqlite", folder / ".chargement-en-cours.sqlite"
    for path in (old, recent):
        path.write_bytes(b"lignes d'un chargement interrompu")
    os.utime(old, (time.time() - 2 * 3600,) * 2)  # left two hours ago; the recent one may be live
    write_rpu_csv(inbox, CHU, "202403", month_of_passages(CHU, 2024, 3, 4))

    ingest_inbox(engine, settings, workers=1)

    assert staging_files(engine) == [recent]


@sqlite_only
def test_no_connection_keeps_a_staging_file_attached_after_an_ingestion(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    """An attached staging file would keep health data open, and ANALYZE would write into it."""
    for month in range(1, 7):
        write_rpu_csv(inbox, CHU, f"2024{month:02d}", month_of_passages(CHU, 2024, month, 6))

    ingest_inbox(engine, settings, workers=2)

    held = [engine.raw_connection() for _ in range(engine.pool.size())]  # every pooled connection
    try:
        for conn in held:
            assert [row[1] for row in conn.execute("PRAGMA database_list")] == ["main"]
    finally:
        for conn in held:
            conn.close()


def test_deliveries_staged_together_share_one_file_until_the_last_is_done(tmp_path: Path) -> None:
    """A chunk's deliveries are staged in one file, each its own rows; writing or refusing one
    of them keeps the file for the others."""
    engine = make_engine(f"sqlite:///{tmp_path / 'entrepot.sqlite'}")
    upgrade(engine)
    frames = [pl.DataFrame({"ligne": list(range(2, 2 + n)), "motif": [f"motif {k}"] * n})
              for k, n in enumerate([3, 0, 2])]

    first, empty, last = stage([{"rejets": f} for f in frames], str(staging_folder(engine)))

    assert len({s["rejets"].path for s in (first, empty, last)}) == 1
    with engine.begin() as conn:
        registered_load(conn)
        assert insert_frame(conn, rejets, last["rejets"], chargement_id=1) == 2
    discard([last["rejets"]])
    discard([empty["rejets"]])
    assert len(staging_files(engine)) == 1  # the first delivery is not written yet
    with engine.begin() as conn:
        assert insert_frame(conn, rejets, first["rejets"], chargement_id=1) == 3
    discard([first["rejets"]])

    assert rows(engine, "SELECT ligne, motif FROM rejets ORDER BY id") == [
        (2, "motif 2"), (3, "motif 2"), (2, "motif 0"), (3, "motif 0"), (4, "motif 0")]
    assert staging_files(engine) == []
    engine.dispose()
