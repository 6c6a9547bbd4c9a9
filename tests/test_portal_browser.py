"""End to end in headless Chromium, as the coordinator: given `cpts serve` (Prefect server deployed
from prefect.yaml, a process worker, the portal; the key in a Prefect Secret block) and a workbook
with two bad rows, when she logs in, drops it and starts the nightly from the portal, then the run
ends « Terminé avec refus », its artifacts lead with the two reasons and link to the portal, she
reads both reasons with their cells, downloads the report, sees a monthly trend and the quality
pages — and the browser never asks anything of another host.

The screenshots are the README's: `CPTS_CAPTURES_README=1` refreshes docs/captures/; otherwise they go
to the test's temporary folder, so a test run leaves the checkout clean."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from openpyxl import load_workbook
from prefect.blocks.system import Secret
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

from cpts.serve import LocalPrefect, free_port
from generator import generate
from portal.auth import hash_password
from tests.conftest import TEST_KEY
from tests.prefect_local import client_of

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
README_CAPTURES = Path(__file__).resolve().parents[1] / "docs" / "captures"
PASSWORD = "coordination-vallee-2024"
WORKBOOK = "CPTS_activite_2024_vallee-du-gier.xlsx"


def bad_workbook(sample: Path, out: Path) -> Path:
    """The sample inbox's CPTS workbook with two rows typed wrong, as the issue reported them."""
    wb = load_workbook(sample / "cpts" / WORKBOOK)
    actions = wb["Actions"]
    header = [c.value for c in actions[1]]
    actions.cell(row=2, column=header.index("Mission") + 1, value="Prévension")
    actions.cell(row=4, column=header.index("Date") + 1, value=datetime(2023, 6, 15))
    out.mkdir(parents=True, exist_ok=True)
    wb.save(out / WORKBOOK)
    return out / WORKBOOK


@pytest.fixture(scope="module")
def observatoire(tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: pytest.MonkeyPatch
                 ) -> Iterator[tuple[LocalPrefect, str, Path]]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium absent (apt-get install -y chromium)")
    root = tmp_path_factory.mktemp("observatoire")
    sample = root / "exemples"
    generate(sample, territoires=("vallee-du-gier",), annees=(2024,))
    inbox = root / "depot"
    (inbox / "cpts").mkdir(parents=True)  # the contract annex is already there; the activity is dropped
    shutil.copy(sample / "cpts" / "CPTS_annexe_indicateurs_2024_vallee-du-gier.xlsx", inbox / "cpts")
    monkeypatch_module.delenv("CPTS_PSEUDO_KEY", raising=False)  # the key comes from the Secret block
    portal_port = free_port()
    local = LocalPrefect(home=root / "prefect", port=free_port(), extra_env={
        "CPTS_DATA_DIR": str(root / "var"),
        "CPTS_WAREHOUSE_URL": f"sqlite:///{root / 'entrepot.sqlite'}",
        "CPTS_INBOX": str(inbox),
        "CPTS_PORTAIL_COMPTES": json.dumps({"coordinatrice": hash_password(PASSWORD)}),
        "CPTS_PORTAIL_URL": f"http://127.0.0.1:{portal_port}",
        "PREFECT_WORKER_QUERY_SECONDS": "1",
    })
    try:  # exactly what `cpts serve` does
        local.start_server()
        with client_of(local):
            Secret(value=TEST_KEY).save("cpts-pseudo-key", overwrite=True)
        local.prepare()
        local.deploy_all()
        local.start_worker()
        portal = local.start_portal("127.0.0.1", portal_port)
        yield local, portal, bad_workbook(sample, root / "poste")
    finally:
        local.stop()


@pytest.fixture(scope="module")
def monkeypatch_module() -> Iterator[pytest.MonkeyPatch]:
    with pytest.MonkeyPatch.context() as mp:
        yield mp


@pytest.fixture(scope="module")
def browser(observatoire) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


def open_page(page, selector: str) -> None:
    """Click a link or button that opens a page and wait until it is loaded: the next navigation
    would otherwise abort its stylesheet (recorded as a failed request)."""
    page.click(selector)
    page.wait_for_load_state()


class Network:
    """Every request leaving 127.0.0.1 is aborted and recorded; failed requests are recorded too."""

    def __init__(self, context) -> None:
        self.outside: list[str] = []
        self.failed: list[str] = []
        context.route("**/*", self._route)
        context.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))

    def _route(self, route) -> None:
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()


def capture(page, name: str, folder: Path) -> None:
    folder = README_CAPTURES if os.environ.get("CPTS_CAPTURES_README") == "1" else folder
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


def wait_for_run(local: LocalPrefect, run_id: str, timeout: float = 240) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = httpx.get(f"{local.api_url}/flow_runs/{run_id}", timeout=10).json()
        if run["state"]["type"] in {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}:
            return run
        time.sleep(2)
    pytest.fail(f"Chargement non terminé ; worker : {(local.home / 'worker.log').read_text()[-3000:]}")


def run_artifacts(local: LocalPrefect, run_id: str) -> tuple[dict, dict]:
    with client_of(local), get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[run_id])))
        deployments = {d.name: d for d in client.read_deployments()}
    return {a.key: a for a in artifacts}, deployments


def test_the_coordinator_drops_a_workbook_starts_the_nightly_and_reads_every_result(
        observatoire, browser, tmp_path: Path) -> None:
    local, portal, workbook = observatoire
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="fr-FR",
                                  accept_downloads=True)
    network = Network(context)
    page = context.new_page()

    # Refused without login: every page sends her to the login form.
    page.goto(f"{portal}/fichiers")
    assert page.url.startswith(f"{portal}/connexion")
    capture(page, "01-connexion", tmp_path)
    page.fill("#identifiant", "coordinatrice")
    page.fill("#mot_de_passe", PASSWORD)
    open_page(page, "button[type=submit]")
    assert page.url == f"{portal}/fichiers"

    # A POST without the session's token is refused, even logged in.
    forged = page.request.post(f"{portal}/depot/lancer", form={"csrf": "jeton-invente"})
    assert forged.status == 403

    page.goto(f"{portal}/depot")
    page.set_input_files("#fichiers", str(workbook))
    open_page(page, "#deposer")
    assert "1 fichier(s) déposé(s)" in page.inner_text("main")
    open_page(page, "#lancer")
    link = page.locator("a", has_text="Suivre l'exécution dans Prefect")
    run_url = link.get_attribute("href")
    assert run_url.startswith(f"{local.ui_url}/runs/flow-run/")
    capture(page, "02-depot-et-lancement", tmp_path)
    run = wait_for_run(local, run_url.rsplit("/", 1)[1])
    assert run["state"]["type"] == "COMPLETED", run["state"]
    assert run["state"]["name"] == "Terminé avec refus" and "2 ligne(s) rejetée(s)" in run["state"]["message"]
    assert run["name"].startswith("nuit-")
    artifacts, deployments = run_artifacts(local, run["id"])
    files = artifacts["fichiers-recus"].data
    assert files.index("## À corriger") < files.index("feuille Actions, cellule B2") \
        < files.index("## Nouveaux chargements")
    assert f"{portal}/fichiers" in files
    assert artifacts["indicateurs-vallee-du-gier"].type == "table"
    assert f"{portal}/rapports/rapports/rapport_dialogue_gestion_vallee-du-gier_2024.xlsx" in \
        artifacts["rapport-vallee-du-gier"].data
    nightly = deployments["nocturne"]
    assert nightly.concurrency_limit == 1 or nightly.global_concurrency_limit is not None
    schedule = nightly.schedules[0].schedule
    assert (schedule.cron, schedule.timezone) == ("0 2 * * *", "Europe/Paris")

    page.goto(f"{portal}/fichiers")
    text = page.inner_text("main")
    assert "2 ligne(s) rejetée(s)" in text
    assert "feuille Actions, cellule B2, colonne « Mission »" in text
    assert "feuille Actions, cellule A4, colonne « Date »" in text
    assert "Prévension" in text or "mission" in text.lower()
    capture(page, "03-fichiers-recus", tmp_path)

    page.goto(f"{portal}/rapports")
    with page.expect_download() as download:
        page.click("text=rapport_dialogue_gestion_vallee-du-gier_2024.xlsx")
    saved = tmp_path / "rapport.xlsx"
    download.value.save_as(saved)
    assert "Synthèse" in load_workbook(saved, read_only=True).sheetnames
    capture(page, "04-rapports", tmp_path)

    page.goto(f"{portal}/indicateurs?territoire=vallee-du-gier&annee=2024")
    assert page.locator("select[name=territoire] option:checked").inner_text() == "CPTS Vallée du Gier"
    assert page.locator("figure.graphique svg.tendance").count() >= 1, page.inner_text("main")[:3000]
    assert page.locator("svg.tendance circle").count() > 0
    capture(page, "05-indicateurs", tmp_path)
    page.locator("figure.graphique").first.scroll_into_view_if_needed()
    capture(page, "06-tendances", tmp_path)

    page.goto(f"{portal}/qualite")
    assert "Derniers contrôles" in page.inner_text("main")
    capture(page, "07-qualite", tmp_path)
    open_page(page, "#data-docs")
    page.click("ul.docs a >> nth=0")
    page.wait_for_load_state("networkidle")
    assert "Observatoire CPTS" in page.inner_text("body")
    assert page.locator("table").count() > 0
    capture(page, "08-data-docs", tmp_path)

    assert network.outside == [], network.outside
    assert network.failed == [], network.failed
    context.close()
