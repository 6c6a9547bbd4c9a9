"""Per real-world convention of the generator: the producers' file against the canonical one.

    python -m bench.conventions [--pg postgresql://postgres@127.0.0.1:5432/postgres]

For each convention (tests/test_livraisons_reelles.py `GENERATED`), the same small generation is
written without and with the conventions; the canonical files and the producers' files are loaded in
two fresh warehouses per backend, the 2024 indicators of Vallée du Gier computed, and one line printed:
the anomaly the producers' file left, its key indicator on both sides, whether every value is equal.
The evidence of issue #15's closing note; the tests assert the same thing without printing it.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench.common import fresh_warehouse, pg_database
from generator import generate
from tasks.ingest import ingest_inbox
from tests.builders import rows
from tests.test_livraisons_reelles import GENERATED, GENERATION, copy_into, facts, values_2024

KEY = {"oscour_national": "URG_NON_HOSPIT", "oscour_nom_court": "URG_NON_HOSPIT",
       "rpu_regional": "URG_NON_HOSPIT", "pmsi_snds": "ADM_DIRECTE_MED",
       "annuaire_bureau_cedex": "MG_LIBERAUX", "cpam_titre_milliers": "MT_17P_SANS",
       "sas_horodatages_fractions": "SAS_RDV_HONORES", "sas_nom_non_reconnu": "SAS_HEURES",
       "prado_nom_non_reconnu": "PRADO_TOTAL"}


def _load(source: Path, patterns: list[str], url: str | None) -> tuple[list[tuple], list[tuple]]:
    """(2024 values and facts, anomalies) of a fresh warehouse loaded with the matching files."""
    work, settings, engine = fresh_warehouse("conventions-", url)
    inbox = work / "depot"
    for pattern in patterns:
        copy_into(inbox, source, pattern)
    settings = settings.model_copy(update={"inbox": str(inbox)})
    ingest_inbox(engine, settings)
    values = values_2024(engine) + facts(engine)
    found = rows(engine, "SELECT nature, SUM(nombre) FROM anomalies GROUP BY nature ORDER BY nature")
    engine.dispose()
    return values, found


def _key(values: list[tuple], code: str) -> str:
    found = [v for v in values if v[0] == code]
    return f"{found[0][1]:g} ({found[0][4]})" if found and found[0][1] is not None else "—"


def main() -> None:
    parser = argparse.ArgumentParser(description="Conventions réelles : fichier du producteur / canonique.")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="base d'administration PostgreSQL (vide : SQLite seulement)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="conventions-"))
    generate(root / "propre", variations=0, **GENERATION)
    generate(root / "reel", variations=1.0, **GENERATION)
    backends = ["sqlite"] + (["postgresql"] if args.pg else [])
    print("| convention | base | anomalie (occurrences) | indicateur | canonique | producteur "
          "| valeurs et faits égaux |")
    print("|---|---|---|---|---|---|---|")
    for name, (canonical_glob, real_glob, context, anomaly) in GENERATED.items():
        for backend in backends:
            urls, drops = [None, None], []
            if backend == "postgresql":
                for i in range(2):
                    urls[i], drop = pg_database(args.pg, "cpts_conventions")
                    drops.append(drop)
            try:
                canonical, _ = _load(root / "propre", [*context, canonical_glob], urls[0])
                real, found = _load(root / "reel", [*context, real_glob], urls[1])
            finally:
                for drop in drops:
                    drop()
            shown = ", ".join(f"{n} ({c})" for n, c in found if anomaly and n == anomaly[1]) or "—"
            print(f"| {name} | {backend} | {shown} | {KEY[name]} | {_key(canonical, KEY[name])} | "
                  f"{_key(real, KEY[name])} | {'oui' if canonical == real else 'NON'} ({len(real)}) |")


if __name__ == "__main__":
    main()
