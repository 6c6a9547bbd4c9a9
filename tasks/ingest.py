"""The one ingestion path (flow, command line, bench, tests): archive → read → load each delivery.

Reading, normalising and validating run in worker processes (`CPTS_LECTURE_PROCESSUS`); writing
stays in this process, one transaction per file, in delivery order within a scope (oldest
extraction first, so the latest delivery of a scope wins); on PostgreSQL different scopes are
written concurrently (`CPTS_ECRITURE_CONNEXIONS` lanes, `tasks.write_lanes`).
Bad input is quarantined with its French reason, never fatal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

from sqlalchemy import Engine

from cpts.config import Limits, Settings
from schemas.base import Extract
from tasks.inbox import Delivery, archive, discover
from tasks.read_pool import CHUNK_FILES, Reader, read_in_order, warm_up
from tasks.reading import TYPES, ReadJob, Refusal, read_job, read_or_refuse
from tasks.write_lanes import Lanes
from warehouse.bulk import Staged, discard, discard_stale, staging_folder
from warehouse.checkpoints import background_checkpoints
from warehouse.db import refresh_statistics, retry_on_lock
from warehouse.keys import check_key
from warehouse.loading import (
    DeliveryInfo,
    LoadOutcome,
    known_statuses,
    load_extract,
    partition,
    record_refusal,
    seen_before,
)
from warehouse.runs import Interrupted


@dataclass
class IngestReport:
    """What a run did with the inbox, for artifacts and the command line."""

    outcomes: list[tuple[Delivery, LoadOutcome]] = field(default_factory=list)
    unmatched: list[Delivery] = field(default_factory=list)
    interrupted: list[Interrupted] = field(default_factory=list)  # earlier runs killed mid-way

    def by_status(self, statut: str) -> list[tuple[Delivery, LoadOutcome]]:
        return [(d, o) for d, o in self.outcomes if o.statut == statut]

    def refused_entries(self) -> list[Delivery]:
        """Links, special files and folders found in the inbox: reported, never read."""
        return [d for d in self.unmatched if d.refus]


def departements() -> tuple[str, ...]:
    from warehouse import reference

    codes = reference.territories()["code_insee"].to_list()
    return tuple(sorted({c[:2] for c in codes}))


def read_archived(file_type: str, path: Path, name: str, pseudo_key: bytes,
                  limits: Limits | None = None) -> Extract:
    """Read an archived raw file (as delivered under `name`) with the given pseudonymisation key."""
    return read_job(ReadJob(file_type, str(path), name, pseudo_key, departements(), limits or Limits()))


def ingest_deliveries(engine: Engine, deliveries: list[Delivery], settings: Settings, *,
                      workers: int | None = None,
                      archiver: Callable[[Delivery], Delivery] | None = None,
                      on_outcome: Callable[[Delivery, LoadOutcome], None] | None = None,
                      reader: Reader = read_or_refuse) -> list[tuple[Delivery, LoadOutcome]]:
    """Archive (before anything is read), read in parallel and load every delivery, in order.

    A file already loaded or refused (same SHA-256) is not read again. Writing runs in lanes
    (`writing_lanes`), one transaction per file. `on_outcome` hears of each file once it is written,
    in delivery order (a run that fails later still reports what it did)."""
    key = settings.require_pseudo_key()
    warm_up(workers or settings.lecture_processus)
    known = known_statuses(engine)
    archiver = archiver or (lambda d: d if d.local_path and d.sha256 else archive(d, settings.archive_path))
    regions = departements()
    stage_dir = staging_folder(engine)
    if stage_dir is not None:
        discard_stale(stage_dir)

    def jobs() -> Iterator[tuple[Delivery, ReadJob | None]]:
        for delivery in deliveries:
            archived = archiver(delivery)
            assert archived.sha256 and archived.local_path and archived.file_type
            yield archived, None if archived.sha256 in known else ReadJob(
                archived.file_type, archived.local_path, archived.name, key, regions, settings.limits,
                archived.identifie, None if stage_dir is None else str(stage_dir))

    out = []
    with background_checkpoints(engine), \
            Lanes(writing_lanes(engine, settings), CHUNK_FILES * settings.ecriture_connexions) as lanes:
        for archived, result in read_in_order(jobs(), workers or settings.lecture_processus, reader):
            write = partial(_write_known, engine, archived, result, settings, known)
            for written in lanes.submit(archived, lane_key(archived, result), write):
                out.append(_heard(on_outcome, *written))
        out += [_heard(on_outcome, *written) for written in lanes.drain()]
    return out


def writing_lanes(engine: Engine, settings: Settings) -> int:
    """Deliveries written at once: PostgreSQL loads different scopes concurrently under its scope
    locks; SQLite has one writer."""
    return settings.ecriture_connexions if engine.dialect.name == "postgresql" else 1


def lane_key(delivery: Delivery, result: Extract | Refusal | None) -> str:
    """The deliveries of one scope partition share a lane, so they are written in delivery order;
    identical bytes (same scope, or refused alike) too, so the second is « déjà chargé »."""
    return partition(result.scope) if isinstance(result, Extract) else delivery.sha256 or delivery.name


def _write_known(engine: Engine, archived: Delivery, result: Extract | Refusal | None,
                 settings: Settings, known: dict[str, str]) -> LoadOutcome:
    """`write_delivery` in its lane, retried on lock timeouts; the lane's next files know it."""
    try:
        outcome = retry_on_lock(partial(write_delivery, engine, archived, result, settings, known),
                                f"le chargement de {archived.name}")
    finally:
        if isinstance(result, Extract):  # written, refused or failed: its staging files go
            discard([rows for rows in result.tables.values() if isinstance(rows, Staged)])
    if outcome.statut in {"charge", "quarantaine", "obsolete"}:
        known[archived.sha256] = outcome.statut
    return outcome


def _heard(on_outcome: Callable[[Delivery, LoadOutcome], None] | None, archived: Delivery,
           outcome: LoadOutcome) -> tuple[Delivery, LoadOutcome]:
    if on_outcome is not None:
        on_outcome(archived, outcome)
    return archived, outcome


def write_delivery(engine: Engine, delivery: Delivery, result: Extract | Refusal | None,
                   settings: Settings, known: dict[str, str]) -> LoadOutcome:
    """Load one read delivery, or record why it is refused (one transaction)."""
    if delivery.sha256 in known:  # by an earlier run, or by this one since it was read
        return seen_before(known[delivery.sha256])
    assert result is not None
    file_type = TYPES[delivery.file_type]
    info = DeliveryInfo(delivery.provider, file_type.code, delivery.name, delivery.sha256,
                        datetime.now(), delivery.local_path)
    if isinstance(result, Refusal):
        return record_refusal(engine, info, "quarantaine", result.message)
    extract = result
    share = len(extract.rejects) / extract.rows_read if extract.rows_read else 0.0
    if not file_type.coordinator and share > settings.reject_threshold:
        return record_refusal(
            engine, info, "quarantaine",
            f"{delivery.name} : {len(extract.rejects)} lignes rejetées sur {extract.rows_read} "
            f"({share:.1%}, seuil {settings.reject_threshold:.0%}) : fichier mis en quarantaine. "
            f"Premier motif : ligne {extract.rejects[0].ligne}, colonne "
            f"« {extract.rejects[0].colonne} » : {extract.rejects[0].motif}.",
            extract.rejects, extract.rows_read, extract.extraction)
    return load_extract(engine, info, extract, monotonic=file_type.monotonic)


def ingest_inbox(engine: Engine, settings: Settings, inbox: str | None = None,
                 workers: int | None = None) -> IngestReport:
    """Every delivery of the inbox, oldest extraction first; each file on its own."""
    check_key(engine, settings.require_pseudo_key())
    warm_up(workers or settings.lecture_processus)  # the reading processes start meanwhile
    matched, unmatched = discover(inbox or settings.inbox_url, settings.limits)
    report = IngestReport(unmatched=unmatched)
    report.outcomes = ingest_deliveries(engine, matched, settings, workers=workers)
    refresh_statistics(engine)
    return report
