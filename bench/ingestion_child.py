"""One path of the ingestion bench, alone in its process (its peak RSS is its own).

    echo '<json parameters>' | python -m bench.ingestion_child <path>
Prints one line `RESULTAT {json}`: what the path produced, its own duration (the imports of the
libraries it uses included, and also timed apart), its peak RSS and the peak RSS of the processes
it started itself (the project's reading processes, if any).

CPU time: the path's process (every thread), the processes it waited for and those still alive
(the reading processes).

Peak RSS is the high-water mark of this process's own memory (`VmHWM`, /proc/self/status):
Linux's `getrusage(RUSAGE_SELF).ru_maxrss` also keeps the peak of the memory the process had
before `exec`, i.e. a copy of the bench's parent process (~300 MB with the warehouse imported),
which would hide the path's own figure; it is reported too (`ru_maxrss_mo`). The processes the
path started (the project's reading processes, their fork server) are still alive when it ends
(the project keeps its pool for the next ingestion): their own `VmHWM` are read then, through
/proc/<pid>/task/<tid>/children, grandchildren included.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cpts.config import Settings

MARK = "RESULTAT "


def _files(p: dict) -> list[Path]:
    return [Path(f) for f in p["fichiers"]]


def _project_settings(p: dict) -> Settings:  # imported late: part of the path's measure
    from bench.ingestion_project import settings

    return settings(Path(p["travail"]), p.get("url", "sqlite://"), p["cle"])


def _discover(p: dict) -> dict:
    from bench.ingestion_project import discover_files

    return {"fichiers": discover_files(p["boite"])}


def _read(p: dict) -> dict:
    from bench.ingestion_project import read_all

    return {"lignes": read_all(p["boite"], _project_settings(p))}


def _load(p: dict) -> dict:
    from bench.ingestion_project import ingest

    return {"lignes": ingest(p["boite"], _project_settings(p), p.get("processus"))}


def _pandas(p: dict) -> dict:
    from bench.ingestion_references import pandas_to_sql

    return {"lignes": pandas_to_sql(_files(p), Path(p["cible"]))}


def _polars_adbc(p: dict) -> dict:
    from bench.ingestion_references import polars_adbc

    return {"lignes": polars_adbc(_files(p), p["moteur"], p["cible"])}


def _duckdb(p: dict) -> dict:
    from bench.ingestion_references import duckdb_file

    return {"lignes": duckdb_file(_files(p), Path(p["cible"]))}


PATHS: dict[str, Callable[[dict], dict]] = {
    "decouverte": _discover, "lecture": _read, "chargement": _load,
    "pandas": _pandas, "polars_adbc": _polars_adbc, "duckdb": _duckdb,
}
# What each path imports first, timed apart (part of its duration: every run pays it).
LIBRARIES: dict[str, Callable[[dict], list[str]]] = {
    "decouverte": lambda p: ["tasks.inbox"],
    "lecture": lambda p: ["tasks.ingest"],
    "chargement": lambda p: ["tasks.ingest", "warehouse.db"],
    "pandas": lambda p: ["pandas"],
    "polars_adbc": lambda p: ["polars", f"adbc_driver_{p['moteur']}.dbapi"],
    "duckdb": lambda p: ["duckdb"],
}


def _high_water_mb(pid: int | str = "self") -> float:
    """A process's peak resident memory since its `exec`, in MB (VmHWM is in kB); 0 if gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0 if pid != "self" else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return next((int(line.split()[1]) / 1024 for line in status.splitlines()
                 if line.startswith("VmHWM:")), 0.0)


def _descendants(pid: int) -> list[int]:
    """Live child processes of `pid`, and theirs (Linux; none elsewhere)."""
    found: list[int] = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            pids = [int(c) for c in children.read_text().split()]
        except OSError:
            continue
        for child in pids:
            found += [child, *_descendants(child)]
    return found


def cpu_s(pid: int | str = "self", reaped: bool = False) -> float:
    """A process's CPU time (user + system, every thread) in seconds, with its waited-for children's
    when `reaped`; 0 if gone (Linux: /proc/<pid>/stat, fields 14-17, in clock ticks)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(f) for f in fields[11:15 if reaped else 13]) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str]) -> None:
    name, params = argv[0], json.loads(sys.stdin.read())  # stdin: a file list has no size limit
    cpu_before = cpu_s(reaped=True)
    started = time.perf_counter()
    for module in LIBRARIES[name](params):
        importlib.import_module(module)
    imported = time.perf_counter()
    result = PATHS[name](params)
    result["duree_s"] = time.perf_counter() - started
    result["imports_s"] = imported - started
    result["rss_mo"] = _high_water_mb()
    result["ru_maxrss_mo"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB
    if name == "decouverte":  # after the measure: what the parent needs to plan the loads
        from bench.ingestion_project import accepts_workers

        result["processus_possibles"] = accepts_workers()
    descendants = _descendants(os.getpid())
    result["rss_descendants_mo"] = [_high_water_mb(pid) for pid in descendants]
    # Its own threads, the processes it waited for, and those it keeps (the project's readers)
    result["cpu_s"] = cpu_s(reaped=True) - cpu_before + sum(cpu_s(pid, True) for pid in descendants)
    print(MARK + json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
