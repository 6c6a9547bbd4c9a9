"""Parallel reads: deliveries are read in worker processes, results come back in delivery order.

Consecutive small files of one type are read together, in chunks (`chunks`). At most
`workers + 1` chunks are read or waiting to be written at a time, so memory stays bounded
whatever the size of the inbox. Workers are started by a fork server that has imported the
readers only (`tasks.reading`), and are kept for the next ingestion of the same process.
A worker that dies (a crash in a native library, out of memory) breaks the pool: the files in
flight are read again in a new pool (a chunk that breaks it twice, file by file), and a file
that breaks it twice is refused.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import forkserver
from typing import TypeVar

from cpts.residence import Prepared, adopt, handed_over
from schemas.base import Extract
from schemas.catalog import TYPES
from tasks.reading import ReadJob, Refusal, internal_error, read_jobs, read_or_refuse, staged

T = TypeVar("T")
Reader = Callable[[ReadJob], Extract | Refusal]
_pool: tuple[int, ProcessPoolExecutor] | None = None
_pool_lock = threading.RLock()  # the pool may be started by `warm_up`'s thread
log = logging.getLogger(__name__)
# A chunk's files are read in one plan: ~17 ms of per-file queries paid once, not per file.
CHUNK_FILES = 16
# The first chunks are smaller (2, 4, 8, then 16 files): the writer waits for the first result,
# ~30 ms of reading per file after the reading processes start.
FIRST_CHUNK_FILES = 2
CHUNK_BYTES = 32 * 2**20
_ALONE = "\x00seul"  # no file type: the next file starts another chunk


def _reader_started(residence: Prepared) -> None:
    os.umask(0o077)  # temporary copies a reader writes hold health data
    adopt(residence)


def warm_up(workers: int) -> None:
    """Start the reading processes in the background while the caller discovers and archives:
    the fork server imports the readers first (~3 s, otherwise waited for by the first read)."""
    if workers > 1:
        threading.Thread(target=_start, args=(workers,), name="lecteurs", daemon=True).start()


def _start(workers: int) -> None:
    try:
        executor = pool(workers)
        for started in [executor.submit(os.getpid) for _ in range(workers)]:
            started.result()
    except Exception:  # the first read creates the pool again and reports what fails
        log.debug("démarrage anticipé des processus de lecture impossible", exc_info=True)


def pool(workers: int) -> ProcessPoolExecutor:
    """The process's reading pool (created on first use, replaced when `workers` changes)."""
    with _pool_lock:
        return _pool_of(workers)


def _pool_of(workers: int) -> ProcessPoolExecutor:
    global _pool
    if _pool is not None and _pool[0] == workers:
        return _pool[1]
    _shutdown()
    context = multiprocessing.get_context("forkserver")
    # The RPU row rules (pandera, ~1 s to import) too: each worker would otherwise pay it on its
    # first file. Imports only: no polars query runs in the fork server (forking after one can hang).
    # `tasks.reading_process` first: one polars thread per reading process, no pandas.
    context.set_forkserver_preload(["tasks.reading_process", "tasks.reading", "schemas.rpu_model",
                                    "schemas.pandera_rules", "warehouse.bulk",
                                    "adbc_driver_sqlite.dbapi"])
    forkserver.ensure_running()  # it imports those while the residence tables are built here
    _pool = (workers, ProcessPoolExecutor(workers, mp_context=context, initializer=_reader_started,
                                          initargs=(handed_over(),)))
    return _pool[1]


@atexit.register
def shutdown() -> None:
    with _pool_lock:
        _shutdown()


def _shutdown() -> None:
    global _pool
    if _pool is not None:
        _pool[1].shutdown(wait=True, cancel_futures=True)
        _pool = None


def read_in_order(jobs: Iterable[tuple[T, ReadJob | None]], workers: int,
                  reader: Reader = read_or_refuse) -> Iterator[tuple[T, Extract | Refusal | None]]:
    """(item, extract or refusal) in the order of `jobs`; a None job gives None (nothing to read).

    Consecutive files of a type that reads several at once go to a reading process together
    (`chunks`); `jobs` is consumed lazily, `workers + 1` chunks ahead of what the caller has taken."""
    units = chunks(jobs, batching=reader is read_or_refuse)
    if workers <= 1:
        for chunk in units:
            yield from zip([item for item, _ in chunk], _in_process(reader, chunk), strict=True)
        return
    pending: deque[tuple[list, Future | None]] = deque()
    while True:
        while len(pending) <= workers:
            chunk = next(units, None)
            if chunk is None:
                break
            pending.append((chunk, _submit(workers, reader, chunk)))
        if not pending:
            return
        chunk, future = pending.popleft()
        yield from zip([item for item, _ in chunk], _result(chunk, future, pending, workers, reader),
                       strict=True)


def chunks(jobs: Iterable[tuple[T, ReadJob | None]], batching: bool
           ) -> Iterator[list[tuple[T, ReadJob | None]]]:
    """Consecutive jobs read together: files of one type that reads several at once
    (`FileType.read_many`), up to CHUNK_FILES files (fewer for the first chunks) and CHUNK_BYTES;
    any other file alone."""
    chunk: list[tuple[T, ReadJob | None]] = []
    kind, size, most = None, 0, FIRST_CHUNK_FILES
    for item, job in jobs:
        joins = job is None or (batching and TYPES[job.file_type].read_many is not None
                                and kind in (None, job.file_type))
        if chunk and (not joins or len(chunk) >= most or size >= CHUNK_BYTES):
            yield chunk
            chunk, kind, size, most = [], None, 0, min(CHUNK_FILES, most * 2)
        chunk.append((item, job))
        if job is not None:
            kind = job.file_type if batching and TYPES[job.file_type].read_many else _ALONE
            size += os.path.getsize(job.path)
    if chunk:
        yield chunk


def read_chunk(reader: Reader, jobs: list[ReadJob]) -> list[Extract | Refusal]:
    """What a reading process runs: the chunk's files, together when they can be; an error is
    its own file's. Extracts come back staged for a SQLite writer (`ReadJob.stage_dir`)."""
    results = read_jobs(jobs) if reader is read_or_refuse else [_alone(reader, job) for job in jobs]
    return staged(jobs, results)


def _to_read(chunk: list) -> list[ReadJob]:
    return [job for _, job in chunk if job is not None]


def _submit(workers: int, reader: Reader, chunk: list) -> Future | None:
    todo = _to_read(chunk)
    return pool(workers).submit(read_chunk, reader, todo) if todo else None


def _placed(chunk: list, results: list[Extract | Refusal]) -> list[Extract | Refusal | None]:
    """The results of the chunk's files to read, None for the others, in the chunk's order."""
    found = iter(results)
    return [None if job is None else next(found) for _, job in chunk]


def _result(chunk: list, future: Future | None, pending: deque, workers: int, reader: Reader
            ) -> list[Extract | Refusal | None]:
    todo = _to_read(chunk)
    if future is None:
        return _placed(chunk, [])
    try:
        return _placed(chunk, future.result())
    except BrokenProcessPool:
        _resubmit(pending, workers, reader)  # every future of a broken pool fails
        return _placed(chunk, _again(todo, workers, reader, pending))
    except Exception as exc:  # e.g. a result that cannot come back from the reading process
        return _placed(chunk, [internal_error(job.name, exc) for job in todo])


def _again(todo: list[ReadJob], workers: int, reader: Reader, pending: deque) -> list[Extract | Refusal]:
    """A chunk that broke the pool, read again in a fresh one; if it breaks that one too, its
    files one by one, and a file that breaks a fresh pool alone is refused."""
    try:
        return pool(workers).submit(read_chunk, reader, todo).result()
    except BrokenProcessPool as exc:
        _resubmit(pending, workers, reader)
        if len(todo) == 1:
            return [internal_error(todo[0].name, exc)]
    return [result for job in todo for result in _again([job], workers, reader, pending)]


def _in_process(reader: Reader, chunk: list) -> list[Extract | Refusal | None]:
    return _placed(chunk, read_chunk(reader, _to_read(chunk)))


def _alone(reader: Reader, job: ReadJob) -> Extract | Refusal:
    try:
        return reader(job)
    except Exception as exc:
        return internal_error(job.name, exc)


def _resubmit(pending: deque, workers: int, reader: Reader) -> None:
    shutdown()
    for k, (chunk, _) in enumerate(pending):
        pending[k] = (chunk, _submit(workers, reader, chunk))
