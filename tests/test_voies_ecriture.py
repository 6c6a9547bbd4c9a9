"""Writing lanes (tasks.write_lanes): given writes keyed by scope partition, the writes of one key
run one after the other in submission order, different keys run concurrently, results come back
in submission order, the queue is bounded, and a failure is raised after every other write."""

from __future__ import annotations

import threading
import time

import pytest

from tasks.write_lanes import Lanes


def recorder():
    events: list[tuple[str, int]] = []
    lock = threading.Lock()

    def write(key: str, n: int, pause: float = 0.0, fail: bool = False):
        def run() -> int:
            with lock:
                events.append((key, n))
            time.sleep(pause)
            if fail:
                raise RuntimeError(f"échec {n}")
            return n * 10
        return run

    return events, write


def test_results_come_back_in_submission_order_and_keys_keep_their_order() -> None:
    events, write = recorder()
    plan = [("a", 0, 0.05), ("a", 1, 0.0), ("b", 2, 0.02), ("a", 3, 0.0), ("b", 4, 0.0), ("b", 5, 0.0)]
    out = []
    with Lanes(2, ahead=8) as lanes:
        for key, n, pause in plan:
            out += lanes.submit(n, key, write(key, n, pause))
        out += lanes.drain()

    assert out == [(n, n * 10) for _, n, _ in plan]
    for key in "ab":
        assert [n for k, n in events if k == key] == [n for k, n, _ in plan if k == key]


def test_different_keys_are_written_at_the_same_time() -> None:
    both = threading.Barrier(2, timeout=5)  # each write waits for the other: only concurrency passes

    def meet() -> str:
        both.wait()
        return "ok"

    with Lanes(2, ahead=4) as lanes:
        keys = [next(k for k in "abcdefgh" if lanes.lane_of(k) == lane) for lane in (0, 1)]
        out = [*lanes.submit(1, keys[0], meet), *lanes.submit(2, keys[1], meet), *lanes.drain()]

    assert out == [(1, "ok"), (2, "ok")]


def test_at_most_ahead_writes_wait_to_be_given_back() -> None:
    started = []
    gate = threading.Event()

    def slow(n: int):
        def run() -> int:
            started.append(n)
            gate.wait(5)
            return n
        return run

    with Lanes(1, ahead=3) as lanes:
        threading.Timer(0.3, gate.set).start()
        given = list(lanes.submit(0, "k", slow(0)))
        for n in range(1, 4):
            given += lanes.submit(n, "k", slow(n))
            assert len(lanes.pending) <= 3
        given += lanes.drain()

    assert [n for n, _ in given] == [0, 1, 2, 3]


def test_a_failed_write_is_raised_after_the_others_are_given_back() -> None:
    _, write = recorder()
    out = []
    with pytest.raises(RuntimeError, match="échec 1"), Lanes(2, ahead=8) as lanes:
        for n in range(4):
            out += lanes.submit(n, f"k{n}", write(f"k{n}", n, 0.02 if n == 1 else 0.0, fail=n == 1))
        out += lanes.drain()

    assert out == [(0, 0), (2, 20), (3, 30)]
