"""Engine creation and schema upgrade (Alembic), identical on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from cpts.private import create_private, private_dir, private_file

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# Alembic's `context` is a module-level proxy: two upgrades in one process (threads) clash on it.
_UPGRADE_LOCK = threading.Lock()
DEFAULT_LOCK_TIMEOUT_S = 30.0
LOCK_ATTEMPTS = 3
T = TypeVar("T")


class WarehouseBusy(RuntimeError):
    """A table lock held elsewhere (often an analyst's open transaction), explained in French."""


def make_engine(url: str, lock_timeout_s: float | None = None, writer: bool = True) -> Engine:
    """An engine for the warehouse URL; SQLite gets WAL, foreign keys and a busy timeout.

    PostgreSQL sessions give up waiting for a table lock after `lock_timeout_s` (default
    `CPTS_LOCK_TIMEOUT_S`, 30 s) instead of queueing behind an analyst's idle transaction; the
    writers' own lock (`warehouse.loading.lock_writers`) is exempt and waits.
    `writer=False` (the portal's pages): SQLite reads never take the writers' lock."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            private_database_file(Path(parsed.database))
        engine = create_engine(url, connect_args={"timeout": 60})
        event.listen(engine, "connect", _sqlite_pragmas)
        from warehouse.bulk import watch_staging  # lazy: polars, for SQLite writers only

        watch_staging(engine)
        # Writers take the lock at BEGIN, so a check-then-write (already loaded?) cannot race.
        mode = "BEGIN IMMEDIATE" if writer else "BEGIN"
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql(mode))
        return engine
    if parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    timeout_ms = int(1000 * (_configured_lock_timeout() if lock_timeout_s is None else lock_timeout_s))
    return create_engine(url, pool_pre_ping=True,
                         connect_args={"options": f"-c lock_timeout={timeout_ms}"})


def _configured_lock_timeout() -> float:
    from cpts.config import get_settings

    return get_settings().lock_timeout_s


def private_database_file(path: Path) -> None:
    """The SQLite file is owner-only before SQLite opens it: SQLite gives its -wal and -shm files
    the database file's mode. A file from an older version is tightened (it is ours)."""
    private_dir(path.parent)
    create_private(path)
    for companion in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if companion.exists():
            private_file(companion)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    dbapi_conn.isolation_level = None  # let the "begin" event emit BEGIN itself
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def refresh_statistics(engine: Engine) -> None:
    """Planner statistics after bulk loads: without them PostgreSQL plans 300k-row joins as if
    the tables were empty (nested loops taking minutes instead of milliseconds)."""
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config  # lazy: the readers' processes never migrate

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> None:
    """Apply every migration, then (re)load the reference data if it changed.

    Views are created by migrations only. One upgrade at a time per process (Alembic's global
    context) and per warehouse (env.py takes the writers' lock)."""
    from alembic import command

    from warehouse.reference.load import load_reference

    def run() -> None:
        with _UPGRADE_LOCK:
            command.upgrade(alembic_config(engine), "head")
        load_reference(engine)

    retry_on_lock(run, "la mise à niveau de l'entrepôt")


def is_lock_timeout(exc: BaseException) -> bool:
    return isinstance(exc, OperationalError) and getattr(exc.orig, "sqlstate", None) == "55P03"


def busy_message(what: str) -> str:
    return (f"Entrepôt verrouillé : {what}. Une autre session garde une transaction ouverte sur les "
            "tables (souvent un analyste : requête en cours ou session « idle in transaction »). "
            "Demandez-lui de valider ou d'annuler (COMMIT/ROLLBACK), ou voyez pg_stat_activity, puis "
            "relancez. Délai d'attente réglable par CPTS_LOCK_TIMEOUT_S.")


def retry_on_lock(step: Callable[[], T], what: str, attempts: int = LOCK_ATTEMPTS,
                  pause_s: float = 5.0) -> T:
    """Run a transactional step again when a table lock could not be had in time, then give up
    with a French message (the step is all or nothing, so a retry is safe)."""
    for attempt in range(1, attempts + 1):
        try:
            return step()
        except OperationalError as exc:
            if not is_lock_timeout(exc):
                raise
            if attempt == attempts:
                raise WarehouseBusy(busy_message(f"{what} a attendu un verrou {attempts} fois sans "
                                                 "l'obtenir")) from exc
            time.sleep(pause_s * attempt)
    raise AssertionError("unreachable")
