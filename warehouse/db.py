"""Engine creation and schema upgrade (Alembic), identical on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from cpts.private import create_private, private_dir, private_file

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str) -> Engine:
    """An engine for the warehouse URL; SQLite gets WAL, foreign keys and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            private_database_file(Path(parsed.database))
        engine = create_engine(url, connect_args={"timeout": 60})
        event.listen(engine, "connect", _sqlite_pragmas)
        # Writers take the lock at BEGIN, so a check-then-write (already loaded?) cannot race.
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        return engine
    if parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True)


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
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> None:
    """Apply every migration, then (re)load the reference data if it changed."""
    command.upgrade(alembic_config(engine), "head")
    from warehouse.reference.load import load_reference
    from warehouse.views import recreate_views

    load_reference(engine)
    with engine.begin() as conn:
        recreate_views(conn)
