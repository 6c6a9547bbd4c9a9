"""What every bench starts with: a work folder and an upgraded warehouse (temporary SQLite by default)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import Engine

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
