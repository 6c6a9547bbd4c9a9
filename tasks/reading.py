"""Read → normalise → validate one archived delivery: what the reading processes run.

Kept apart from the loading code so that a reading process imports the readers only (no Prefect,
no warehouse engine). A bad file is a `Refusal` with its French reason, never an exception: a
reader bug in one file must not stop the others.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass
from pathlib import Path

from cpts.config import Limits
from cpts.nir import redact
from schemas.base import Extract, FileRejected, FileType, ReadContext
from schemas.catalog import TYPES
from schemas.screening import refuse_nir_in_name
from schemas.sniffing import context_for

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReadJob:
    """Everything a reading process needs (picklable: no regex match, no engine)."""

    file_type: str
    path: str
    name: str  # as delivered
    pseudo_key: bytes
    departements: tuple[str, ...]
    limits: Limits
    identified_as: str | None = None  # canonical name the content gave at discovery: not sniffed again


@dataclass(frozen=True)
class Refusal:
    message: str  # French, names the file


def read_delivery(file_type: FileType, ctx: ReadContext) -> Extract:
    """The file name is screened for NIRs before the reader (which screens the content) runs."""
    refuse_nir_in_name(ctx.name)
    return file_type.read(ctx)


def read_job(job: ReadJob) -> Extract:
    kind = TYPES[job.file_type]
    refuse_nir_in_name(job.name)  # before the content is sniffed for a name that matches nothing
    ctx, identified = context_for(kind, Path(job.path), job.name, job.pseudo_key, job.departements,
                                  job.limits, job.identified_as)
    extract = kind.read(ctx)  # the delivered name was screened above (`read_delivery` would again)
    extract.anomalies = [*identified, *extract.anomalies]  # identified by content: the name it had
    return extract


def read_or_refuse(job: ReadJob) -> Extract | Refusal:
    """The extract, or the French reason the file is quarantined."""
    try:
        return read_job(job)
    except FileRejected as exc:
        return Refusal(str(exc))
    except Exception as exc:  # a reader bug must not stop the other files
        return internal_error(job.name, exc)


def internal_error(name: str, exc: BaseException) -> Refusal:
    # The traceback would quote input values: only the exception's type and place are logged.
    log.error("Lecture impossible de %s : erreur interne %s (%s)", redact(name), type(exc).__name__,
              where(exc))
    return Refusal(f"{name} : fichier illisible (erreur interne de lecture) ; "
                   "l'équipe technique est prévenue par le journal.")


def where(exc: BaseException) -> str:
    """`module:line` of the innermost frame, for the technical team, without any value."""
    frames = traceback.extract_tb(exc.__traceback__)
    return f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"
