"""« Chargement nocturne » on the sample inbox, then again with no new file (Prefect test server).

    python -m bench.bench_nightly_incremental [--url postgresql://postgres@127.0.0.1/banc]
Prints the flow time of the first night (everything new), of a night with no new file (target < 20 s),
the indicator stage alone in each case, and as reference the indicator stage recomputing everything.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from prefect.testing.utilities import prefect_test_harness

from cpts.config import get_settings
from generator import generate
from warehouse import reference
from warehouse.db import make_engine
from warehouse.incremental import materialise_incremental, nightly_jobs
from warehouse.materialise import write_periods


def _stage(url: str, full: bool) -> tuple[float, int]:
    engine = make_engine(url)
    started = time.perf_counter()
    with engine.begin() as conn:
        jobs = nightly_jobs(conn, reference.territory_codes())
        written = write_periods(conn, jobs) if full else materialise_incremental(conn, jobs)[0]
    engine.dispose()
    return time.perf_counter() - started, written


def main() -> None:
    parser = argparse.ArgumentParser(description="Durée du chargement nocturne sans nouveau fichier.")
    parser.add_argument("--url", help="URL de l'entrepôt (défaut : SQLite temporaire)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cpts-bench-nuit-"))
    url = args.url or f"sqlite:///{work / 'entrepot.sqlite'}"
    os.environ.update({"CPTS_DATA_DIR": str(work / "var"), "CPTS_WAREHOUSE_URL": url,
                       "CPTS_INBOX": str(work / "depot"), "CPTS_PSEUDO_KEY": "cle-de-banc-d-essai"})
    get_settings.cache_clear()
    generate(work / "depot", graine=42)
    from flows.nightly import chargement_nocturne

    with prefect_test_harness(server_startup_timeout=120):
        for night in ("première nuit (tout est nouveau)", "nuit sans nouveau fichier"):
            started = time.perf_counter()
            chargement_nocturne()
            print(f"{night} : flux complet en {time.perf_counter() - started:.1f} s")
    seconds, written = _stage(url, full=False)
    print(f"étape indicateurs seule, rien de nouveau : {seconds:.1f} s ({written} valeurs réécrites)")
    seconds_full, written = _stage(url, full=True)
    print(f"référence, étape indicateurs en recalcul complet : {seconds_full:.1f} s ({written} valeurs) ; "
          f"rapport {seconds_full / max(seconds, 1e-3):.0f}× ; charge machine {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
