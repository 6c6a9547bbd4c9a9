"""Throughput and peak memory of the sample-export generator.

    python -m generator.bench --echelle 10
Memory must not grow with the scale: rows are streamed to disk chunk by chunk.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from generator import generate


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m generator.bench",
        description="Mesure le débit du générateur d'exemples (lignes par seconde) et sa mémoire "
        "maximale (RSS).",
    )
    p.add_argument("--echelle", type=float, default=1.0, help="multiplicateur des volumes")
    p.add_argument("--annees", type=int, nargs="+", default=[2024], help="années à générer")
    p.add_argument("--graine", type=int, default=42, help="graine aléatoire")
    p.add_argument("--variations", type=float, default=1.0, help="taux des variations")
    p.add_argument("--sortie", type=Path, help="dossier à garder (sinon un dossier temporaire)")
    return p


def main(argv: list[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    out = args.sortie or Path(tempfile.mkdtemp(prefix="cpts-bench-"))
    started = time.perf_counter()
    try:
        summary = generate(out, annees=args.annees, echelle=args.echelle, graine=args.graine,
                           variations=args.variations)
    finally:
        if args.sortie is None:
            shutil.rmtree(out, ignore_errors=True)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    print(summary.texte())
    print(f"échelle {args.echelle:g} : {_n(summary.total_lignes)} lignes en {elapsed:.1f} s, "
          f"{_n(summary.total_lignes / elapsed)} lignes/s ; mémoire maximale {_n(peak_mb)} Mo")


def _n(value: float) -> str:
    return f"{value:,.0f}".replace(",", "\u202f")  # French thousands separator


if __name__ == "__main__":
    main()
