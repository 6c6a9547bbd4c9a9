"""Parallel reads: deliveries are read in worker processes, results come back in delivery order.

At most `workers + 1` files are read or waiting to be written at a time, so memory stays bounded
whatever the size of the inbox. Workers are started by a fork server that has imported the
readers only (`tasks.reading`), and are kept for the next ingestion of the same process.
A worker that dies (a crash in a native library, out of memory) breaks the pool: the files in
flight are read again in a new pool, and a file that breaks it twice is refused.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from schemas.base import Extract
from tasks.reading import ReadJob, Refusal, internal_error, read_or_refuse

T = TypeVar("T")
Reader = Callable[[ReadJob], Extract | Refusal]
_pool: tuple[int, ProcessPoolExecutor] | None = None


def _private_files() -> None:
    os.umask(0o077)  # temporary copies a reader writes hold health data


def pool(workers: int) -> ProcessPoolExecutor:
    """The process's reading pool (created on first use, replaced when `workers` changes)."""
    global _pool
    if _pool is not None and _pool[0] == workers:
        return _pool[1]
    shutdown()
    context = multiprocessing.get_context("forkserver")
    # The RPU row rules (pandera, ~1 s to import) too: each worker would otherwise pay it on its
    # first file. Imports only: no polars query runs in the fork server (forking after one can hang).
    context.set_forkserver_preload(["tasks.reading", "schemas.rpu_model", "schemas.pandera_rules"])
    _pool = (workers, ProcessPoolExecutor(workers, mp_context=context, initializer=_private_files))
    return _pool[1]


@atexit.register
def shutdown() -> None:
    global _pool
    if _pool is not None:
        _pool[1].shutdown(wait=True, cancel_futures=True)
        _pool = None


def read_in_order(jobs: Iterable[tuple[T, ReadJob | None]], workers: int,
                  reader: Reader = read_or_refuse) -> Iterator[tuple[T, Extract | Refusal | None]]:
    """(item, extract or refusal) in the order of `jobs`; a None job gives None (nothing to read).

    `jobs` is consumed lazily, `workers + 1` ahead of what the caller has taken."""
    if workers <= 1:
        for item, job in jobs:
            yield item, None if job is None else _in_process(reader, job)
        return
    pending: deque[tuple[T, ReadJob | None, Future | None]] = deque()
    source = iter(jobs)
    while True:
        while len(pending) <= workers:
            nxt = next(source, None)
            if nxt is None:
                break
            item, job = nxt
            pending.append((item, job, None if job is None else pool(workers).submit(reader, job)))
        if not pending:
            return
        item, job, future = pending.popleft()
        yield item, None if future is None else _result(job, future, pending, workers, reader)


def _result(job: ReadJob, future: Future, pending: deque, workers: int, reader: Reader
            ) -> Extract | Refusal:
    try:
        return future.result()
    except BrokenProcessPool:
        _resubmit(pending, workers, reader)  # every future of a broken pool fails
        try:
            return pool(workers).submit(reader, job).result()
        except BrokenProcessPool as exc:  # this file broke a fresh pool: refused
            _resubmit(pending, workers, reader)
            return internal_error(job.name, exc)
    except Exception as exc:  # e.g. a result that cannot come back from the reading process
        return internal_error(job.name, exc)


def _in_process(reader: Reader, job: ReadJob) -> Extract | Refusal:
    try:
        return reader(job)
    except Exception as exc:
        return internal_error(job.name, exc)


def _resubmit(pending: deque, workers: int, reader: Reader) -> None:
    shutdown()
    for k, (item, job, _) in enumerate(pending):
        if job is not None:
            pending[k] = (item, job, pool(workers).submit(reader, job))
