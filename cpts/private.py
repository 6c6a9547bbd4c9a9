"""Owner-only files and folders: what we write holds health data (raw exports keep birth dates).

Modes are set explicitly (chmod after creation), so they hold whatever the umask; entry points also
set a process umask of 0o077 so files written by libraries (Great Expectations, SQLite, Prefect)
start private too.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

DIR_MODE = 0o700
FILE_MODE = 0o600
OWNER_ONLY_UMASK = 0o077


def restrict_umask() -> int:
    """Process umask 0o077 (files 0600, folders 0700 by default); returns the previous one."""
    return os.umask(OWNER_ONLY_UMASK)


def private_dir(path: Path) -> Path:
    """Create `path` and its missing parents as 0700; existing folders are left as they are
    (a configured parent such as the home directory is not ours to change)."""
    path = Path(path)
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
        folder.chmod(DIR_MODE)  # mkdir's mode is filtered by the umask
    return path


def private_file(path: Path) -> Path:
    """Make an existing file owner-only (after a library wrote it)."""
    Path(path).chmod(FILE_MODE)
    return Path(path)


def open_private(path: Path, mode: str = "wb") -> IO:
    """Open for writing a file that is 0600 from its creation on (no window where it is readable)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    fd = os.open(path, flags, FILE_MODE)
    os.fchmod(fd, FILE_MODE)  # an existing file keeps its old mode through O_CREAT
    return os.fdopen(fd, mode)


def create_private(path: Path) -> Path:
    """An empty owner-only file (e.g. a SQLite database before SQLite creates it)."""
    with open_private(path, "ab"):
        pass
    return Path(path)


def private_tree(root: Path) -> None:
    """Folders 0700 and files 0600 under `root` (trees written by other libraries, older archives).
    Symlinks are left alone: chmod would follow them."""
    root = Path(root)
    if not root.is_dir() or root.is_symlink():
        return
    root.chmod(DIR_MODE)
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            if not os.path.islink(os.path.join(folder, name)):
                os.chmod(os.path.join(folder, name), DIR_MODE)
        for name in files:
            if not os.path.islink(os.path.join(folder, name)):
                os.chmod(os.path.join(folder, name), FILE_MODE)
