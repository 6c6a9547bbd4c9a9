"""Retention of the raw archive: files older than CPTS_ARCHIVE_RETENTION_DAYS are deleted once
processed (loaded or refused), abandoned temporary copies too, and each deletion is registered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, insert, select

from cpts.private import private_tree
from warehouse.tables.registre import chargements, purges_archive

# A file is processed once its load ended (« en_cours » is an interrupted load: not processed).
PROCESSED = ("charge", "remplace", "quarantaine", "obsolete")
# A copy in archive/tmp older than this was left by a killed run (a copy takes minutes).
STALE_TMP = timedelta(hours=24)


@dataclass(frozen=True)
class Purge:
    path: Path
    sha256: str | None
    archived: datetime
    motif: str
    chargement: dict | None = None  # latest registry row of these bytes


def processed_files(engine: Engine) -> dict[str, dict]:
    """sha256 → latest registry row of the files whose processing ended."""
    query = (select(chargements.c.id, chargements.c.sha256, chargements.c.type_fichier,
                    chargements.c.perimetre)
             .where(chargements.c.statut.in_(PROCESSED)).order_by(chargements.c.id))
    with engine.connect() as conn:
        return {r.sha256: dict(r._mapping) for r in conn.execute(query)}


def expired(archive_dir: Path, processed: dict[str, dict], retention_days: int,
            now: datetime) -> list[Purge]:
    """Archived raw files past the retention whose delivery was processed, and stale temp copies."""
    limit = now - timedelta(days=retention_days)
    found = []
    for path in sorted(archive_dir.glob("??/*/*")):
        sha = path.parent.name
        archived = datetime.fromtimestamp(path.lstat().st_mtime)
        if path.is_file() and not path.is_symlink() and archived < limit and sha in processed:
            found.append(Purge(path, sha, archived, f"durée de conservation de {retention_days} jours "
                               f"dépassée (archivé le {archived:%d/%m/%Y})", processed[sha]))
    for path in sorted((archive_dir / "tmp").glob("*")):
        archived = datetime.fromtimestamp(path.lstat().st_mtime)
        if path.is_file() and archived < now - STALE_TMP:
            found.append(Purge(path, None, archived, "copie temporaire abandonnée par un chargement "
                               f"interrompu (créée le {archived:%d/%m/%Y à %H:%M})"))
    return found


def _name(purge: Purge) -> str:
    # Temporary copies are named <uuid>-<delivered name>.
    return purge.path.name.split("-", 1)[-1] if purge.sha256 is None else purge.path.name


def purge_archive(engine: Engine, archive_dir: Path, retention_days: int,
                  now: datetime | None = None) -> list[Purge]:
    """Delete what has expired, register each deletion, drop emptied folders, tighten modes."""
    now = now or datetime.now()
    archive_dir = Path(archive_dir)
    if not archive_dir.is_dir():
        return []
    purges = expired(archive_dir, processed_files(engine), retention_days, now)
    if purges:
        with engine.begin() as conn:  # registered in the same transaction as the deletions
            conn.execute(insert(purges_archive), [{
                "nom_fichier": _name(p), "sha256": p.sha256, "archive": str(p.path),
                "type_fichier": (p.chargement or {}).get("type_fichier"),
                "perimetre": (p.chargement or {}).get("perimetre"),
                "chargement_id": (p.chargement or {}).get("id"),
                "archive_le": p.archived, "purge_le": now, "motif": p.motif} for p in purges])
            for p in purges:
                p.path.unlink(missing_ok=True)
    remove_empty_folders(archive_dir)
    private_tree(archive_dir)  # archives written before files were owner-only
    return purges


def remove_empty_folders(archive_dir: Path) -> None:
    """`<sha[:2]>/<sha>/` folders left empty by a purge (archive/tmp is kept: runs write there)."""
    for folder in sorted(archive_dir.glob("??/*"), reverse=True) + sorted(archive_dir.glob("??")):
        if folder.is_dir() and not folder.is_symlink() and not any(folder.iterdir()):
            folder.rmdir()
