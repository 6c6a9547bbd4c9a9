"""« Rapports et annexes »: the workbooks the flows wrote, listed and served by exact name only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cpts.config import Settings

FOLDERS = {"rapports": "Rapports dialogue de gestion", "annexes": "Propositions d'annexe indicateurs"}


@dataclass(frozen=True)
class Produced:
    dossier: str
    nom: str
    taille_ko: int
    modifie_le: datetime


def _folder(settings: Settings, dossier: str) -> Path | None:
    return {"rapports": settings.reports_dir, "annexes": settings.annexes_dir}.get(dossier)


def listing(settings: Settings) -> dict[str, list[Produced]]:
    out: dict[str, list[Produced]] = {}
    for dossier in FOLDERS:
        folder = _folder(settings, dossier)
        files = sorted(folder.glob("*.xlsx")) if folder and folder.is_dir() else []
        out[dossier] = [Produced(dossier, p.name, max(1, p.stat().st_size // 1024),
                                 datetime.fromtimestamp(p.stat().st_mtime))
                        for p in files if p.is_file() and not p.name.startswith((".", "~$"))]
    return out


def find(settings: Settings, dossier: str, nom: str) -> Path | None:
    """Only a name that the listing itself shows: no path is ever built from the request."""
    for produced in listing(settings).get(dossier, []):
        if produced.nom == nom:
            folder = _folder(settings, dossier)
            return folder / produced.nom if folder else None
    return None
