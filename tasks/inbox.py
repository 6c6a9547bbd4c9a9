"""Discover delivered files in the inbox (local, sftp://, s3:// through fsspec) and archive them."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import IO

import fsspec

from cpts.config import Limits
from cpts.nir import redact
from cpts.private import open_private, private_dir
from schemas.catalog import FILE_TYPES, match
from schemas.sniffing import Identified, sniff_or_reason

PROVIDERS = ("cpam", "hopital", "sas", "cpts", "annuaire")


@dataclass(frozen=True)
class Delivery:
    """A file found in the inbox, matched to an export type (or not)."""

    url: str
    provider: str
    name: str
    file_type: str | None
    extraction: datetime | None = None
    sha256: str | None = None
    local_path: str | None = None  # archived copy the readers work on
    refus: str | None = None  # French reason when the entry is not a regular file (never read)
    motif: str | None = None  # French reason a file whose name matches nothing is not identified
    identifie: str | None = None  # canonical name its content gave (identified by content)

    @property
    def shown_name(self) -> str:
        """The name as messages, logs and run names show it (a NIR in a name is masked)."""
        return redact(self.name) or ""


def discover(inbox: str, limits: Limits | None = None) -> tuple[list[Delivery], list[Delivery]]:
    """Files per provider folder, matched by name, else identified by content (exports.md « Real-world
    deliveries »); returns (matched, unmatched), oldest first."""
    fs, root = fsspec.core.url_to_fs(inbox)
    matched: list[Delivery] = []
    unmatched: list[Delivery] = []
    for provider in PROVIDERS:
        folder = f"{root.rstrip('/')}/{provider}"
        if not fs.isdir(folder):
            continue
        for info in sorted(fs.ls(folder, detail=True), key=lambda i: i["name"]):
            name = PurePosixPath(info["name"]).name
            # Rebuilt from the inbox URL: fsspec's unstrip_protocol drops sftp:// credentials.
            url = f"{inbox.rstrip('/')}/{provider}/{name}"
            if (reason := not_a_regular_file(info)) is not None:
                unmatched.append(Delivery(url, provider, name, None, refus=reason))
                continue
            found = match(provider, name)
            if found is None:
                sniffed = by_content(url, provider, name, limits or Limits())
                if isinstance(sniffed, str):
                    unmatched.append(Delivery(url, provider, name, None, motif=sniffed))
                else:
                    matched.append(Delivery(url, provider, name, sniffed.file_type.code, sniffed.extraction,
                                            identifie=sniffed.canonical))
                continue
            file_type, m = found
            matched.append(Delivery(url, provider, name, file_type.code,
                                    file_type.extraction_from_name(m)))
    matched.sort(key=lambda d: (d.provider, d.extraction or datetime.min, d.name.lower()))
    return matched, unmatched


def by_content(url: str, provider: str, name: str, limits: Limits) -> Identified | str:
    """Identify a file from its content, on a private local copy when the inbox is remote."""
    if name.startswith((".", "~$")):  # an upload being written (`.depot-…`), an office lock file
        return "fichier caché ou temporaire : son contenu n'est pas lu"
    protocol, _, path = url.rpartition("://")
    if protocol in {"", "file", "local"}:
        return sniff_or_reason(FILE_TYPES, provider, Path(path), name, limits)
    with tempfile.TemporaryDirectory() as folder:
        local = Path(folder) / "livraison"
        with open_delivery(url) as src, open_private(local) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        return sniff_or_reason(FILE_TYPES, provider, local, name, limits)


def not_a_regular_file(info: dict) -> str | None:
    """Why an inbox entry is refused unread: a link could point at any file of the machine, a FIFO
    or a device would block or never end; a folder is not an export."""
    if info.get("islink") or info["type"] == "link":
        return "lien symbolique : refusé, ni suivi ni lu (déposez le fichier lui-même)"
    if info["type"] == "directory":
        return "dossier inattendu dans la boîte de dépôt : ignoré, son contenu n'est pas lu"
    if info["type"] != "file":
        return ("fichier spécial (tube, périphérique ou socket) : refusé, jamais ouvert "
                "(seuls les fichiers ordinaires sont lus)")
    return None


def open_delivery(url: str) -> IO[bytes]:
    """A local delivery is opened without following a link and checked regular after opening (it
    may have been swapped since discovery); remote ones through fsspec."""
    protocol, _, path = url.rpartition("://")
    if protocol not in {"", "file", "local"}:
        return fsspec.open(url, "rb").open()
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{PurePosixPath(path).name} : n'est plus un fichier ordinaire, non lu")
    return os.fdopen(fd, "rb")


def archive(delivery: Delivery, archive_dir: Path) -> Delivery:
    """Copy the raw bytes to the content-addressed archive (owner-only); the readers use that copy."""
    digest = hashlib.sha256()
    tmp = archive_dir / "tmp" / f"{uuid.uuid4().hex}-{delivery.shown_name}"  # concurrent runs never clash
    private_dir(tmp.parent)
    with open_delivery(delivery.url) as src, open_private(tmp) as dst:
        while chunk := src.read(1 << 20):
            digest.update(chunk)
            dst.write(chunk)
    sha = digest.hexdigest()
    # Content-addressed: the name is only a label, shown without a NIR (the registry stores the path).
    target = archive_dir / sha[:2] / sha / delivery.shown_name
    private_dir(target.parent)
    shutil.move(tmp, target)
    return Delivery(delivery.url, delivery.provider, delivery.name, delivery.file_type,
                    delivery.extraction, sha, str(target), identifie=delivery.identifie)
