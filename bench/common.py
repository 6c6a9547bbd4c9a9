"""What every bench starts with: a work folder and an upgraded warehouse (temporary SQLite by default)."""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url

from cpts.config import Settings
from warehouse.db import make_engine, upgrade

BENCH_KEY = "cle-de-banc-d-essai"


def fresh_warehouse(prefix: str, url: str | None = None) -> tuple[Path, Settings, Engine]:
    """(work folder, settings, engine) of an upgraded warehouse; `url` defaults to a SQLite file."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    url = url or f"sqlite:///{work / 'entrepot.sqlite'}"
    engine = make_engine(url)
    upgrade(engine)
    return work, Settings(data_dir=work, warehouse_url=url, pseudo_key=BENCH_KEY), engine


def pg_database(admin_url: str, prefix: str = "cpts_bench") -> tuple[str, Callable[[], None]]:
    """(URL, drop) of a new empty PostgreSQL database created through `admin_url`."""
    url = _driver_url(admin_url)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def checkpoint(admin_url: str) -> None:
    """Have PostgreSQL write out its dirty buffers and recycle its WAL now (superuser)."""
    admin = create_engine(_driver_url(admin_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("CHECKPOINT"))
    finally:
        admin.dispose()


def _driver_url(admin_url: str) -> URL:
    url = make_url(admin_url)
    if url.drivername == "postgresql":  # the project's driver, not SQLAlchemy's default psycopg2
        url = url.set(drivername="postgresql+psycopg")
    return url
