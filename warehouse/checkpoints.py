"""SQLite bulk loads: WAL checkpoints run in a thread of their own, not in the writer's commits.

In WAL mode the connection whose commit takes the WAL past 1 000 pages copies it back into the
database file (an automatic checkpoint), inside the one writer's time: about 15 % of a RPU load.
During an ingestion a background connection checkpoints after each commit instead (PASSIVE: it
never blocks the writer nor the readers), so the WAL restarts before the writer reaches the
threshold and the copy overlaps the next file's load on another core. The automatic checkpoint
stays as it is: it still takes over whenever this thread falls behind.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event

from warehouse.bulk import staging_folder

log = logging.getLogger(__name__)


@contextmanager
def background_checkpoints(engine: Engine) -> Iterator[None]:
    """While the block runs, a file SQLite warehouse is checkpointed after each commit by a thread
    of its own (a no-op on PostgreSQL)."""
    if staging_folder(engine) is None:  # PostgreSQL, or a SQLite database without a file
        yield
        return
    committed, stop = threading.Event(), threading.Event()

    def signal(_conn) -> None:
        committed.set()

    worker = threading.Thread(target=_checkpoint_after_commits, name="points-de-controle",
                              args=(engine, committed, stop), daemon=True)
    event.listen(engine, "commit", signal)
    worker.start()
    try:
        yield
    finally:
        event.remove(engine, "commit", signal)
        stop.set()
        committed.set()
        worker.join()


def _checkpoint_after_commits(engine: Engine, committed: threading.Event, stop: threading.Event) -> None:
    # A pooled connection, in autocommit (the pool's connections are), outside SQLAlchemy's BEGIN:
    # it goes back to the pool open, so no connection of this process ever closes the database
    # while the others use it.
    try:
        conn = engine.raw_connection()
    except Exception:
        log.debug("points de contrôle en arrière-plan impossibles", exc_info=True)
        return
    try:
        while True:  # the last one, once the block has ended, leaves the WAL copied back
            committed.wait()
            committed.clear()
            conn.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)").close()
            if stop.is_set():
                return
    except sqlite3.Error:  # the writers' automatic checkpoints take over
        log.debug("point de contrôle en arrière-plan interrompu", exc_info=True)
    finally:
        conn.close()
