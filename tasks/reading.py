"""Read → normalise → validate one archived delivery: what the reading processes run.

Kept apart from the loading code so that a reading process imports the readers only (no Prefect,
no warehouse engine). A bad file is a `Refusal` with its French reason, never an exception: a
reader bug in one file must not stop the others.
"""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass, replace
from pathlib import Path
from typing import cast

from cpts.config import Limits
from cpts.nir import redact
from schemas.base import Anomaly, Extract, FileRejected, FileType, ReadContext
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
    stage_dir: str | None = None  # SQLite warehouse: the reading process stages the rows there


@dataclass(frozen=True)
class Refusal:
    message: str  # French, names the file


def read_delivery(file_type: FileType, ctx: ReadContext) -> Extract:
    """The file name is screened for NIRs before the reader (which screens the content) runs."""
    refuse_nir_in_name(ctx.name)
    return file_type.read(ctx)


def read_job(job: ReadJob) -> Extract:
    ctx, identified = _context(job)
    extract = TYPES[job.file_type].read(ctx)  # the name was screened (`read_delivery` would again)
    extract.anomalies = [*identified, *extract.anomalies]  # identified by content: the name it had
    return extract


def _context(job: ReadJob) -> tuple[ReadContext, list[Anomaly]]:
    refuse_nir_in_name(job.name)  # before the content is sniffed for a name that matches nothing
    return context_for(TYPES[job.file_type], Path(job.path), job.name, job.pseudo_key,
                       job.departements, job.limits, job.identified_as)


def read_or_refuse(job: ReadJob) -> Extract | Refusal:
    """The extract, or the French reason the file is quarantined."""
    try:
        return read_job(job)
    except FileRejected as exc:
        return Refusal(str(exc))
    except Exception as exc:  # a reader bug must not stop the other files
        return internal_error(job.name, exc)


def read_jobs(jobs: list[ReadJob]) -> list[Extract | Refusal]:
    """Several files of one type, each with its own outcome: in one plan when the type reads
    several at once (`FileType.read_many`), else one by one. A reader error in a batch reads its
    files again one by one, so that it stays the error of the file that raised it."""
    kinds = {job.file_type for job in jobs}
    batch = TYPES[jobs[0].file_type].read_many if len(jobs) > 1 and len(kinds) == 1 else None
    if batch is None:
        return [read_or_refuse(job) for job in jobs]
    out: list[Extract | Refusal | None] = [None] * len(jobs)
    contexts = []
    for i, job in enumerate(jobs):
        try:
            contexts.append((i, *_context(job)))
        except FileRejected as exc:
            out[i] = Refusal(str(exc))
        except Exception as exc:
            out[i] = internal_error(job.name, exc)
    try:
        results = batch([ctx for _, ctx, _ in contexts])
    except Exception:
        return [found or read_or_refuse(job) for found, job in zip(out, jobs, strict=True)]
    for (i, _, identified), result in zip(contexts, results, strict=True):
        if isinstance(result, FileRejected):
            out[i] = Refusal(str(result))
        else:
            result.anomalies = [*identified, *result.anomalies]
            out[i] = result
    return out  # type: ignore[return-value]


def staged(jobs: list[ReadJob], results: list[Extract | Refusal]) -> list[Extract | Refusal]:
    """The extracts of files read together, with their tables staged together for the SQLite
    writer (`warehouse.bulk.stage`), so the one writer only copies them; unchanged when staging
    fails (the writer stages them then)."""
    todo = [i for i, (job, result) in enumerate(zip(jobs, results, strict=True))
            if job.stage_dir is not None and isinstance(result, Extract) and result.tables]
    if not todo:
        return results
    from warehouse.bulk import stage

    extracts = [cast(Extract, results[i]) for i in todo]
    try:
        tables = stage([extract.tables for extract in extracts], cast(str, jobs[todo[0]].stage_dir))
    except Exception as exc:
        log.warning("Préparation de %s pour l'écriture impossible (%s, %s) : l'écriture s'en charge",
                    ", ".join(redact(jobs[i].name) for i in todo), type(exc).__name__, where(exc))
        return results
    out = list(results)
    for i, extract, staged_tables in zip(todo, extracts, tables, strict=True):
        out[i] = replace(extract, tables=staged_tables)
    return out


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
