"""Given mutated copies of a valid delivery (hostile values, broken structure, stray bytes), when
each reader opens them, then the outcome is a load, row rejects or a French refusal — never an
unhandled exception, never a NIR in what would be stored. A bounded number of examples here;
`python -m bench.fuzz` runs thousands per reader."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from tests.fuzzing import SEEDS, Seed, read, run_one, text_mutations, xlsx_mutations

# ~40 s in all on this machine: text readers are cheap, workbooks are written by openpyxl each time.
EXAMPLES = {"xlsx": 12, "text": 40}


def examples(seed: Seed) -> int:
    return EXAMPLES["xlsx" if seed.workbook else "text"]


@pytest.mark.parametrize("reader", list(SEEDS))
def test_every_mutated_delivery_loads_rejects_rows_or_is_refused_in_french(
        reader: str, tmp_path: Path) -> None:
    seed = SEEDS[reader]
    base = seed.write(tmp_path / "seed")
    assert read(seed, base)[0] in {"charge", "rejets"}  # the seed itself is valid
    folder = tmp_path / "mutant"
    folder.mkdir()

    # No shrinking: a failure prints its mutations, and CI time stays bounded.
    @settings(max_examples=examples(seed), deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(xlsx_mutations if seed.workbook else text_mutations)
    def check(mutations: list[tuple]) -> None:
        outcome, _ = run_one(seed, base, folder, mutations)
        assert outcome in {"charge", "rejets", "refus", "ignore"}

    check()
