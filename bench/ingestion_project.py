"""The project's side of the ingestion bench: discovery, reading alone, the full ingestion.

The project's ingestion API is the one thing here that follows the project's changes: it is
called in `ingest` and `read_chunked` only.
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
    """Every reader on every file, no warehouse, as the ingestion reads them (in chunks, one
    process): the rows that would be loaded."""
    from tasks.inbox import discover

    matched, _ = discover(inbox)
    return read_chunked(matched, config)


def read_chunked(matched: list[Delivery], config: Settings) -> int:
    from tasks.ingest import departements
    from tasks.read_pool import chunks, read_chunk
    from tasks.reading import ReadJob, Refusal, read_or_refuse

    key, regions = config.require_pseudo_key(), departements()
    jobs = ((d, ReadJob(d.file_type, d.url, d.name, key, regions, config.limits, d.identifie))
            for d in matched)
    rows = 0
    for chunk in chunks(jobs, batching=True):
        for result in read_chunk(read_or_refuse, [job for _, job in chunk if job is not None]):
            rows += 0 if isinstance(result, Refusal) else result.rows_read - len(result.rejects)
    return rows


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
