"""The column form of the pseudonymisation is the one-value form (exports.md, NIR_ANO_17)."""

from __future__ import annotations

import random

import polars as pl

from cpts.pseudonym import pseudonymise, pseudonymise_value

KEY = b"cle-de-test"


def test_a_column_is_pseudonymised_value_by_value_as_one_value_is() -> None:
    rng = random.Random(16)
    hexa = "0123456789ABCDEF"
    values = ["".join(rng.choice(hexa) for _ in range(rng.choice([16, 17, 17, 17, 18]))) for _ in range(3000)]
    values += [f" {v}\t" for v in values[:200]] + [f"{v}\u00a0" for v in values[200:300]]
    values += ["xxxxxxxxxxxxxxxxx", "XXXXXXXXXXXXXXXXD", "XXXXXXXXXXXXXXXXX", "xXxXxXxXxXxXxXxXx", "", "   ",
               "ÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉÉ", "\x1cABCDEF0123456789A", None, None]
    column = pl.Series("nir_ano_17", values, dtype=pl.String)
    out = pseudonymise(column, KEY)
    assert out.to_list() == [pseudonymise_value(v, KEY) for v in values]
    assert out.null_count() < len(values) / 2 and out.null_count() > 0
