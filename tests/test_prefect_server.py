"""End to end through a real Prefect server: deploy from prefect.yaml, a process worker runs
« Chargement nocturne » triggered through the API, and its artifacts are readable by a client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.blocks.system import Secret
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
from prefect.deployments import run_deployment
from prefect.settings import PREFECT_API_URL, temporary_settings

from cpts.serve import LocalPrefect, free_port
from tests.builders import month_of_passages, write_rpu_csv
from tests.conftest import TEST_KEY

pytestmark = pytest.mark.slow
CHU = "420784878"


@pytest.fixture
def local_prefect(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalPrefect]:
    monkeypatch.delenv("CPTS_PSEUDO_KEY", raising=False)  # the key comes from the Secret block
    local = LocalPrefect(home=tmp_path / "prefect", port=free_port(), extra_env={
        "CPTS_DATA_DIR": str(tmp_path / "var"),
        "CPTS_WAREHOUSE_URL": f"sqlite:///{tmp_path / 'entrepot.sqlite'}",
        "CPTS_INBOX": str(tmp_path / "depot"),
        "PREFECT_WORKER_QUERY_SECONDS": "1",
        "PREFECT_LOGGING_LEVEL": "INFO",
    })
    local.extra_env.pop("CPTS_PSEUDO_KEY", None)
    try:
        local.start_server()
        yield local
    finally:
        local.stop()


def test_a_deployed_nightly_runs_on_a_worker_and_publishes_artifacts(
        local_prefect: LocalPrefect, tmp_path: Path) -> None:
    write_rpu_csv(tmp_path / "depot", CHU, "202403", month_of_passages(CHU, 2024, 3, 20))
    local_prefect.prepare()
    local_prefect.deploy_all()
    local_prefect.start_worker()

    with temporary_settings({PREFECT_API_URL: local_prefect.api_url}):
        Secret(value=TEST_KEY).save("cpts-pseudo-key", overwrite=True)
        run = run_deployment("Chargement nocturne/nocturne", timeout=150, poll_interval=2)
        assert run.state is not None and run.state.is_completed(), (
            f"{run.state} ; journal du worker : {(local_prefect.home / 'worker.log').read_text()[-3000:]}")
        assert run.name.startswith("nuit-")
        with get_client(sync_client=True) as client:
            artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
                flow_run_id=ArtifactFilterFlowRunId(any_=[run.id])))
            deployments = {d.name: d for d in client.read_deployments()}

    by_key = {a.key: a for a in artifacts}
    assert "RPU_420784878_202403.csv" in by_key["fichiers-recus"].data
    assert "chargé" in by_key["fichiers-recus"].data
    assert by_key["indicateurs-vallee-du-gier"].type == "table"
    nightly = deployments["nocturne"]
    assert nightly.concurrency_limit == 1 or nightly.global_concurrency_limit is not None
    schedule = nightly.schedules[0].schedule
    assert (schedule.cron, schedule.timezone) == ("0 2 * * *", "Europe/Paris")
