"""Read → normalise → validate → load one delivery; bad input is quarantined, never fatal."""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from cpts.config import Limits, Settings
from cpts.nir import redact
from schemas.base import Extract, FileRejected, FileType, ReadContext
from schemas.catalog import FILE_TYPES
from schemas.screening import refuse_nir_in_name
from schemas.sniffing import context_for
from tasks.inbox import Delivery, archive, discover
from warehouse.db import refresh_statistics
from warehouse.keys import check_key
from warehouse.loading import (
    DeliveryInfo,
    LoadOutcome,
    known_statuses,
    load_extract,
    record_refusal,
)
from warehouse.runs import Interrupted

log = logging.getLogger(__name__)
TYPES = {t.code: t for t in FILE_TYPES}


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
    kind = TYPES[file_type]
    refuse_nir_in_name(name)  # before the content is sniffed for a name that matches nothing
    ctx, identified = context_for(kind, path, name, pseudo_key, departements(), limits or Limits())
    extract = read_delivery(kind, ctx)
    extract.anomalies = [*identified, *extract.anomalies]  # identified by content: the name it had
    return extract


def ingest_delivery(engine: Engine, delivery: Delivery, settings: Settings,
                    known: dict[str, str] | None = None) -> LoadOutcome:
    """Load one archived delivery; a refusal is recorded with its French reason."""
    assert delivery.sha256 and delivery.local_path and delivery.file_type
    if known and delivery.sha256 in known:
        return LoadOutcome("deja_charge" if known[delivery.sha256] == "charge" else "deja_refuse",
                           None)
    file_type = TYPES[delivery.file_type]
    info = DeliveryInfo(delivery.provider, file_type.code, delivery.name, delivery.sha256,
                        datetime.now(), delivery.local_path)
    try:
        extract = read_archived(file_type.code, Path(delivery.local_path), delivery.name,
                                settings.require_pseudo_key(), settings.limits)
    except FileRejected as exc:
        return record_refusal(engine, info, "quarantaine", str(exc))
    except Exception as exc:  # a reader bug must not stop the other files
        # The traceback would quote input values: only the exception's type and place are logged.
        log.error("Lecture impossible de %s : erreur interne %s (%s)", redact(delivery.name),
                  type(exc).__name__, _where(exc))
        return record_refusal(engine, info, "quarantaine",
                              f"{delivery.name} : fichier illisible (erreur interne de lecture) ; "
                              "l'équipe technique est prévenue par le journal.")
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


def read_delivery(file_type: FileType, ctx: ReadContext) -> Extract:
    """The file name is screened for NIRs before the reader (which screens the content) runs."""
    refuse_nir_in_name(ctx.name)
    return file_type.read(ctx)


def _where(exc: BaseException) -> str:
    """`module:line` of the innermost frame, for the technical team, without any value."""
    frames = traceback.extract_tb(exc.__traceback__)
    return f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"


def ingest_inbox(engine: Engine, settings: Settings, inbox: str | None = None) -> IngestReport:
    """Every delivery of the inbox, oldest extraction first; each file on its own."""
    check_key(engine, settings.require_pseudo_key())
    matched, unmatched = discover(inbox or settings.inbox_url, settings.limits)
    report = IngestReport(unmatched=unmatched)
    known = known_statuses(engine)
    for delivery in matched:
        archived = archive(delivery, settings.archive_path)
        outcome = ingest_delivery(engine, archived, settings, known)
        if outcome.statut in {"charge", "quarantaine", "obsolete"}:
            known[archived.sha256] = outcome.statut
        report.outcomes.append((archived, outcome))
    refresh_statistics(engine)
    return report
