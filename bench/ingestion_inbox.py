"""The ingestion bench's inbox: the RPU CSV files of a generated inbox, generated once per scale.

Only the RPU family is generated (`generate(seulement=("rpu",), mois=...)`), so a national month
does not cost a national year. The bench's inbox (`boite/hopital/`) holds hard links to the CSV
files only: the OSCOUR XML files of the same generation have no counterpart in the references.
A cache folder keeps one sub-folder per (scale, years, months, seed); `manifeste.json` is written
last and marks a complete one, made by the generator's current source (else it is made again).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

MANIFEST = "manifeste.json"


@dataclass(frozen=True)
class Inbox:
    folder: Path  # the inbox the project reads (provider sub-folder `hopital/`)
    files: tuple[Path, ...]  # the same RPU CSV files, for the references
    rows: int  # data rows of those files
    generated_s: float | None  # None: reused from the cache

    @property
    def megabytes(self) -> float:
        return sum(f.stat().st_size for f in self.files) / 1e6


def cache_key(echelle: float, annees: Sequence[int], mois: Sequence[int] | None, graine: int) -> str:
    months = "-m" + "_".join(f"{m:02d}" for m in mois) if mois else ""
    return f"rpu-e{echelle:g}-a{'_'.join(map(str, annees))}{months}-g{graine}"


def prepare(folder: Path, echelle: float, annees: Sequence[int], mois: Sequence[int] | None,
            graine: int = 42) -> Inbox:
    """The inbox under `folder`, generated unless a complete one is already there."""
    manifest = folder / MANIFEST
    generated_s = None
    listed = json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}
    if listed.get("generateur") != generator_version():
        generated_s = _generate(folder, echelle, annees, mois, graine)
        listed = json.loads(manifest.read_text(encoding="utf-8"))
    files = tuple(folder / "boite" / entry["chemin"] for entry in listed["fichiers"])
    return Inbox(folder / "boite", files, sum(e["lignes"] for e in listed["fichiers"]), generated_s)


def _generate(folder: Path, echelle: float, annees: Sequence[int], mois: Sequence[int] | None,
              graine: int) -> float:
    from generator import generate

    (folder / MANIFEST).unlink(missing_ok=True)
    for stale in ("genere", "boite"):
        shutil.rmtree(folder / stale, ignore_errors=True)
    started = time.perf_counter()
    summary = generate(folder / "genere", annees=annees, echelle=echelle, graine=graine,
                       seulement=("rpu",), mois=mois)
    elapsed = time.perf_counter() - started
    csv = [f for f in summary.fichiers if f.type == "rpu_csv"]
    for entry in csv:
        _link(folder / "genere" / entry.chemin, folder / "boite" / entry.chemin)
    listed = {"generateur": generator_version(),
              "fichiers": [{"chemin": f.chemin, "lignes": f.lignes} for f in csv]}
    (folder / MANIFEST).write_text(json.dumps(listed, indent=1), encoding="utf-8")
    return elapsed


def generator_version() -> str:
    """A digest of the generator's source: a cached inbox from another version is not reused."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[1] / "generator"
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _link(source: Path, target: Path) -> None:
    """A hard link (a regular file for the inbox's discovery, no copy); a copy across devices."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
