"""Production on PostgreSQL (and the same guarantees on SQLite): given a warehouse in use by
analysts, when nightlies run (sometimes two at once, sometimes after a crash), then they complete,
the warehouse equals one uninterrupted run, analysts keep their role, grants and own views."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from prefect.client.schemas.objects import StateType
from prefect.states import Running
from prefect.testing.utilities import prefect_test_harness
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from cpts.config import Settings, get_settings
from flows.nightly import chargement_nocturne
from tests.builders import month_of_passages, write_rpu_csv
from tests.conftest import TEST_KEY, private_warehouse
from warehouse import runs
from warehouse.db import LOCK_ATTEMPTS, WarehouseBusy, make_engine, retry_on_lock
from warehouse.views import VIEWS_DIGEST, views_digest

CHU = "420784878"
GIER = "420001232"
# What a run leaves behind, without the columns that differ by construction (ids, timestamps).
SNAPSHOT = {
    "indicateurs_resultats": "territoire, code_indicateur, type_periode, periode, valeur, numerateur, "
                             "denominateur, statut, motif_statut",
    "chargements": "fournisseur, nom_fichier, sha256, statut, lignes_chargees, lignes_rejetees",
    "passages_urgences": "finess, entree, mode_sortie, commune_residence",
    "residence_passages r JOIN passages_urgences p ON p.id = r.passage_id": "p.entree, r.territoire",
}
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module")
def prefect_server() -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=180):  # generous: the machine is shared
        yield


def nightly_env(monkeypatch: pytest.MonkeyPatch, url: str, data_dir: Path) -> Settings:
    """The flow reads its configuration from CPTS_* like in production."""
    monkeypatch.setenv("CPTS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("CPTS_WAREHOUSE_URL", url)
    monkeypatch.setenv("CPTS_INBOX", str(data_dir / "depot"))
    monkeypatch.setenv("CPTS_PSEUDO_KEY", TEST_KEY)
    get_settings.cache_clear()
    return get_settings()


@pytest.fixture
def nightly_settings(prefect_server: None, warehouse_url: str, tmp_path: Path,
                     monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    yield nightly_env(monkeypatch, warehouse_url, tmp_path / "var")
    get_settings.cache_clear()


def fill_inbox(settings: Settings) -> None:
    inbox = Path(settings.inbox_url)
    write_rpu_csv(inbox, CHU, "202403", month_of_passages(CHU, 2024, 3, 40))
    write_rpu_csv(inbox, GIER, "202404", month_of_passages(GIER, 2024, 4, 12))


def snapshot(url: str) -> dict[str, list[tuple]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        out = {t: sorted(map(tuple, conn.execute(text(f"SELECT {cols} FROM {t}")).all()), key=repr)
               for t, cols in SNAPSHOT.items()}
    engine.dispose()
    return out


def latest_artifact(key: str) -> str:
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))
    return str(max(found, key=lambda a: a.created).data)


@pytest.fixture(params=BACKENDS)
def two_warehouses(request: pytest.FixtureRequest, tmp_path: Path,
                   prefect_server: None) -> Iterator[tuple[str, str]]:
    """Two private warehouses of one backend: one for the runs under test, one for a reference run."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with private_warehouse(request, tmp_path / "a") as a, private_warehouse(request, tmp_path / "b") as b:
        yield a, b


def test_the_views_in_the_warehouse_are_those_the_latest_view_migration_created() -> None:
    # A changed view file needs a migration that replaces it (runs never drop views).
    assert views_digest() == VIEWS_DIGEST


def test_two_nightlies_at_once_beside_an_open_analyst_transaction_equal_one_run(
        two_warehouses: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url, reference_url = two_warehouses
    fill_inbox(nightly_env(monkeypatch, url, tmp_path / "var"))
    analyst = create_engine(url).connect()  # a plain client: reads, and leaves its transaction open
    analyst.execute(text("SELECT COUNT(*) FROM indicateurs_valeurs")).scalar()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            chargement_nocturne()
        except BaseException as exc:  # reported to the main thread below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)  # hang guard only
    analyst.close()
    assert not errors and not any(t.is_alive() for t in threads)

    fill_inbox(nightly_env(monkeypatch, reference_url, tmp_path / "var-reference"))
    chargement_nocturne()
    get_settings.cache_clear()

    concurrent = snapshot(url)
    assert concurrent == snapshot(reference_url)
    assert len(concurrent["chargements"]) == 2 and concurrent["indicateurs_resultats"]


def test_a_crashed_run_is_marked_interrupted_and_the_next_files_artifact_says_what_it_left(
        nightly_settings: Settings) -> None:
    fill_inbox(nightly_settings)
    engine = make_engine(nightly_settings.database_url)
    with get_client(sync_client=True) as client:  # a flow run left « Running » by a killed worker
        @flow(name="Chargement nocturne (tué)")
        def killed() -> None: ...

        flow_run = client.create_flow_run(killed, state=Running())
    run_id, _ = runs.start(engine, str(flow_run.id))
    runs.plan(engine, run_id, [f"hopital/RPU_{CHU}_202403.csv", f"hopital/RPU_{GIER}_202404.csv"])
    # …then the process is killed: no finish(), the run row stays « en_cours ».

    chargement_nocturne()

    with engine.connect() as conn:
        statuses = [s for (s,) in conn.execute(text("SELECT statut FROM executions ORDER BY id"))]
    assert statuses == ["interrompu", "termine"]
    files = latest_artifact("fichiers-recus")
    assert "interrompue" in files
    assert f"- hopital/RPU_{CHU}_202403.csv" in files and f"- hopital/RPU_{GIER}_202404.csv" in files
    with get_client(sync_client=True) as client:
        assert client.read_flow_run(flow_run.id).state_type == StateType.CRASHED
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("warehouse_url", ["postgresql"], indirect=True)
def test_an_analyst_reads_published_views_only_and_keeps_grant_and_own_view_across_nightlies(
        nightly_settings: Settings) -> None:
    fill_inbox(nightly_settings)
    owner = make_engine(nightly_settings.database_url)
    marie = f"marie_{uuid.uuid4().hex[:8]}"
    with owner.begin() as conn:
        conn.execute(text(f"CREATE ROLE {marie} LOGIN"))
        conn.execute(text(f"GRANT cpts_analyste TO {marie}"))  # as README says
    analyst = make_engine(make_url(nightly_settings.database_url).set(username=marie)
                          .render_as_string(hide_password=False))
    try:
        with analyst.begin() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM indicateurs_valeurs")).scalar() == 0
            conn.execute(text("CREATE VIEW analyses.mes_urgences AS SELECT territoire, periode, valeur "
                              "FROM indicateurs_valeurs WHERE code_indicateur = 'URG_NON_HOSPIT'"))
        for forbidden in ("SELECT * FROM rejets", "SELECT * FROM passages_urgences",
                          "SELECT * FROM chargements", "SELECT * FROM sejours_mco_residents",
                          "DELETE FROM indicateurs_catalogue",
                          "INSERT INTO indicateurs_resultats (territoire) VALUES ('x')",
                          "CREATE TABLE public.a_moi (x int)"):
            with pytest.raises(DBAPIError, match="permission denied"), analyst.begin() as conn:
                conn.execute(text(forbidden))

        chargement_nocturne()
        chargement_nocturne()

        with analyst.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM analyses.mes_urgences")).scalar() > 0
    finally:
        analyst.dispose()
        with owner.begin() as conn:
            conn.execute(text(f"DROP OWNED BY {marie}"))
            conn.execute(text(f"DROP ROLE {marie}"))
        owner.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("warehouse_url", ["postgresql"], indirect=True)
def test_a_migration_blocked_by_an_analyst_transaction_retries_then_says_so_in_french(
        warehouse_url: str) -> None:
    analyst = create_engine(warehouse_url).connect()
    analyst.execute(text("SELECT COUNT(*) FROM indicateurs_valeurs")).scalar()  # left open
    engine = make_engine(warehouse_url, lock_timeout_s=0.2)
    attempts = []

    def migration() -> None:  # DDL needs the lock the analyst's read holds
        attempts.append(1)
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE indicateurs_resultats ADD COLUMN essai integer"))

    try:
        with pytest.raises(WarehouseBusy, match="transaction ouverte") as busy:
            retry_on_lock(migration, "la mise à niveau de l'entrepôt", pause_s=0.05)
        assert len(attempts) == LOCK_ATTEMPTS and "CPTS_LOCK_TIMEOUT_S" in str(busy.value)
        analyst.rollback()  # the analyst closes her transaction: the next try goes through
        retry_on_lock(migration, "la mise à niveau de l'entrepôt", pause_s=0.05)
    finally:
        analyst.close()
        engine.dispose()
