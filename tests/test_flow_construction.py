"""« Construction des indicateurs de l'année » under the Prefect test server, on a small SQLite warehouse:
the annex proposal is written where the coordinator finds it and the artifact links to it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
from prefect.testing.utilities import prefect_test_harness

from cpts.config import Settings, get_settings
from flows.construction import PeriodeReference, construction_des_indicateurs
from tests.builders_facts import action, load, mt_row
from tests.conftest import TEST_KEY
from warehouse.db import make_engine, upgrade

VDG = "vallee-du-gier"


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=180):
        yield


@pytest.fixture
def flow_settings(prefect_server: None, tmp_path: Path,
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """The flow reads its configuration from CPTS_* like in production; a few 2023–2024 facts loaded."""
    monkeypatch.setenv("CPTS_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("CPTS_WAREHOUSE_URL", f"sqlite:///{tmp_path / 'entrepot.sqlite'}")
    monkeypatch.setenv("CPTS_INBOX", str(tmp_path / "depot"))
    monkeypatch.setenv("CPTS_PSEUDO_KEY", TEST_KEY)
    get_settings.cache_clear()
    settings = get_settings()
    engine = make_engine(settings.database_url)
    upgrade(engine)
    for year, ald in ((2023, 240), (2024, 219)):
        load(engine, "cpam_patientele_mt", [mt_row(date(year, 12, 31), ald_sans_mt=ald, patients_ald=5000)])
    load(engine, "cpts_actions", [action(date(2024, m, 10), 3, "Réunion de travail") for m in (2, 5, 9)])
    engine.dispose()
    yield settings
    get_settings.cache_clear()


def latest_artifact(key: str) -> object:
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=[key])))
    assert found, f"aucun artefact {key}"
    return max(found, key=lambda a: a.created)


def test_the_build_writes_the_annex_and_links_it(flow_settings: Settings) -> None:
    state = construction_des_indicateurs(territoire=VDG, annee=2025, return_state=True)

    assert state.is_completed(), state.message
    path = Path(state.result())
    assert path == flow_settings.data_dir / "annexes" / "CPTS_annexe_indicateurs_2025_vallee-du-gier.xlsx"
    assert path.exists()
    rows = {r[1]: r for r in load_workbook(path)["Indicateurs"].iter_rows(min_row=3, values_only=True)}
    assert rows["MT_ALD_SANS"][3:6] == (219, "≤", "Définitive")
    assert rows["PREV_REUNIONS"][3] == 3
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(state.state_details.flow_run_id)
    assert run.name == "annexe-vallee-du-gier-2025"
    link = latest_artifact("annexe-vallee-du-gier")
    assert link.type == "markdown"  # a link artifact is stored as markdown
    assert path.resolve().as_uri() in link.data and path.name in link.data
    assert "2025" in (link.description or "")


def test_contract_year_reference_needs_a_start_date(flow_settings: Settings) -> None:
    """No annex loaded and no date given: the flow fails with a French message, no file written."""
    state = construction_des_indicateurs(territoire=VDG, annee=2025,
                                         periode_reference=PeriodeReference.annee_contractuelle,
                                         return_state=True)

    assert state.is_failed()
    with pytest.raises(ValueError, match="date de début de l'année contractuelle est inconnue"):
        state.result()
    assert not (flow_settings.data_dir / "annexes").exists()

    state = construction_des_indicateurs(territoire=VDG, annee=2025,
                                         periode_reference=PeriodeReference.annee_contractuelle,
                                         debut_annee_contractuelle=date(2023, 12, 7), return_state=True)
    assert state.is_completed(), state.message
    ws = load_workbook(state.result())
    assert ws["Paramètres"]["B3"].value.date() == date(2024, 12, 7)
    assert "07/12/2023 – 06/12/2024" in ws["Paramètres"]["B5"].value
