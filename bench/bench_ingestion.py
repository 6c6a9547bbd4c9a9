"""Ingestion throughput of the project beside an analyst's tools, on the same RPU CSV files.

    python -m bench.bench_ingestion --echelle 10 --annees 2024            # a department's year
    python -m bench.bench_ingestion --echelle 130 --annees 2024 --mois 1  # a national month
        [--pg-url postgresql://postgres@127.0.0.1:5432/postgres | --sans-pg]
        [--processus 1,2] [--repetitions 3] [--cache var/bench] [--graine 42]

The inbox holds the RPU CSV files of a generated inbox (mixed encodings, header styles, column
orders, null tokens; see bench/ingestion_inbox.py), generated once per scale in `--cache`, else
in a temporary folder. In one run, each path on the same files, each in its own process
(bench/ingestion_child.py) so that its peak RSS (`ru_maxrss`) is its own:
- the project, per stage: discovery (tasks.inbox.discover), reading and validation (the readers,
  no warehouse), load (the project's whole ingestion function: discovery, archive, read,
  validate, write) into a fresh SQLite warehouse and a fresh PostgreSQL database (created,
  upgraded by the parent before the timing, dropped right after its path); at each `--processus` count
  when the ingestion takes a number of reading processes;
- the references (bench/ingestion_references.py, no validation): pandas `read_csv` + `to_sql`
  into SQLite; polars `read_csv` + ADBC ingest into SQLite and into PostgreSQL; DuckDB
  `read_csv` into a DuckDB file.
Durations are measured in the child around the path, the imports of the libraries it uses
included (every run pays them; "dont imports" shows that part); rows/s divide the files' data
rows by that duration for every path, so the figures compare directly. Peak RSS is each
process's own high-water mark (bench/ingestion_child.py says why not plain `ru_maxrss`). The
paths run one after the other, discovery and reading first: every path then finds the files in
the page cache; each starts after a PostgreSQL `CHECKPOINT` (what earlier paths left in the
server's buffers and WAL is written out before, not during, its measure). "CPU (s)" is the CPU
time of the path's processes (the loading process's threads, the reading processes) and, when
the PostgreSQL server runs on this machine, the server's during the path ("serv."): what the
machine's cores had to do, whose sum over the cores bounds the duration. The ratios printed
at the end are the project's load rows/s over the polars+ADBC reference of the same backend and
over the pandas script. The machine's load average is printed before and after the run and, per
path, when it started ("charge": on a shared machine, compare figures taken under similar load
only). With `--repetitions N`, the paths run N times in turn and each keeps its shortest
measure, so a slow spell of a shared machine does not fall on one path only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from bench.common import BENCH_KEY, checkpoint, pg_database
from bench.ingestion_child import MARK, cpu_s
from bench.ingestion_inbox import Inbox, cache_key, prepare
from cpts.private import restrict_umask

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BACKENDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL", "duckdb": "DuckDB", "": "—"}


@dataclass
class Run:
    label: str
    backend: str  # key of BACKENDS
    path: str  # key of bench.ingestion_child.PATHS
    params: dict
    processus: int | None = None
    result: dict = field(default_factory=dict)
    error: str | None = None
    load: float = 0.0  # the machine's 1-minute load average when the path started
    server_cpu_s: float | None = None  # the local PostgreSQL server's CPU time during the path
    cleanup: Callable[[], None] | None = None  # drops its target right after it ran

    def rate(self, rows: int) -> float | None:
        return rows / self.result["duree_s"] if self.result.get("duree_s") else None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench.bench_ingestion",
        description="Débit de l'ingestion du projet (SQLite, PostgreSQL) et de références "
        "(pandas, polars+ADBC, DuckDB) sur les mêmes fichiers RPU CSV générés.")
    p.add_argument("--echelle", type=float, default=1.0,
                   help="multiplicateur des volumes : 10 ≈ un département, 130 ≈ la France")
    p.add_argument("--annees", default="2024", help="années générées, ex. 2024 ou 2023,2024")
    p.add_argument("--mois", help="seulement les fichiers RPU de ces mois, ex. 1 ou 1,2")
    p.add_argument("--graine", type=int, default=42, help="graine du générateur")
    p.add_argument("--pg-url", default=DEFAULT_PG,
                   help="URL d'administration PostgreSQL (des bases temporaires y sont créées)")
    p.add_argument("--sans-pg", action="store_true", help="SQLite seulement")
    p.add_argument("--processus", default="1,2",
                   help="nombres de processus de lecture de l'ingestion du projet, ex. 1,2")
    p.add_argument("--repetitions", type=int, default=1,
                   help="chaque chemin mesuré N fois, les chemins en alternance ; le tableau "
                   "garde la mesure la plus courte de chacun")
    p.add_argument("--cache", type=Path,
                   help="dossier où garder et réutiliser la boîte générée (sinon temporaire)")
    return p


def _ints(text: str | None) -> list[int]:
    return [int(part) for part in (text or "").replace(",", " ").split()]


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    umask = restrict_umask()  # the inbox, warehouses and copies: owner-only, as in the project
    annees, mois = _ints(args.annees), _ints(args.mois) or None
    tmp = Path(tempfile.mkdtemp(prefix="cpts-bench-ingestion-"))
    cleanups: list[Callable[[], None]] = []
    try:
        folder = (args.cache / cache_key(args.echelle, annees, mois, args.graine) if args.cache
                  else tmp / "boite-generee")
        inbox = prepare(folder, args.echelle, annees, mois, args.graine)
        load_before = os.getloadavg()
        discovery = _discovery(inbox)
        _execute(discovery, args.pg_url)  # first: it also tells whether the ingestion takes a process count
        rounds = []
        for _ in range(args.repetitions):  # alternated: a slow spell of the machine hits every path
            folder_of_round = _folder(tmp, "tour")  # every target of the round is new
            rounds.append(_plan(inbox, folder_of_round, args, cleanups,
                                discovery.result.get("processus_possibles", False)))
            for run in rounds[-1]:
                if not args.sans_pg:  # a quiet server: what earlier paths left in its buffers
                    checkpoint(args.pg_url)  # and WAL is written out now, not during this measure
                _execute(run, args.pg_url)
                if run.cleanup is not None:
                    run.cleanup()
            shutil.rmtree(folder_of_round, ignore_errors=True)
        runs = [discovery, *[_best(tries) for tries in zip(*rounds, strict=True)]]
        print(_report(args, inbox, folder, runs, load_before, os.getloadavg()))
    finally:
        for cleanup in cleanups:
            cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
        os.umask(umask)  # main() may run inside another process (the smoke test)


def _best(tries: tuple[Run, ...]) -> Run:
    """A path's shortest measure of the rounds (an error only when every round failed)."""
    done = [run for run in tries if not run.error]
    return min(done, key=lambda run: run.result["duree_s"]) if done else tries[0]


def _files(inbox: Inbox) -> dict:
    return {"boite": str(inbox.folder), "fichiers": [str(f) for f in inbox.files]}


def _discovery(inbox: Inbox) -> Run:
    return Run("projet : découverte (tasks.inbox.discover)", "", "decouverte", _files(inbox))


def _plan(inbox: Inbox, tmp: Path, args: argparse.Namespace, cleanups: list[Callable[[], None]],
          takes_workers: bool) -> list[Run]:
    """The other paths of the run, each with its own fresh target."""
    files = _files(inbox)
    project = {**files, "cle": BENCH_KEY}
    counts: list[int | None] = list(_ints(args.processus) or [1]) if takes_workers else [None]
    backends = ["sqlite"] if args.sans_pg else ["sqlite", "postgresql"]
    runs = [Run("projet : lecture + validation (lecteurs)", "", "lecture",
                {**project, "travail": str(_folder(tmp, "lecture"))})]
    for backend in backends:
        for n in counts:
            work = _folder(tmp, f"projet-{backend}-{n}")
            url, drop = _warehouse(backend, work, args.pg_url, cleanups)
            label = "projet : chargement" + (f", {n} processus" if n is not None else "")
            runs.append(Run(label, backend, "chargement",
                            {**project, "travail": str(work), "url": url, "processus": n}, n,
                            cleanup=_own(cleanups, drop, work)))
    runs.append(Run("pandas read_csv + to_sql", "sqlite", "pandas",
                    {**files, "cible": str(tmp / "pandas.sqlite")}))
    for backend in backends:
        target, drop = _reference_target(backend, tmp, args.pg_url, cleanups)
        runs.append(Run("polars read_csv + ADBC", backend, "polars_adbc",
                        {**files, "moteur": backend, "cible": target}, cleanup=_own(cleanups, drop)))
    runs.append(Run("DuckDB read_csv", "duckdb", "duckdb", {**files, "cible": str(tmp / "ref.duckdb")}))
    return runs


def _own(cleanups: list[Callable[[], None]], drop: Callable[[], None] | None,
         folder: Path | None = None) -> Callable[[], None]:
    """A path's own clean-up, right after it ran: its PostgreSQL database (taken off the run's
    final list) and its folder."""
    def cleanup() -> None:
        if drop is not None and drop in cleanups:
            cleanups.remove(drop)
            drop()
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
    return cleanup


def _folder(tmp: Path, name: str) -> Path:
    """A new folder of its own (each round of `--repetitions` has its own)."""
    return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=tmp))


def _warehouse(backend: str, work: Path, pg_admin: str, cleanups: list[Callable[[], None]]
               ) -> tuple[str, Callable[[], None] | None]:
    """A fresh upgraded warehouse (the migrations are not part of the timing), and its drop."""
    from warehouse.db import make_engine, upgrade

    url, drop = (f"sqlite:///{work / 'entrepot.sqlite'}", None) if backend == "sqlite" \
        else _database(pg_admin, cleanups)
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    return url, drop


def _reference_target(backend: str, tmp: Path, pg_admin: str, cleanups: list[Callable[[], None]]
                      ) -> tuple[str, Callable[[], None] | None]:
    """The SQLite file, or a new empty database's libpq URI (what ADBC takes), and its drop."""
    if backend == "sqlite":
        return str(tmp / "polars-adbc.sqlite"), None
    url, drop = _database(pg_admin, cleanups)
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False), drop


def _database(pg_admin: str, cleanups: list[Callable[[], None]]) -> tuple[str, Callable[[], None]]:
    """A new empty PostgreSQL database, dropped at the run's end unless its path dropped it."""
    url, drop = pg_database(pg_admin)
    cleanups.append(drop)
    return url, drop


def _execute(run: Run, pg_url: str) -> None:
    run.load = os.getloadavg()[0]
    server = _server_cpu_s(pg_url) if run.backend == "postgresql" else None
    done = subprocess.run([sys.executable, "-m", "bench.ingestion_child", run.path],
                          input=json.dumps(run.params), capture_output=True, text=True, cwd=ROOT,
                          check=False)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith(MARK)]
    if done.returncode or not lines:
        last = (done.stderr.strip().splitlines() or ["(pas de message)"])[-1]
        run.error = f"échec (code {done.returncode}) : {last[:200]}"
        return
    run.result = json.loads(lines[-1][len(MARK):])
    if server is not None:
        run.server_cpu_s = (_server_cpu_s(pg_url) or 0.0) - server


def _server_cpu_s(pg_url: str) -> float | None:
    """CPU time used so far by the PostgreSQL server when it runs on this machine (every `postgres`
    process, with the backends the postmaster reaped), None when it does not or cannot be read."""
    if make_url(pg_url).host not in {None, "", "127.0.0.1", "localhost", "::1"}:
        return None
    pids = [p.parent.name for p in Path("/proc").glob("[0-9]*/comm") if _comm(p) == "postgres"]
    return sum(cpu_s(pid, reaped=True) for pid in pids) if pids else None


def _comm(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def _n(value: float) -> str:
    return f"{value:,.0f}".replace(",", " ")


def _rss(run: Run) -> str:
    """Its own peak, and the largest of the processes it started (how many)."""
    rss = _n(run.result["rss_mo"])
    others = [mb for mb in run.result.get("rss_descendants_mo", []) if mb > 0]
    return f"{rss} + {len(others)} × ≤ {_n(max(others))}" if others else rss


def _report(args: argparse.Namespace, inbox: Inbox, folder: Path, runs: list[Run],
            load_before: tuple[float, ...], load_after: tuple[float, ...]) -> str:
    made = (f"générée en {inbox.generated_s:.0f} s" if inbox.generated_s is not None
            else "réutilisée")
    lines = [
        f"banc d'ingestion : échelle {args.echelle:g}, années {args.annees}, "
        f"mois {args.mois or 'tous'}, graine {args.graine}",
        f"boîte : {len(inbox.files)} fichiers RPU CSV, {_n(inbox.rows)} lignes, "
        f"{inbox.megabytes:.0f} Mo ({made} : {folder})",
        f"charge de la machine (load average 1/5/15 min) : avant {_load(load_before)} ; "
        f"après {_load(load_after)} ; {os.cpu_count()} cœurs",
        "mesures : " + (f"la plus courte de {args.repetitions} passages alternés par chemin"
                        if args.repetitions > 1 else "un passage par chemin"),
        "",
        f"{'chemin':<44}{'base':<12}{'lignes':>12}{'durée (s)':>11}{'dont imports':>14}"
        f"{'lignes/s':>11}{'RSS max (Mo)':>22}{'CPU (s)':>22}{'charge':>8}",
    ]
    for run in runs:
        head = f"{run.label:<44}{BACKENDS[run.backend]:<12}"
        if run.error:
            lines.append(head + run.error)
            continue
        r = run.result
        produced = f"{r['fichiers']} fichiers" if "fichiers" in r else _n(r["lignes"])
        lines.append(head + f"{produced:>12}{r['duree_s']:>11.1f}{r['imports_s']:>14.1f}"
                     f"{_n(run.rate(inbox.rows) or 0):>11}{_rss(run):>22}{_cpu(run):>22}{run.load:>8.1f}")
    lines += ["", *_ratios(runs, inbox.rows)]
    if runs and all(r.processus is None for r in runs if r.path == "chargement"):
        lines.append("processus de lecture : l'ingestion du projet n'en prend pas le nombre "
                     "(paramètre `workers` absent) ; un seul chargement par base")
    return "\n".join(lines)


def _cpu(run: Run) -> str:
    """The path's processes' CPU time, plus the PostgreSQL server's when it was measured."""
    mine = run.result.get("cpu_s")
    if mine is None:
        return "n/d"
    return f"{mine:.1f}" + (f" + {run.server_cpu_s:.1f} serv." if run.server_cpu_s is not None else "")


def _load(values: tuple[float, ...]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


def _ratios(runs: list[Run], rows: int) -> list[str]:
    """Project load rows/s over the references' (same backend for polars+ADBC)."""
    def rate(path: str, backend: str, processus: int | None = None) -> float | None:
        found = [r for r in runs if r.path == path and r.backend == backend and not r.error
                 and (processus is None or r.processus == processus)]
        return found[0].rate(rows) if found else None

    def ratio(a: float | None, b: float | None) -> str:
        return f"{a / b:.2f}" if a and b else "n/d"

    out = ["ratios (lignes/s du chargement du projet ÷ lignes/s de la référence) :"]
    pandas = rate("pandas", "sqlite")
    for run in (r for r in runs if r.path == "chargement"):
        mine = None if run.error else run.rate(rows)
        who = BACKENDS[run.backend] + (f", {run.processus} processus" if run.processus else "")
        out.append(f"  projet {who} : ÷ polars+ADBC {BACKENDS[run.backend]} = "
                   f"{ratio(mine, rate('polars_adbc', run.backend))} (cible ≥ 0,5) ; "
                   f"÷ pandas+to_sql = {ratio(mine, pandas)} (cible ≥ 1,5)")
    counts = sorted({r.processus for r in runs if r.path == "chargement" and r.processus})
    if len(counts) > 1:
        for backend in dict.fromkeys(r.backend for r in runs if r.path == "chargement"):
            base = rate("chargement", backend, counts[0])
            scaled = ", ".join(f"{n} processus ÷ {counts[0]} = "
                               f"{ratio(rate('chargement', backend, n), base)}" for n in counts[1:])
            out.append(f"  passage à l'échelle {BACKENDS[backend]} : {scaled}")
    return out


if __name__ == "__main__":
    main()
