"""One nightly loaded by this process, then spread over batches on Prefect workers, same files.

    python -m bench.bench_lots [--echelle 1] [--annees 2024] [--mois 1,2,3] [--lots 2]
        [--pg-url postgresql://postgres@127.0.0.1:5432/postgres] [--cache var/bench]

The inbox is the ingestion bench's (RPU CSV files of a generated inbox, bench/ingestion_inbox.py).
A local Prefect server, the `cpts-process` pool and prefect.yaml's `lots` deployment are set up
once; then each configuration runs the whole « Chargement nocturne » on a fresh PostgreSQL
database: `lots=1` (today's behaviour: this process loads every file), then `lots=N` with N process
workers started for it (`prefect worker start --limit 1`), each worker a separate process as it
would be on another machine. Printed per configuration: the load stage (registry: from the run's
start to the last file loaded, discovery and archive included), the whole nightly, rows/s of the
load stage, batches per worker. The machine's load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from bench.common import BENCH_KEY, pg_database
from bench.ingestion_inbox import cache_key, prepare
from cpts.config import get_settings
from cpts.private import restrict_umask
from cpts.serve import WORK_POOL, LocalPrefect, free_port
from warehouse.db import make_engine, upgrade

DEFAULT_PG = os.environ.get("CPTS_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@dataclass
class Result:
    label: str
    nightly_s: float
    load_s: float
    files: int
    rows: int
    per_worker: dict[str, int]
    batches: list[tuple[float, float]]  # per batch run: (scheduled → running, running → end) in s


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.bench_lots",
                                description="Chargement nocturne en un lot puis réparti sur des workers.")
    p.add_argument("--echelle", type=float, default=1.0, help="10 ≈ un département, 130 ≈ la France")
    p.add_argument("--annees", default="2024")
    p.add_argument("--mois", help="seulement ces mois, ex. 1,2,3")
    p.add_argument("--graine", type=int, default=42)
    p.add_argument("--lots", type=int, default=2, help="lots (et workers) de la configuration répartie")
    p.add_argument("--pg-url", default=DEFAULT_PG)
    p.add_argument("--cache", type=Path, help="dossier où garder et réutiliser la boîte générée")
    return p


def _ints(value: str | None) -> list[int]:
    return [int(v) for v in (value or "").replace(",", " ").split()]


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    umask = restrict_umask()
    annees, mois = _ints(args.annees), _ints(args.mois) or None
    tmp = Path(tempfile.mkdtemp(prefix="cpts-bench-lots-"))
    folder = (args.cache / cache_key(args.echelle, annees, mois, args.graine) if args.cache
              else tmp / "boite-generee")
    inbox = prepare(folder, args.echelle, annees, mois, args.graine)
    local = LocalPrefect(home=tmp / "prefect", port=free_port(),
                         extra_env={"PREFECT_WORKER_QUERY_SECONDS": "1", "CPTS_PSEUDO_KEY": BENCH_KEY})
    try:
        local.start_server()
        _api(local, _create_pool)
        local.run_cli("deploy", "--name", "lots")
        load_before = os.getloadavg()
        results = [_run(local, args.pg_url, inbox.folder, tmp / "un", 1, 0),
                   _run(local, args.pg_url, inbox.folder, tmp / "lots", args.lots, args.lots)]
        print(_report(inbox, results, load_before, os.getloadavg()))
    finally:
        local.stop()
        shutil.rmtree(tmp, ignore_errors=True)
        os.umask(umask)


def _api(local: LocalPrefect, action, *args):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: local.api_url}):
        return action(*args)


def _create_pool() -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.workers.process import ProcessWorker

    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(
            name=WORK_POOL, type="process", base_job_template=ProcessWorker.get_default_base_job_template()))


def _run(local: LocalPrefect, admin_url: str, inbox: Path, data_dir: Path, lots: int,
         workers: int) -> Result:
    url, drop = pg_database(admin_url, "cpts_bench_lots")
    engine = make_engine(url)
    upgrade(engine)
    env = {"CPTS_DATA_DIR": str(data_dir), "CPTS_WAREHOUSE_URL": url, "CPTS_INBOX": str(inbox),
           "CPTS_PSEUDO_KEY": BENCH_KEY}
    os.environ.update(env)
    get_settings.cache_clear()
    local.extra_env.update(env)
    spawned = len(local.processes)
    names = [f"banc-{lots}-{i}" for i in range(1, workers + 1)]
    try:
        for name in names:
            local.start_worker(name=name, limit=1)
        if names:
            _api(local, _wait_for_workers, set(names))
        from flows.nightly import chargement_nocturne

        started = time.perf_counter()
        _api(local, lambda: chargement_nocturne(lots=lots))
        nightly_s = time.perf_counter() - started
        with engine.connect() as conn:
            load_s, files, rows = conn.execute(text(
                "SELECT EXTRACT(EPOCH FROM MAX(c.charge_le) - MIN(e.debut)), COUNT(*), "
                "SUM(c.lignes_chargees) FROM chargements c CROSS JOIN executions e")).one()
        per_worker, batches = _api(local, _batch_runs) if names else ({}, [])
    finally:
        for proc in local.processes[spawned:]:
            proc.terminate()
            proc.wait(timeout=30)
        del local.processes[spawned:]
        engine.dispose()
        drop()
    label = "lots=1 (ce processus charge tout)" if lots == 1 else f"lots={lots}, {workers} workers"
    return Result(label, nightly_s, float(load_s), int(files), int(rows or 0), per_worker, batches)


def _wait_for_workers(names: set[str]) -> None:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        while {w.name for w in client.read_workers_for_work_pool(WORK_POOL)} < names:
            time.sleep(0.5)


def _batch_runs() -> tuple[dict[str, int], list[tuple[float, float]]]:
    """Batch runs per worker, and each run's wait (poll, process start, imports) and run time."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterName

    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(deployment_filter=DeploymentFilter(
            name=DeploymentFilterName(any_=["lots"])))
    counts: dict[str, int] = {}
    for run in runs:
        name = run.labels.get("prefect.worker.name", "?")
        counts[name] = counts.get(name, 0) + 1
    times = [((r.start_time - r.expected_start_time).total_seconds(),
              (r.end_time - r.start_time).total_seconds())
             for r in runs if r.start_time and r.end_time and r.expected_start_time]
    return counts, times


def _report(inbox, results: list[Result], before: tuple, after: tuple) -> str:
    lines = [f"Boîte : {len(inbox.files)} fichiers RPU CSV, {inbox.rows} lignes, {inbox.megabytes:.0f} Mo",
             f"{'configuration':<38} {'chargement':>11} {'nocturne':>9} {'lignes/s':>9}  lots par worker"]
    for r in results:
        rate = r.rows / r.load_s if r.load_s else 0
        workers = ", ".join(f"{k}: {v}" for k, v in sorted(r.per_worker.items())) or "—"
        lines.append(f"{r.label:<38} {r.load_s:>9.1f} s {r.nightly_s:>7.1f} s {rate:>9.0f}  {workers}")
        for wait, run in r.batches:
            lines.append(f"    lot : {wait:.1f} s avant de démarrer (attente, processus, imports), "
                         f"{run:.1f} s d'exécution")
    base, spread = results[0], results[-1]
    lines.append(f"Accélération du chargement : ×{base.load_s / spread.load_s:.2f} ; du nocturne entier : "
                 f"×{base.nightly_s / spread.nightly_s:.2f} ({len(results[-1].per_worker)} workers, "
                 f"{os.cpu_count()} cœurs)")
    lines.append("Charge de la machine (1/5/15 min) avant : " + " ".join(f"{v:.1f}" for v in before)
                 + " ; après : " + " ".join(f"{v:.1f}" for v in after))
    return "\n".join(lines)


if __name__ == "__main__":
    main()
