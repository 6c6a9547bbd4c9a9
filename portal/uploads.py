"""Files dropped in the portal: safe name, known type, size limit, then into the inbox."""

from __future__ import annotations

import os
import unicodedata
import uuid
from dataclasses import dataclass
from typing import BinaryIO

import fsspec

from cpts.nir import redact
from schemas.base import FileType
from schemas.catalog import FILE_TYPES

CHUNK = 1 << 20


class UploadRefused(ValueError):
    """The French reason a dropped file was not put in the inbox."""


@dataclass(frozen=True)
class Deposited:
    name: str
    file_type: FileType
    size: int


def _display(name: str) -> str:
    """The name as it may be quoted back: control characters removed, NIR-like runs masked (like every
    other quoted input value), length bounded."""
    clean = redact("".join(c for c in name if unicodedata.category(c)[0] != "C")) or ""
    return clean[:80] + ("…" if len(clean) > 80 else "")


def check_name(name: str) -> FileType:
    """The export type of a safe file name, or UploadRefused saying what to change."""
    shown = _display(name)
    if not name or any(unicodedata.category(c)[0] == "C" for c in name):
        raise UploadRefused(f"« {shown} » : nom de fichier refusé (caractères de contrôle ou nom vide).")
    if "/" in name or "\\" in name or ".." in name:
        raise UploadRefused(f"« {shown} » : nom de fichier refusé (séparateur de dossier ou « .. ») ; "
                            "déposez le fichier sous son seul nom.")
    if name.startswith(".") or name.startswith("~$"):
        raise UploadRefused(f"« {shown} » : fichier caché ou temporaire refusé.")
    for file_type in FILE_TYPES:
        if file_type.matches(name):
            return file_type
    raise UploadRefused(f"« {shown} » : nom non reconnu. Il doit suivre les noms attendus (par exemple "
                        "CPTS_activite_2024_vallee-du-gier.xlsx, RPU_420784878_202403.csv) ; voir la "
                        "page « Dépôt » pour la liste des types.")


def deposit(inbox: str, name: str, stream: BinaryIO, max_bytes: int) -> Deposited:
    """Copy the upload into `<inbox>/<provider>/<name>` without ever exceeding `max_bytes`.

    Written under a temporary name then moved, so the nightly never reads half a file."""
    file_type = check_name(name)
    fs, root = fsspec.core.url_to_fs(inbox)
    folder = f"{root.rstrip('/')}/{file_type.provider}"
    fs.makedirs(folder, exist_ok=True)
    tmp, final = f"{folder}/.depot-{uuid.uuid4().hex}", f"{folder}/{name}"
    size = 0
    try:
        with fs.open(tmp, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRefused(f"« {name} » : fichier trop volumineux (plus de "
                                        f"{max_bytes // CHUNK} Mo) ; contactez l'équipe technique.")
                out.write(chunk)
        if size == 0:
            raise UploadRefused(f"« {name} » : fichier vide.")
        fs.mv(tmp, final)
        if "file" in fs.protocol:
            os.chmod(final, 0o600)  # raw files are owner-only
    finally:
        if fs.exists(tmp):
            fs.rm(tmp)
    return Deposited(name, file_type, size)


def accepted_types() -> list[tuple[str, str, str]]:
    """(provider, label, name pattern) for the Dépôt page."""
    return [(t.provider, t.label, t.pattern.pattern) for t in FILE_TYPES]
