"""Writing lanes: a delivery's transaction runs in one of N threads, each with its own connection.

A lane is chosen from the delivery's scope partition (`warehouse.loading.partition`), so the
deliveries of one scope are written in delivery order by one lane, while different scopes load
concurrently under their PostgreSQL scope locks. SQLite has one writer: one lane. Results are
given back in submission order; at most `ahead` writes are queued, so memory stays bounded.
"""

from __future__ import annotations

import zlib
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Lanes(Generic[T, R]):
    """`submit(item, key, write)` for each write, iterating what it gives back, then `drain()`:
    (item, result) in submission order."""

    def __init__(self, lanes: int, ahead: int) -> None:
        self.threads = [ThreadPoolExecutor(1, thread_name_prefix=f"ecriture-{i}") for i in range(lanes)]
        self.ahead = max(ahead, lanes)
        self.pending: deque[tuple[T, Future[R]]] = deque()

    def __enter__(self) -> Lanes[T, R]:
        return self

    def __exit__(self, *_: object) -> None:
        for thread in self.threads:
            thread.shutdown(wait=True)

    def submit(self, item: T, key: str, write: Callable[[], R]) -> Iterator[tuple[T, R]]:
        """Queue `write` on the lane of `key` (now); the iterator gives back the writes finished
        by then, in order, waiting for the oldest when `ahead` writes are queued."""
        self.pending.append((item, self.threads[self.lane_of(key)].submit(write)))
        return self._finished()

    def _finished(self) -> Iterator[tuple[T, R]]:
        while self.pending and (len(self.pending) > self.ahead or self.pending[0][1].done()):
            item, future = self.pending[0]
            if future.exception() is not None:  # a failure: the others first, then it
                yield from self.drain()
                return
            self.pending.popleft()
            yield item, future.result()

    def lane_of(self, key: str) -> int:
        return zlib.crc32(key.encode()) % len(self.threads)  # stable across runs, unlike hash()

    def drain(self) -> Iterator[tuple[T, R]]:
        """Every queued write, in order. The first failure is raised once all have finished,
        after the writes that succeeded were given back."""
        failure: BaseException | None = None
        while self.pending:
            item, future = self.pending.popleft()
            if future.exception() is None:
                yield item, future.result()
            else:
                failure = failure or future.exception()
        if failure is not None:
            raise failure
