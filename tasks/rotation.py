"""Rotation of the pseudonymisation key: every pseudonymous key is re-derived from the raw archive.

The warehouse never holds the linkage keys in clear, so a new key can only be applied by reading
again the raw files that loaded the current rows. Each such file is re-read with the new key and
its scope replaced, one transaction per file, through the same path as a load. Nothing is written
before every needed raw file has been found intact and re-read without error.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, Table, select, union

from schemas.base import Extract, FileRejected
from tasks.ingest import read_archived
from warehouse.keys import record_key
from warehouse.loading import RowCountChanged, lock_writers, rewrite_scope
from warehouse.tables import metadata
from warehouse.tables.registre import chargements, purges_archive

MIN_KEY_LENGTH = 32


class RotationRefused(RuntimeError):
    """The rotation cannot be done; the French message says why. The warehouse is unchanged."""


@dataclass(frozen=True)
class LoadedFile:
    id: int
    nom_fichier: str
    type_fichier: str
    sha256: str
    archive: str | None
    perimetre: str | None
    lignes_chargees: int | None


def pseudonymous_tables() -> list[Table]:
    """Tables with a column marked `info={"pseudonyme": True}`."""
    return [t for t in metadata.sorted_tables if any(c.info.get("pseudonyme") for c in t.columns)]


def loaded_files(conn: Connection) -> list[LoadedFile]:
    """The loads whose rows are still in a pseudonymous table (replaced files no longer count)."""
    tables = pseudonymous_tables()
    if not tables:
        return []
    live = union(*[select(t.c.chargement_id) for t in tables]).subquery()
    rows = conn.execute(select(chargements.c.id, chargements.c.nom_fichier, chargements.c.type_fichier,
                               chargements.c.sha256, chargements.c.archive, chargements.c.perimetre,
                               chargements.c.lignes_chargees)
                        .where(chargements.c.id.in_(select(live.c.chargement_id)))
                        .order_by(chargements.c.id))
    return [LoadedFile(**r._mapping) for r in rows]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def raw_problem(conn: Connection, load: LoadedFile) -> str | None:
    """Why the raw copy of a loaded file cannot be used, in French (None when it can)."""
    path = Path(load.archive) if load.archive else None
    if path is not None and path.is_file() and sha256_of(path) == load.sha256:
        return None
    purged = conn.execute(select(purges_archive.c.purge_le, purges_archive.c.motif)
                          .where(purges_archive.c.sha256 == load.sha256)
                          .order_by(purges_archive.c.id.desc()).limit(1)).first()
    where = f"périmètre {load.perimetre}, chargement n° {load.id}"
    if purged is not None:
        return (f"{load.nom_fichier} ({where}) : copie brute purgée le {purged.purge_le:%d/%m/%Y} "
                f"({purged.motif})")
    if path is not None and path.is_file():
        return f"{load.nom_fichier} ({where}) : la copie brute archivée a été modifiée (empreinte différente)"
    return f"{load.nom_fichier} ({where}) : copie brute introuvable dans l'archive"


def check_new_key(new_key: str | None) -> bytes:
    if not new_key or len(new_key.strip()) < MIN_KEY_LENGTH:
        raise RotationRefused(
            f"Nouvelle clé absente ou trop courte (au moins {MIN_KEY_LENGTH} caractères) : donnez-la "
            "dans la variable CPTS_PSEUDO_KEY_NOUVELLE ou dans un fichier (--fichier-cle), par exemple "
            "générée par : python -c \"import secrets; print(secrets.token_hex(32))\". Rien n'a été modifié.")
    return new_key.strip().encode()


def rotate_key(engine: Engine, new_key: bytes) -> list[LoadedFile]:
    """Re-derive every pseudonymous key under `new_key`; returns the files re-read."""
    with engine.connect() as conn:
        loads = loaded_files(conn)
        problems = [p for p in (raw_problem(conn, load) for load in loads) if p]
    if problems:
        raise RotationRefused(
            "Rotation de la clé refusée : les pseudonymes de l'entrepôt ne peuvent être recalculés "
            "que depuis les fichiers bruts qui les ont apportés, et il en manque "
            f"{len(problems)} :\n- " + "\n- ".join(problems) + "\nRien n'a été modifié. Faites "
            "livrer de nouveau ces fichiers (ils seront chargés avec la clé actuelle) puis relancez "
            "la rotation.")
    for load in loads:  # dry run first: a file that no longer reads cleanly stops everything
        _read(load, new_key)
    with engine.begin() as conn:  # from now on, loads under the old key are refused
        lock_writers(conn)
        record_key(conn, new_key)
    for load in loads:
        try:
            rewrite_scope(engine, load.id, _read(load, new_key), load.lignes_chargees)
        except RowCountChanged as exc:  # cannot happen after the dry run unless the file changed
            raise RotationRefused(
                f"{load.nom_fichier} : {exc} ; ce périmètre est laissé tel quel mais les fichiers "
                "précédents sont déjà sous la nouvelle clé : relancez la rotation avec la même "
                "nouvelle clé (elle repart des fichiers bruts).") from exc
    return loads


def _read(load: LoadedFile, new_key: bytes) -> Extract:
    try:
        extract = read_archived(load.type_fichier, Path(load.archive or ""), load.nom_fichier, new_key)
    except FileRejected as exc:
        raise RotationRefused(f"Rotation de la clé refusée : {load.nom_fichier} ne se relit plus "
                              f"({exc}). Rien n'a été modifié.") from exc
    loaded = sum(frame.height for frame in extract.tables.values())
    if load.lignes_chargees is not None and loaded != load.lignes_chargees:
        raise RotationRefused(f"Rotation de la clé refusée : {load.nom_fichier} donne {loaded} lignes "
                              f"au lieu des {load.lignes_chargees} chargées à l'origine (règles de "
                              "lecture modifiées depuis ?). Rien n'a été modifié.")
    return extract
