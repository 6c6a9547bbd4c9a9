"""Given an inbox read by several processes (CPTS_LECTURE_PROCESSUS), when the ingestion runs, then
the warehouse is the same as with one process, deliveries of a scope apply in order (the latest
extraction wins), and a reader that fails — by an error or by killing its process — quarantines its
file only, with the usual French message; the other files load."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from cpts.config import Settings
from tasks.ingest import ingest_inbox
from tasks.read_pool import chunks
from tasks.reading import ReadJob, read_or_refuse
from tests.builders import month_of_passages, rows, write_rpu_csv
from tests.builders_hopital import write_rpu_xml, xml_passage

CHU, OTHER = "420784878", "420001232"
BROKEN = f"RPU_{OTHER}_202403.csv"


def failing_reader(job: ReadJob):
    """A reader bug on one file (runs in a reading process: must be importable)."""
    if job.name == BROKEN:
        raise RuntimeError("bogue de lecteur")
    return read_or_refuse(job)


def dying_reader(job: ReadJob):
    """A reading process killed on one file (e.g. a native crash, out of memory)."""
    if job.name == BROKEN:
        os._exit(3)
    return read_or_refuse(job)


def three_files(inbox: Path) -> None:
    write_rpu_csv(inbox, CHU, "202403", month_of_passages(CHU, 2024, 3, 12))
    write_rpu_csv(inbox, OTHER, "202403", month_of_passages(OTHER, 2024, 3, 9))
    write_rpu_csv(inbox, CHU, "202404", month_of_passages(CHU, 2024, 4, 7))


def passages(engine: Engine) -> list[tuple]:
    return rows(engine, "SELECT finess, entree, age, commune_residence FROM passages_urgences "
                        "ORDER BY finess, entree")


def statuses(report) -> dict[str, str]:
    return {d.name: o.statut for d, o in report.outcomes}


def test_two_reading_processes_load_what_one_process_loads(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    three_files(inbox)
    parallel = ingest_inbox(engine, settings, workers=2)
    loaded = passages(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM passages_urgences")
        conn.exec_driver_sql("DELETE FROM chargements")

    alone = ingest_inbox(engine, settings, workers=1)

    assert statuses(parallel) == statuses(alone) == dict.fromkeys(statuses(alone), "charge")
    assert passages(engine) == loaded and len(loaded) == 12 + 9 + 7


def test_deliveries_of_one_scope_apply_oldest_extraction_first_when_read_in_parallel(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    first, last = datetime(2024, 3, 1).date(), datetime(2024, 3, 31).date()
    for hour in range(4):  # four corrections of one month, each with one more passage
        write_rpu_xml(inbox, CHU, datetime(2024, 4, 1, hour), first, last,
                      [xml_passage(CHU, datetime(2024, 3, 10, 8 + k)) for k in range(hour + 1)])

    report = ingest_inbox(engine, settings, workers=2)

    assert [o.lignes_remplacees for _, o in report.outcomes] == [0, 1, 2, 3]
    assert len(passages(engine)) == 4


def test_a_reader_error_in_a_reading_process_quarantines_that_file_only(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    from tasks.ingest import discover, ingest_deliveries

    three_files(inbox)
    matched, _ = discover(str(inbox))

    outcomes = ingest_deliveries(engine, matched, settings, workers=2, reader=failing_reader)

    refused = {d.name: o for d, o in outcomes if o.statut == "quarantaine"}
    assert list(refused) == [BROKEN]
    assert "fichier illisible (erreur interne de lecture)" in refused[BROKEN].message
    assert {o.statut for d, o in outcomes if d.name != BROKEN} == {"charge"}
    assert len(passages(engine)) == 12 + 7


def test_a_reading_process_killed_by_a_file_quarantines_that_file_only(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    from tasks.ingest import discover, ingest_deliveries

    three_files(inbox)
    matched, _ = discover(str(inbox))

    outcomes = ingest_deliveries(engine, matched, settings, workers=2, reader=dying_reader)

    assert {d.name: o.statut for d, o in outcomes} == {
        f"RPU_{CHU}_202403.csv": "charge", BROKEN: "quarantaine", f"RPU_{CHU}_202404.csv": "charge"}
    assert "erreur interne de lecture" in dict((d.name, o) for d, o in outcomes)[BROKEN].message


def test_the_same_bytes_twice_in_one_run_are_read_ahead_but_written_once(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    bad = month_of_passages(CHU, 2024, 3, 6)
    for row in bad:
        row["entree"] = "pas une date"
    first = write_rpu_csv(inbox, CHU, "202403", bad)
    (inbox / "hopital" / f"RPU_{CHU}_202404.csv").write_bytes(first.read_bytes())

    report = ingest_inbox(engine, settings, workers=2)  # both read before the first is written

    assert [o.statut for _, o in report.outcomes] == ["quarantaine", "deja_refuse"]
    assert rows(engine, "SELECT COUNT(*) FROM chargements") == [(1,)]


def test_writing_lanes_load_what_one_lane_loads_and_each_scope_keeps_its_order(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    """PostgreSQL writes different scopes at once (CPTS_ECRITURE_CONNEXIONS); SQLite has one lane."""
    for finess in (CHU, OTHER):
        for month in range(1, 5):
            write_rpu_csv(inbox, finess, f"2024{month:02d}",
                          month_of_passages(finess, 2024, month, 5 + month))
    first, last = datetime(2024, 6, 1).date(), datetime(2024, 6, 30).date()
    for hour in range(4):  # four corrections of one scope, among the other scopes
        write_rpu_xml(inbox, CHU, datetime(2024, 7, 1, hour), first, last,
                      [xml_passage(CHU, datetime(2024, 6, 10, 8 + k)) for k in range(hour + 1)])

    lanes = ingest_inbox(engine, settings.model_copy(update={"ecriture_connexions": 3}), workers=2)
    loaded = passages(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM passages_urgences")
        conn.exec_driver_sql("DELETE FROM chargements")
    one = ingest_inbox(engine, settings.model_copy(update={"ecriture_connexions": 1}), workers=2)

    assert [(d.name, o.statut, o.lignes_remplacees) for d, o in lanes.outcomes] == [
        (d.name, o.statut, o.lignes_remplacees) for d, o in one.outcomes]
    assert [o.lignes_remplacees for d, o in lanes.outcomes if d.name.endswith(".xml")] == [0, 1, 2, 3]
    assert passages(engine) == loaded and len(loaded) == 2 * sum(5 + m for m in range(1, 5)) + 4


def test_a_file_that_kills_its_reader_never_kills_the_loading_process_even_while_readers_start(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    """Reading the first files in the loading process while the reading processes start would
    save ~2 s, and let a file that crashes its reader take the whole run down with it."""
    from tasks import read_pool
    from tasks.ingest import discover, ingest_deliveries

    write_rpu_csv(inbox, OTHER, "202403", month_of_passages(OTHER, 2024, 3, 9))  # BROKEN, read first
    write_rpu_csv(inbox, CHU, "202404", month_of_passages(CHU, 2024, 4, 7))
    matched, _ = discover(str(inbox))
    assert matched[0].name == BROKEN
    read_pool.shutdown()
    read_pool.warm_up(2)  # the processes are starting when the first file is read

    outcomes = ingest_deliveries(engine, matched, settings, workers=2, reader=dying_reader)

    assert {d.name: o.statut for d, o in outcomes} == {BROKEN: "quarantaine",
                                                        f"RPU_{CHU}_202404.csv": "charge"}


def module_in_process(name: str) -> tuple[bool, str]:
    """Whether a module is loaded here, and what importing it says (runs in a reading process)."""
    import importlib
    import sys

    loaded = name in sys.modules
    try:
        importlib.import_module(name)
    except ModuleNotFoundError as exc:
        return loaded, str(exc)
    return loaded, "importé"


def test_each_reading_process_runs_polars_on_one_thread_without_pandas() -> None:
    """The processes are the parallelism: a polars pool per core in each of them would put
    processes × cores threads on the cores; and pandera would import pandas and hypothesis (1.3 s
    of the reading processes' start) for nothing (tasks/reading_process.py). The loading process
    keeps them all."""
    import polars as pl
    import pytest

    from tasks import read_pool

    if (os.cpu_count() or 1) < 2 or "POLARS_MAX_THREADS" in os.environ:
        pytest.skip("un seul cœur, ou nombre de fils polars imposé")
    readers = read_pool.pool(2)
    in_readers = {readers.submit(pl.thread_pool_size).result() for _ in range(4)}
    absent = [readers.submit(module_in_process, name).result() for name in ("pandas", "hypothesis")]

    assert (in_readers, pl.thread_pool_size()) == ({1}, os.cpu_count())
    assert absent == [(False, "No module named 'pandas'"), (False, "No module named 'hypothesis'")]
    assert [module_in_process(name)[1] for name in ("pandas", "hypothesis")] == ["importé"] * 2


def residence_tables_in_process() -> tuple[bool, list]:
    """Whether this process had the residence tables before any file, and their rows."""
    from cpts import residence

    ready = residence._ready is not None
    tables = residence.prepared()
    return ready, [t.rows() for t in (tables.by_insee, tables.by_name, tables.territory_of_cp)]


def test_reading_processes_start_with_the_residence_tables_the_loading_process_built() -> None:
    """Built once in the loading process and handed to each reading process as it starts, so
    that no reading process builds them on its first file (0.1 s each, at the start of a load)."""
    from cpts import residence
    from tasks import read_pool

    read_pool.shutdown()  # a new pool, whose processes have read nothing yet
    readers = read_pool.pool(2)
    mine = residence.prepared()
    expected = [t.rows() for t in (mine.by_insee, mine.by_name, mine.territory_of_cp)]

    assert [readers.submit(residence_tables_in_process).result() for _ in range(4)] == [
        (True, expected)] * 4


def test_rows_refused_by_the_pandera_rules_are_the_same_in_a_reading_process(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    """pandera in the reading processes (no pandas there) rejects what it rejects in the loading
    process, with the same French reasons."""
    passages = month_of_passages(CHU, 2024, 3, 120)
    passages[5]["sortie"] = "29/02/2024 23:59"  # before ENTREE
    passages[40]["sortie"] = "01/03/2024 00:00"  # before ENTREE
    write_rpu_csv(inbox, CHU, "202403", passages)

    def rejects(workers: int) -> list[tuple]:
        report = ingest_inbox(engine, settings, workers=workers)
        assert statuses(report) == {f"RPU_{CHU}_202403.csv": "charge"}
        found = rows(engine, "SELECT ligne, colonne, motif FROM rejets ORDER BY ligne, colonne")
        with engine.begin() as conn:
            for table in ("rejets", "passages_urgences", "anomalies", "chargements"):
                conn.exec_driver_sql(f"DELETE FROM {table}")
        return found

    in_readers = rejects(2)
    assert in_readers == rejects(1) and [r[0] for r in in_readers] == [7, 42]


def test_the_first_chunks_are_small_so_the_writer_starts_early() -> None:
    """Given 40 RPU CSV files, the reading processes get 2, 4, 8 then 16 files at a time (the
    writer waits for the first chunk), and a file of another type starts a chunk of its own."""
    def job(name: str, file_type: str = "rpu_csv") -> ReadJob:
        return ReadJob(file_type, os.devnull, name, b"k", ("42",), Settings().limits)

    jobs = [(i, job(f"RPU_{i}.csv")) for i in range(40)]
    jobs.insert(20, (99, job("annuaire.txt", "annuaire")))
    sizes = [len(chunk) for chunk in chunks(jobs, batching=True)]
    assert sizes == [2, 4, 8, 6, 1, 16, 4]
