"""Given deliveries split into batches, when two Prefect workers load the batches of one nightly on
PostgreSQL, then every file is loaded exactly once, both workers take part, and the warehouse equals
the one of a nightly loading everything itself."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName, FlowRunFilter
from prefect.workers.process import ProcessWorker
from sqlalchemy import Engine, text

import flows.lots
from cpts.config import Settings, get_settings
from cpts.serve import WORK_POOL, LocalPrefect, free_port
from flows.nightly import chargement_nocturne
from tasks.inbox import Delivery, archive, discover
from tasks.ingest import IngestReport, ingest_deliveries
from tasks.lots import (
    already_processed,
    batch_count,
    outcomes_since,
    partition,
    partition_keys,
    registry_mark,
)
from tests.builders import month_of_passages, write_rpu_csv
from tests.builders_hopital import stays, write_pmsi, write_rpu_xml, xml_passage
from tests.conftest import TEST_KEY, clone_pg_database, drop_pg_database
from tests.prefect_local import client_of
from warehouse.db import make_engine
from warehouse.loading import LoadOutcome
from warehouse.tables import metadata

CHU, GIER, FIRMINY = "420784878", "420001232", "420000028"


def delivery(provider: str, name: str, file_type: str) -> Delivery:
    return Delivery(f"/depot/{provider}/{name}", provider, name, file_type)


def sizes(**by_name: int):
    return lambda d: by_name.get(d.name, 1)


# --- Partitioning (plain function) ---

def test_the_files_of_one_finess_stay_in_one_batch_in_their_order_csv_and_xml_alike() -> None:
    files = [delivery("hopital", f"RPU_{CHU}_202401.csv", "rpu_csv"),
             delivery("hopital", f"RPU_{GIER}_202401.csv", "rpu_csv"),
             delivery("hopital", f"RPU_{CHU}_202402.csv", "rpu_csv"),
             delivery("hopital", f"RPU_{CHU}_20240315120000.xml", "rpu_xml"),
             delivery("hopital", f"PMSI_MCO_{CHU}_2024_M03.csv", "pmsi_mco"),
             delivery("hopital", f"PMSI_MCO_{CHU}_2024_M06.csv", "pmsi_mco")]

    batches = partition(files, 3, size=lambda d: 1)

    assert sorted(len(b) for b in batches) == [1, 2, 3]
    chu_passages = next(b for b in batches if files[0] in b)
    assert chu_passages == [files[0], files[2], files[3]]  # oldest first, CSV and XML together
    assert [files[4], files[5]] in batches
    assert sorted(files.index(d) for b in batches for d in b) == list(range(len(files)))  # each once


def test_a_file_identified_by_its_content_goes_with_the_finess_of_its_canonical_name() -> None:
    named = delivery("hopital", f"RPU_{CHU}_202401.csv", "rpu_csv")
    renamed = replace(delivery("hopital", "urgences janvier.csv", "rpu_csv"),
                      identifie=f"RPU_{CHU}_202402.csv")
    other = delivery("hopital", f"RPU_{GIER}_202401.csv", "rpu_csv")

    assert [named, renamed] in partition([named, other, renamed], 2, size=lambda d: 1)


def test_batches_are_balanced_by_bytes() -> None:
    files = [delivery("hopital", f"RPU_{finess}_202401.csv", "rpu_csv")
             for finess in (CHU, GIER, FIRMINY, "420000038")]
    weights = sizes(**{files[0].name: 100, files[1].name: 60, files[2].name: 30, files[3].name: 30})

    batches = partition(files, 2, size=weights)

    assert sorted(sum(map(weights, b)) for b in batches) == [100, 120]
    assert all(b == sorted(b, key=files.index) for b in batches)


def test_a_family_whose_names_do_not_say_their_slice_is_one_partition() -> None:
    sas = [delivery("sas", f"SAS_rdv_2024{m:02d}.csv", "sas_rdv") for m in (1, 2, 3)]
    cpam = [delivery("cpam", "CPAM_PRADO_2024_vallee-du-gier.xlsx", "cpam_prado"),
            delivery("cpam", "CPAM_PRADO_2024_ondaine.xlsx", "cpam_prado"),
            delivery("cpam", "CPAM_PRADO_2023.xlsx", "cpam_prado")]  # territory from the content

    keys = partition_keys([*sas, *cpam])

    assert len(set(keys)) == 2
    assert [b for b in partition([*sas, *cpam], 4, size=lambda d: 1)] in ([sas, cpam], [cpam, sas])


def test_more_batches_than_partitions_gives_one_batch_per_partition() -> None:
    files = [delivery("hopital", f"RPU_{CHU}_2024{m:02d}.csv", "rpu_csv") for m in (1, 2)]
    assert partition(files, 8, size=lambda d: 1) == [files]


def test_sqlite_keeps_one_writer_whatever_the_number_of_batches_asked() -> None:
    count, warning = batch_count("sqlite:////srv/cpts/entrepot.sqlite", 4)
    assert count == 1 and "SQLite" in warning and "un seul lot" in warning
    assert batch_count("postgresql+psycopg://cpts@entrepot/cpts", 4) == (4, None)
    assert batch_count("sqlite:////srv/cpts/entrepot.sqlite", 1) == (1, None)


def test_the_registry_tells_each_file_s_outcome_as_the_load_returned_it(
        engine: Engine, settings: Settings, inbox: Path) -> None:
    write_rpu_csv(inbox, CHU, "202403", month_of_passages(CHU, 2024, 3, 20))
    bad = month_of_passages(GIER, 2024, 3, 5)
    for row in bad:
        row["entree"] = "pas une date"
    write_rpu_csv(inbox, GIER, "202403", bad)
    write_rpu_csv(inbox, FIRMINY, "202403", month_of_passages(FIRMINY, 2024, 3, 5))
    archived = {d.name[4:13]: archive(d, settings.archive_path) for d in discover(str(inbox))[0]}
    good, refused, never = archived[CHU], archived[GIER], archived[FIRMINY]
    copy = replace(good, name=f"RPU_{CHU}_202404.csv")  # the same bytes sent again under another name
    mark = registry_mark(engine)

    returned = [o for _, o in ingest_deliveries(engine, [good, refused], settings)]

    assert [o.statut for o in returned] == ["charge", "quarantaine"]
    assert outcomes_since(engine, [good, refused, never, copy], mark) == [
        *returned, None, LoadOutcome("deja_charge", None)]
    assert already_processed(good, registry_mark(engine)) == LoadOutcome("deja_charge", None)


def test_a_batch_that_fails_fails_the_nightly_which_still_reports_the_files_loaded(
        engine: Engine, settings: Settings, inbox: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for finess in (CHU, GIER):
        write_rpu_csv(inbox, finess, "202403", month_of_passages(finess, 2024, 3, 10))
    matched, _ = discover(str(inbox))

    def first_batch_only(batches: list[list[Delivery]]) -> list[str]:  # the second worker dies
        ingest_deliveries(engine, batches[0], settings)
        return ["nuit-lot-2 : CRASHED"]

    monkeypatch.setattr(flows.lots, "require_deployment", lambda: None)
    monkeypatch.setattr(flows.lots, "archive_delivery", archive)
    monkeypatch.setattr(flows.lots, "run_batches", first_batch_only)
    report = IngestReport()

    with pytest.raises(RuntimeError, match=r"1 lot\(s\) non terminé\(s\) \(nuit-lot-2 : CRASHED\) : "
                       r"1 fichier\(s\) non chargé\(s\), repris au prochain chargement"):
        flows.lots.load_in_batches(settings, matched, 2, report)

    assert [o.statut for _, o in report.outcomes] == ["charge"]


# --- Two workers, one nightly (PostgreSQL, a Prefect server and two `prefect worker` processes) ---

def fill_inbox(inbox: Path) -> int:
    """Three FINESS; for the CHU a month re-sent as OSCOUR XML and a cumulative PMSI in two sendings
    (both must apply in order); one file the loader refuses. Returns the number of files."""
    for finess in (CHU, GIER, FIRMINY):
        for month in (3, 4):
            write_rpu_csv(inbox, finess, f"2024{month:02d}", month_of_passages(finess, 2024, month, 30))
    march = [xml_passage(CHU, datetime(2024, 3, d, 10, 0)) for d in range(1, 29)]
    write_rpu_xml(inbox, CHU, datetime(2024, 4, 15, 12, 0), date(2024, 3, 1), date(2024, 3, 31), march)
    write_pmsi(inbox, CHU, 2024, 3, stays(CHU, 2024, 3, 5))
    write_pmsi(inbox, CHU, 2024, 6, stays(CHU, 2024, 6, 5))
    bad = month_of_passages(GIER, 2024, 5, 10)
    for row in bad:
        row["entree"] = "pas une date"
    write_rpu_csv(inbox, GIER, "202405", bad)
    return len(discover(str(inbox))[0])


def nightly_env(monkeypatch: pytest.MonkeyPatch, url: str, data_dir: Path) -> dict[str, str]:
    env = {"CPTS_DATA_DIR": str(data_dir), "CPTS_WAREHOUSE_URL": url,
           "CPTS_INBOX": str(data_dir / "depot"), "CPTS_PSEUDO_KEY": TEST_KEY}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    return env


@pytest.fixture
def two_pg_warehouses(pg_server: Engine | None, pg_template: str | None) -> Iterator[tuple[str, str]]:
    if pg_server is None or pg_template is None:
        pytest.skip("PostgreSQL injoignable (les tests PostgreSQL sont ignorés hors CI)")
    urls = [clone_pg_database(pg_server, pg_template) for _ in range(2)]
    try:
        yield urls[0], urls[1]
    finally:
        for url in urls:
            make_engine(url).dispose()
            drop_pg_database(pg_server, url)


def warehouse_contents(url: str) -> tuple[dict[str, int], list[tuple]]:
    """Row counts of every table, and the published indicator values (without computation time)."""
    engine = make_engine(url)
    with engine.connect() as conn:
        counts = {name: conn.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()
                  for name in sorted(metadata.tables)}
        values = sorted(map(tuple, conn.execute(text(
            "SELECT territoire, code_indicateur, type_periode, periode, valeur, numerateur, "
            "denominateur, statut, motif_statut FROM indicateurs_valeurs")).all()), key=repr)
    engine.dispose()
    return counts, values


def registry(url: str) -> list[tuple[str, str]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text("SELECT nom_fichier, statut FROM chargements"))]
    engine.dispose()
    return sorted(rows)


def create_pool() -> None:
    """The work pool `cpts serve` creates (through the API: faster than the CLI on a busy machine)."""
    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(
            name=WORK_POOL, type="process", base_job_template=ProcessWorker.get_default_base_job_template()))


def wait_for_workers(names: set[str], timeout_s: float = 120) -> None:
    """Both workers polling before the nightly starts, so each can take a batch (hang guard only)."""
    deadline = time.monotonic() + timeout_s
    with get_client(sync_client=True) as client:
        while {w.name for w in client.read_workers_for_work_pool(WORK_POOL)} < names:
            assert time.monotonic() < deadline, "workers not polling"
            time.sleep(0.5)


def batch_runs() -> list:
    with get_client(sync_client=True) as client:
        return client.read_flow_runs(deployment_filter=DeploymentFilter(
            name=DeploymentFilterName(any_=["lots"])), flow_run_filter=FlowRunFilter())


def outcomes(state) -> list[tuple]:
    """What the nightly's report says of each file, in its order (the `fichiers-recus` artifact's
    content), without registry ids."""
    return [(d.provider, d.name, o.statut, o.lignes_lues, o.lignes_chargees, o.lignes_rejetees,
             o.lignes_remplacees, o.message) for d, o in state.result().outcomes]


@pytest.mark.postgres
def test_two_workers_share_a_nightly_each_file_loaded_once_and_the_warehouse_equals_one_worker(
        two_pg_warehouses: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url, reference_url = two_pg_warehouses
    env = nightly_env(monkeypatch, url, tmp_path / "var")  # the workers share this archive folder
    files = fill_inbox(Path(env["CPTS_INBOX"]))
    local = LocalPrefect(home=tmp_path / "prefect", port=free_port(),
                         extra_env={**env, "PREFECT_WORKER_QUERY_SECONDS": "1"})
    try:
        local.start_server()
        with client_of(local):
            create_pool()
        for name in ("ouvrier-1", "ouvrier-2"):  # one batch at a time each: the second is the other's
            local.start_worker(name=name, limit=1)
        local.run_cli("deploy", "--name", "lots")  # prefect.yaml's deployment, while the workers start
        with client_of(local):
            wait_for_workers({"ouvrier-1", "ouvrier-2"})
            started = time.monotonic()
            spread = chargement_nocturne(lots=2, return_state=True)
            elapsed = time.monotonic() - started
            runs = batch_runs()
            reference_env = nightly_env(monkeypatch, reference_url, tmp_path / "reference")
            shutil.copytree(env["CPTS_INBOX"], reference_env["CPTS_INBOX"])
            alone = chargement_nocturne(return_state=True)  # one worker: this process loads every file
    finally:
        local.stop()
        get_settings.cache_clear()
    worker_logs = "".join(p.read_text() for p in (tmp_path / "prefect").glob("ouvrier-*.log"))
    assert len(runs) == 2 and all(r.state_type.value == "COMPLETED" for r in runs), worker_logs[-3000:]
    workers = sorted(r.labels.get("prefect.worker.name") for r in runs)
    assert workers == ["ouvrier-1", "ouvrier-2"]
    loaded = registry(url)
    assert len(loaded) == files == len({name for name, _ in loaded})  # each file exactly once
    assert [statut for _, statut in loaded].count("quarantaine") == 1
    assert registry(reference_url) == loaded
    assert spread.name == alone.name == "Terminé avec refus"
    assert outcomes(spread) == outcomes(alone)
    assert warehouse_contents(url) == warehouse_contents(reference_url)
    print(f"\n{files} fichiers, {len(runs)} lots (1 par worker : {', '.join(workers)}), "
          f"nocturne réparti en {elapsed:.0f} s")
