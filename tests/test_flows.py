"""Given a small inbox, when the Prefect flows run (test server), then files load exactly once,
a crash leaves nothing partial, and the artifacts tell the coordinator what happened."""

from __future__ import annotations

import email
import email.policy
import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from prefect.testing.utilities import prefect_test_harness
from sqlalchemy import func, select, text

import flows.nightly
import warehouse.loading
from cpts.config import Settings, get_settings
from flows.indicators import calcul_des_indicateurs
from flows.nightly import chargement_nocturne, nightly_run_name
from flows.parameters import Territoire
from flows.rapport import rapport_dialogue_de_gestion
from tasks.ingest import ingest_inbox
from tests.builders import month_of_passages, write_rpu_csv
from tests.conftest import TEST_KEY
from warehouse.db import make_engine
from warehouse.tables.registre import chargements

CHU = "420784878"
GIER = "420001232"


@pytest.fixture(scope="session", autouse=True)
def prefect_server() -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture
def flow_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The flows read their configuration from CPTS_* like in production."""
    monkeypatch.setenv("CPTS_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("CPTS_WAREHOUSE_URL", f"sqlite:///{tmp_path / 'entrepot.sqlite'}")
    monkeypatch.setenv("CPTS_INBOX", str(tmp_path / "depot"))
    monkeypatch.setenv("CPTS_PSEUDO_KEY", TEST_KEY)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def fill_inbox(settings: Settings) -> Path:
    inbox = Path(settings.inbox_url)
    write_rpu_csv(inbox, CHU, "202403", month_of_passages(CHU, 2024, 3, 40))
    write_rpu_csv(inbox, GIER, "202404", month_of_passages(GIER, 2024, 4, 12))
    bad = month_of_passages(CHU, 2024, 5, 10)
    for row in bad:
        row["entree"] = "pas une date"
    write_rpu_csv(inbox, CHU, "202405", bad)
    (inbox / "hopital" / "notes_diverses.txt").write_text("hors format")
    return inbox


def latest_artifact(key: str) -> object:
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))
    assert found, f"aucun artefact {key}"
    return max(found, key=lambda a: a.created)


def loaded_rows(settings: Settings) -> tuple[int, dict[str, int]]:
    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        passages = conn.execute(text("SELECT COUNT(*) FROM passages_urgences")).scalar_one()
        per_sha = dict(conn.execute(select(chargements.c.sha256, func.count()).where(
            chargements.c.statut == "charge").group_by(chargements.c.sha256)).all())
    engine.dispose()
    return passages, per_sha


def test_the_nightly_loads_the_inbox_and_publishes_its_artifacts(flow_settings: Settings) -> None:
    fill_inbox(flow_settings)

    report = chargement_nocturne()

    assert sorted(o.statut for _, o in report.outcomes) == ["charge", "charge", "quarantaine"]
    assert [d.name for d in report.unmatched] == ["notes_diverses.txt"]
    assert loaded_rows(flow_settings)[0] == 52
    files = latest_artifact("fichiers-recus")
    assert "RPU_420784878_202405.csv" in files.data and "mis en quarantaine" in files.data
    assert "notes_diverses.txt" in files.data
    indicators = latest_artifact("indicateurs-vallee-du-gier")
    assert indicators.type == "table" and "URG_NON_HOSPIT" in indicators.data
    assert nightly_run_name().startswith("nuit-20")
    report_link = latest_artifact("rapport-vallee-du-gier")
    assert "rapport_dialogue_gestion_vallee-du-gier_2024.xlsx" in report_link.data
    assert "index.html" in latest_artifact("qualite-docs").data


def test_a_run_killed_mid_load_leaves_nothing_partial_and_the_next_run_completes_it(
        flow_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = Path(flow_settings.inbox_url)
    write_rpu_csv(inbox, CHU, "202403", month_of_passages(CHU, 2024, 3, 40))
    real_insert = warehouse.loading.insert_frame
    calls = {"n": 0}

    def crash_once(conn, table, rows, **constants):  # after the scope delete, inside the transaction
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("coupure simulée pendant l'écriture")
        return real_insert(conn, table, rows, **constants)

    monkeypatch.setattr(warehouse.loading, "insert_frame", crash_once)

    with pytest.raises(OSError, match="coupure simulée"):
        chargement_nocturne()

    engine = make_engine(flow_settings.database_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM passages_urgences")).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(chargements)).scalar_one() == 0
    assert "Chargement interrompu" in latest_artifact("fichiers-recus").data

    report = chargement_nocturne()

    assert [o.statut for _, o in report.outcomes] == ["charge"]
    assert loaded_rows(flow_settings) == (40, {report.outcomes[0][0].sha256: 1})


def test_indicators_on_demand_for_one_territory_and_year(flow_settings: Settings) -> None:
    write_rpu_csv(Path(flow_settings.inbox_url), CHU, "202403", month_of_passages(CHU, 2024, 3, 15))
    chargement_nocturne()

    state = calcul_des_indicateurs(territoire="vallee-du-gier", annee=2024, return_state=True)

    assert state.is_completed() and state.result() > 0
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(state.state_details.flow_run_id)
    assert run.name == "indicateurs-vallee-du-gier-2024"
    assert run.parameters["territoire"] in {Territoire("vallee-du-gier"), "vallee-du-gier"}
    table = latest_artifact("indicateurs-vallee-du-gier")
    assert "2024" in table.data and "URG_NON_HOSPIT" in table.data


def test_the_report_flow_writes_the_workbook_and_links_it(flow_settings: Settings) -> None:
    write_rpu_csv(Path(flow_settings.inbox_url), CHU, "202403", month_of_passages(CHU, 2024, 3, 15))
    chargement_nocturne()

    path = rapport_dialogue_de_gestion(territoire="grand-saint-etienne", annee=2024)

    assert path.exists() and path.suffix == ".xlsx"
    assert path.resolve().as_uri() in latest_artifact("rapport-grand-saint-etienne").data


def aged(path: Path, days: int, content: str = "finess;entree\r\n") -> Path:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    when = (datetime.now() - timedelta(days=days)).timestamp()
    os.utime(path, (when, when))
    return path


def test_the_nightly_purges_expired_raw_files_refuses_special_entries_and_writes_owner_only_files(
        warehouse_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask_022: None) -> None:
    for name, value in {"CPTS_DATA_DIR": str(tmp_path / "var"), "CPTS_WAREHOUSE_URL": warehouse_url,
                        "CPTS_INBOX": str(tmp_path / "depot"), "CPTS_PSEUDO_KEY": TEST_KEY,
                        "CPTS_ARCHIVE_RETENTION_DAYS": "30"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(flows.nightly, "restrict_umask", lambda: 0o022)  # explicit modes must suffice
    get_settings.cache_clear()
    settings = get_settings()
    archive = settings.archive_path
    write_rpu_csv(tmp_path / "ancien", CHU, "202301", month_of_passages(CHU, 2023, 1, 5))
    ingest_inbox(make_engine(warehouse_url), settings, str(tmp_path / "ancien"))
    loaded_long_ago = aged(next(archive.glob("??/*/RPU_*_202301.csv")), 400)
    never_processed = aged(archive / "ab" / ("ab" + "0" * 62) / f"RPU_{CHU}_202302.csv", 400)
    abandoned = aged(archive / "tmp" / f"{'0' * 32}-RPU_{CHU}_202303.csv", 2)
    inbox = Path(settings.inbox_url)
    write_rpu_csv(inbox, GIER, "202404", month_of_passages(GIER, 2024, 4, 12))
    (tmp_path / "ailleurs.csv").write_text("NE-PAS-LIRE")
    (inbox / "hopital" / f"RPU_{CHU}_202406.csv").symlink_to(tmp_path / "ailleurs.csv")
    os.mkfifo(inbox / "hopital" / f"RPU_{CHU}_202407.csv")  # opening it would block the run
    (inbox / "cpam" / "dossier ;étrange").mkdir(parents=True)

    report = chargement_nocturne()

    get_settings.cache_clear()
    assert [(d.name, o.statut) for d, o in report.outcomes] == [(f"RPU_{GIER}_202404.csv", "charge")]
    refused = {d.name: d.refus for d in report.refused_entries()}
    assert refused[f"RPU_{CHU}_202406.csv"].startswith("lien symbolique")
    assert refused[f"RPU_{CHU}_202407.csv"].startswith("fichier spécial")
    assert refused["dossier ;étrange"].startswith("dossier inattendu")
    files = latest_artifact("fichiers-recus").data
    assert "Entrées refusées sans être lues" in files and "lien symbolique" in files
    assert not any("NE-PAS-LIRE" in p.read_text() for p in archive.rglob("*.csv"))
    # Retention: the old processed copy and the abandoned temporary copy are gone and registered.
    assert not loaded_long_ago.exists() and not loaded_long_ago.parent.exists()
    assert not abandoned.exists() and never_processed.exists()
    assert len(list(archive.glob(f"??/*/RPU_{GIER}_202404.csv"))) == 1
    engine = make_engine(warehouse_url)
    with engine.connect() as conn:
        purged = conn.execute(text("SELECT nom_fichier, sha256, type_fichier, perimetre, motif "
                                   "FROM purges_archive ORDER BY nom_fichier")).all()
    engine.dispose()
    assert [(p.nom_fichier, p.sha256, p.type_fichier) for p in purged] == [
        (f"RPU_{CHU}_202301.csv", loaded_long_ago.parent.name, "rpu_csv"),
        (f"RPU_{CHU}_202303.csv", None, None)]
    assert purged[0].perimetre.startswith(CHU) and "30 jours" in purged[0].motif
    # Owner-only whatever the umask: every folder and file we wrote under var/ (and the SQLite file).
    report_file = tmp_path / "var" / "rapports" / "rapport_dialogue_gestion_vallee-du-gier_2024.xlsx"
    assert report_file.exists()
    written = [tmp_path / "var", *(tmp_path / "var").rglob("*"), *tmp_path.glob("entrepot.sqlite*")]
    modes = {str(p.relative_to(tmp_path)): oct(p.stat().st_mode & 0o777) for p in written}
    expected = {k: oct(0o700 if (tmp_path / k).is_dir() else 0o600) for k in modes}
    assert modes == expected


@pytest.fixture
def smtp_inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[list]:
    """A local SMTP server (aiosmtpd) the flows are configured to notify through."""
    from aiosmtpd.controller import Controller

    from cpts.serve import free_port

    received: list = []

    class Keep:
        async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
            received.append(envelope)
            return "250 OK"

    controller = Controller(Keep(), hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setenv("CPTS_SMTP_HOTE", "127.0.0.1")
    monkeypatch.setenv("CPTS_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("CPTS_SMTP_DESTINATAIRES", '["coordinatrice@cpts.example"]')
    get_settings.cache_clear()
    try:
        yield received
    finally:
        controller.stop()


def test_a_run_that_refuses_a_file_ends_terminated_with_refusals_and_mails_the_coordinator(
        smtp_inbox: list, flow_settings: Settings) -> None:
    fill_inbox(flow_settings)

    state = chargement_nocturne(return_state=True)

    assert state.is_completed() and state.name == "Terminé avec refus"
    assert state.message.startswith("1 fichier(s) refusé(s)")
    (mail,) = smtp_inbox
    assert mail.rcpt_tos == ["coordinatrice@cpts.example"]
    message = email.message_from_bytes(mail.content, policy=email.policy.default)
    assert message["Subject"] == "Observatoire CPTS — 1 fichier(s) refusé(s)"
    assert "RPU_420784878_202405.csv : mis en quarantaine" in message.get_content()
    files = latest_artifact("fichiers-recus").data
    assert files.index("## À corriger") < files.index("## Nouveaux chargements")
    assert files.index("RPU_420784878_202405.csv") < files.index("RPU_420784878_202403.csv")
    assert "|---" not in files  # paragraphs and lists wrap at 1280 px; a wide table does not

    again = chargement_nocturne(return_state=True)  # the same files a night later

    assert again.name == "Completed"  # nothing new was refused
    files = latest_artifact("fichiers-recus").data
    assert "2 déjà chargé(s), ignoré(s)" in files
    assert "## Déjà refusés" in files and "RPU_420784878_202405.csv : " in files
    assert len(smtp_inbox) == 1
