"""One writing run at a time per warehouse, with or without a Prefect server.

PostgreSQL: a session advisory lock on a connection held for the whole run (released by the server
if the process dies). SQLite: an exclusive `flock` on a file beside the database (released by the
kernel if the process dies). A second run waits for the first, then finds its files already loaded.
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from warehouse.db import make_engine

RUN_LOCK_KEY = 4_242_002  # distinct from the per-transaction writers' lock
WAITING = "Un autre chargement écrit dans l'entrepôt : attente de sa fin avant de commencer."
log = logging.getLogger(__name__)


@contextmanager
def writing_run(url: str) -> Iterator[None]:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        with _file_lock(Path(parsed.database or "entrepot.sqlite").with_suffix(".ecriture.lock")):
            yield
        return
    engine = make_engine(url, lock_timeout_s=0)  # 0 = wait as long as the other run lasts
    try:
        with engine.connect() as conn:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": RUN_LOCK_KEY}).scalar()
            if not got:
                log.warning(WAITING)
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": RUN_LOCK_KEY})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": RUN_LOCK_KEY})
                conn.commit()
    finally:
        engine.dispose()


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT, 0o600), "r+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning(WAITING)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
