"""Outputs written so that readers and concurrent runs never see half a file: write a temporary
file in the same folder, then `os.replace` it (atomic on one filesystem). Files are owner-only."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cpts.private import private_dir


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `path` in one step."""
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)  # mkstemp creates it 0600
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def publish_tree(staging: Path, target: Path) -> None:
    """Move every file of `staging` to the same place under `target`, each replaced atomically
    (pages already published and not rebuilt stay); `staging` is removed."""
    for src in sorted(p for p in staging.rglob("*") if p.is_file()):
        dest = target / src.relative_to(staging)
        private_dir(dest.parent)
        os.replace(src, dest)
    for folder in sorted((p for p in staging.rglob("*") if p.is_dir()), reverse=True):
        folder.rmdir()
    staging.rmdir()
