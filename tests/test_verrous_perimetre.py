"""Given loads writing on PostgreSQL at the same time (several workers, design.md « one writer per
scope »), when their scopes differ they proceed concurrently, and when they share a scope the second
waits for the first to commit; the other writers (quality, indicators) keep excluding loads."""

from __future__ import annotations

import threading
from datetime import date, datetime

import polars as pl
import pytest
from sqlalchemy import Engine, text

from schemas.base import Extract
from schemas.rpu import scope
from warehouse.loading import DeliveryInfo, load_extract, lock_scope, lock_writers

pytestmark = pytest.mark.parametrize(
    "warehouse_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
MARCH = (date(2024, 3, 1), date(2024, 3, 31))
HOLDER, OTHER = "420784878", "420001232"
WAIT_S = 120  # a safety net against a hang, never what is asserted


def passages(finess: str, n: int) -> Extract:
    frame = pl.DataFrame({"finess": [finess] * n,
                          "entree": [datetime(2024, 3, 1 + k % 28, 10) for k in range(n)],
                          "date_entree": [date(2024, 3, 1 + k % 28) for k in range(n)]})
    return Extract(tables={"passages_urgences": frame}, scope=scope(finess, *MARCH), rows_read=n)


def info(name: str) -> DeliveryInfo:
    return DeliveryInfo("hopital", "rpu_csv", name, name.ljust(64, "0"), datetime(2024, 4, 1))


class Holder(threading.Thread):
    """A load of `finess` that has taken its locks and keeps its transaction open until released."""

    def __init__(self, engine: Engine, lock=lock_scope, finess: str = HOLDER) -> None:
        super().__init__(daemon=True)
        self.engine, self.lock, self.finess = engine, lock, finess
        self.holding, self.release = threading.Event(), threading.Event()

    def run(self) -> None:
        with self.engine.begin() as conn:
            if self.lock is lock_scope:
                lock_scope(conn, scope(self.finess, *MARCH), "f" * 64)
            else:
                self.lock(conn)
            self.holding.set()
            self.release.wait(WAIT_S)


def in_thread(step) -> threading.Thread:
    thread = threading.Thread(target=step, daemon=True)
    thread.start()
    return thread


def count(engine: Engine, finess: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT COUNT(*) FROM passages_urgences WHERE finess = :f"),
                            {"f": finess}).scalar_one()


def waiting_for_advisory_lock(engine: Engine) -> bool:
    """Poll pg_locks until a session waits for an advisory lock (bounded by WAIT_S)."""
    event = threading.Event()
    for _ in range(WAIT_S * 10):
        with engine.connect() as conn:
            if conn.execute(text("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' "
                                 "AND NOT granted")).scalar_one():
                return True
        event.wait(0.1)
    return False


def test_loads_of_different_scopes_proceed_while_one_is_open(engine: Engine) -> None:
    holder = Holder(engine)
    holder.start()
    assert holder.holding.wait(WAIT_S)

    other = in_thread(lambda: load_extract(engine, info("autre"), passages(OTHER, 5)))
    other.join(WAIT_S)

    assert not other.is_alive() and count(engine, OTHER) == 5  # committed while the holder is open
    holder.release.set()
    holder.join(WAIT_S)


def test_a_load_of_the_same_scope_waits_for_the_first_to_commit(engine: Engine) -> None:
    holder = Holder(engine)
    holder.start()
    assert holder.holding.wait(WAIT_S)

    same = in_thread(lambda: load_extract(engine, info("meme"), passages(HOLDER, 4)))

    assert waiting_for_advisory_lock(engine) and same.is_alive() and count(engine, HOLDER) == 0
    holder.release.set()
    same.join(WAIT_S)
    assert not same.is_alive() and count(engine, HOLDER) == 4


def test_the_other_writers_exclude_loads(engine: Engine) -> None:
    holder = Holder(engine, lock=lock_writers)  # e.g. the indicators' materialisation
    holder.start()
    assert holder.holding.wait(WAIT_S)

    load = in_thread(lambda: load_extract(engine, info("pendant"), passages(OTHER, 3)))

    assert waiting_for_advisory_lock(engine) and load.is_alive() and count(engine, OTHER) == 0
    holder.release.set()
    load.join(WAIT_S)
    assert not load.is_alive() and count(engine, OTHER) == 3
