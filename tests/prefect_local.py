"""This test process as a client of a `LocalPrefect` server (the one `cpts serve` starts)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from prefect._internal.concurrency.services import _QueueServiceBase
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.utilities.asyncutils import run_coro_as_sync

from cpts.serve import LocalPrefect

DRAIN_TIMEOUT_S = 60


@contextmanager
def client_of(local: LocalPrefect) -> Iterator[None]:
    """Flows and clients of this process talk to `local` inside the block.

    Prefect keeps one service per process for logs, events and concurrency-slot leases, each bound to
    the API it first met. `prefect_test_harness` drains them when it stops its server; a server of our
    own must too, or the next server of this test process gets a concurrency service still calling the
    stopped one (« Unable to acquire concurrency slots »). They are drained here, while `local` answers.
    """
    with temporary_settings({PREFECT_API_URL: local.api_url}):
        try:
            yield
        finally:
            run_coro_as_sync(_drain())  # in a thread of its own when a loop runs here (Playwright)


async def _drain() -> None:
    await _QueueServiceBase.drain_all(timeout=DRAIN_TIMEOUT_S)  # one registry shared by every service
