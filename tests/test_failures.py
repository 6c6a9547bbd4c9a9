"""Given a failure of `cpts nightly` / `make demo`, then the person reads one French sentence that
says what to do, never a stack trace."""

from __future__ import annotations

import logging
import sys

from sqlalchemy.exc import OperationalError

from cpts.failures import STARTUP_TIMEOUT, _NoTraceback, explain


class _PgError(Exception):
    def __init__(self, message: str, sqlstate: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def test_a_slow_prefect_startup_says_which_variable_to_raise() -> None:
    message = explain(RuntimeError("Timed out while attempting to connect to ephemeral Prefect API server."))
    assert STARTUP_TIMEOUT in message and "cpts serve" in message and "Timed out" not in message


def test_a_lock_held_by_an_analyst_is_named_as_such() -> None:
    exc = OperationalError("DELETE FROM indicateurs_catalogue", {},
                           _PgError("canceling statement due to lock timeout", "55P03"))
    assert "idle in transaction" in explain(exc) and "CPTS_LOCK_TIMEOUT_S" in explain(exc)


def test_an_unreachable_warehouse_asks_to_check_its_url() -> None:
    exc = OperationalError("SELECT 1", {}, _PgError("connection refused\nIs the server running?", "08001"))
    assert explain(exc).startswith("Entrepôt injoignable") and "CPTS_WAREHOUSE_URL" in explain(exc)


def test_console_log_records_lose_their_stack_trace() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("prefect.flow_runs", logging.ERROR, __file__, 1,
                                   "Encountered exception during execution:\nTraceback (most recent "
                                   "call last):\n  File x", None, exc_info=sys.exc_info())
    _NoTraceback().filter(record)
    assert record.exc_info is None and "Traceback" not in record.getMessage()
