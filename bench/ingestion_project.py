"""The project's side of the ingestion bench: discovery, reading alone, the full ingestion.

The project's ingestion API is the one thing here that follows the project's changes: it is
called in `ingest` (and `read_one`) only.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import TYPE_CHECKING

from cpts.config import Settings

if TYPE_CHECKING:
    from tasks.inbox import Delivery


def settings(work: Path, url: str, key: str) -> Settings:
    return Settings(data_dir=work, warehouse_url=url, pseudo_key=key)


def discover_files(inbox: str) -> int:
    """tasks.inbox.discover: the files matched to an export type."""
    from tasks.inbox import discover

    matched, _ = discover(inbox)
    return len(matched)


def read_all(inbox: str, config: Settings) -> int:
    """Every reader on every file, no warehouse: the rows that would be loaded."""
    from tasks.inbox import discover

    matched, _ = discover(inbox)
    return sum(read_one(d, config) for d in matched)


def read_one(delivery: Delivery, config: Settings) -> int:
    from tasks.ingest import read_archived

    extract = read_archived(delivery.file_type, Path(delivery.url), delivery.name,
                            config.require_pseudo_key(), config.limits)
    return extract.rows_read - len(extract.rejects)


def accepts_workers() -> bool:
    """Whether the project's ingestion takes a number of reading processes."""
    from tasks import ingest

    return "workers" in inspect.signature(ingest.ingest_inbox).parameters


def ingest(inbox: str, config: Settings, workers: int | None) -> int:
    """The project's one ingestion function on the whole inbox; returns the rows loaded."""
    from tasks import ingest
    from warehouse.db import make_engine

    engine = make_engine(config.database_url)
    try:
        extra = {"workers": workers} if workers is not None else {}
        report = ingest.ingest_inbox(engine, config, inbox, **extra)
    finally:
        engine.dispose()
    return sum(outcome.lignes_chargees for _, outcome in report.outcomes)
