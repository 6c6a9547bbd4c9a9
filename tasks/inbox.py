"""Discover delivered files in the inbox (local, sftp://, s3:// through fsspec) and archive them."""

from __future__ import annotations

import hashlib
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

import fsspec

from schemas.catalog import match

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


def discover(inbox: str) -> tuple[list[Delivery], list[Delivery]]:
    """Files per provider folder, matched by name; returns (matched, unmatched), oldest first."""
    fs, root = fsspec.core.url_to_fs(inbox)
    matched: list[Delivery] = []
    unmatched: list[Delivery] = []
    for provider in PROVIDERS:
        folder = f"{root.rstrip('/')}/{provider}"
        if not fs.isdir(folder):
            continue
        for info in sorted(fs.ls(folder, detail=True), key=lambda i: i["name"]):
            if info["type"] != "file":
                continue
            name = PurePosixPath(info["name"]).name
            # Rebuilt from the inbox URL: fsspec's unstrip_protocol drops sftp:// credentials.
            url = f"{inbox.rstrip('/')}/{provider}/{name}"
            found = match(provider, name)
            if found is None:
                unmatched.append(Delivery(url, provider, name, None))
                continue
            file_type, m = found
            matched.append(Delivery(url, provider, name, file_type.code,
                                    file_type.extraction_from_name(m)))
    matched.sort(key=lambda d: (d.provider, d.extraction or datetime.min, d.name.lower()))
    return matched, unmatched


def archive(delivery: Delivery, archive_dir: Path) -> Delivery:
    """Copy the raw bytes to the content-addressed archive; the readers use that copy."""
    digest = hashlib.sha256()
    tmp = archive_dir / "tmp" / f"{uuid.uuid4().hex}-{delivery.name}"  # concurrent runs never clash
    tmp.parent.mkdir(parents=True, exist_ok=True)
    with fsspec.open(delivery.url, "rb") as src, tmp.open("wb") as dst:
        while chunk := src.read(1 << 20):
            digest.update(chunk)
            dst.write(chunk)
    sha = digest.hexdigest()
    target = archive_dir / sha[:2] / sha / delivery.name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(tmp, target)
    return Delivery(delivery.url, delivery.provider, delivery.name, delivery.file_type,
                    delivery.extraction, sha, str(target))


def purge_archive(archive_dir: Path, retention_days: int, now: datetime | None = None) -> int:
    """Remove archived raw files older than the retention; returns how many were removed."""
    limit = (now or datetime.now()).timestamp() - retention_days * 86400
    removed = 0
    for path in archive_dir.glob("??/*/*"):
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink()
            removed += 1
    return removed
