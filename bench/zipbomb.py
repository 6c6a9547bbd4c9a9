"""An xlsx zip bomb (a few MB whose sheet unpacks to ~1 GB) against the workbook reader.

Run from the repository root: `.venv/bin/python -m bench.zipbomb [unpacked_mb]`.
Prints the bomb's size, the reader's refusal time and message, the peak resident memory, and as
the reference the time zipfile alone needs to inflate that sheet (what any parser would pay
first, before building a single cell), with the ratio.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from generator.defauts.zipbomb import write_bomb
from schemas import cpam_prado
from schemas.base import FileRejected, ReadContext
from tests.builders_xlsx import write_prado

SHEET = "xl/worksheets/sheet1.xml"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def main(unpacked_mb: int = 1000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        template = write_prado(Path(tmp) / "modele")
        bomb = Path(tmp) / template.name
        size = write_bomb(template, bomb, SHEET, unpacked_mb * 1_000_000)
        before = peak_mb()
        ctx = ReadContext(bomb, bomb.name, cpam_prado.FILE_TYPE.matches(bomb.name), b"bench")
        start = time.perf_counter()
        try:
            cpam_prado.FILE_TYPE.read(ctx)
            message = "ACCEPTÉ (anomalie !)"
        except FileRejected as exc:
            message = str(exc)
        refused = time.perf_counter() - start
        after = peak_mb()
        start = time.perf_counter()
        with zipfile.ZipFile(bomb) as archive, archive.open(SHEET) as stream:
            inflated = sum(len(block) for block in iter(lambda: stream.read(1 << 20), b""))
        reference = time.perf_counter() - start
    print(f"bombe : {size / 1e6:.1f} Mo, feuille de {inflated / 1e6:.0f} Mo une fois décompressée")
    print(f"refus en {refused * 1000:.2f} ms : {message}")
    print(f"pic de mémoire résidente : {after:.0f} Mo (avant la lecture : {before:.0f} Mo)")
    print(f"référence : zipfile seul décompresse la feuille en {reference:.1f} s "
          f"(rapport {reference / refused:,.0f} fois le temps du refus)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
