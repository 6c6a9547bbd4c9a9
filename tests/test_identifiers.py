"""The column forms of the check keys agree with the one-value forms (exports.md, Identifiers)."""

from __future__ import annotations

import random

import polars as pl

from cpts.identifiers import (
    finess_invalid,
    finess_valid,
    finess_valid_expr,
    luhn_key,
    rpps_from_id_nat,
    rpps_from_id_nat_expr,
)

ALPHABET = "0123456789ABab8 ٤\n-"


def _finess_values(rng: random.Random) -> list[str]:
    """Valid FINESS (Corsica included), each with a wrong key, and random near-misses."""
    values = []
    for _ in range(400):
        department = rng.choice(["42", "69", "2A", "2B", "01", "97"])
        body = department + "".join(rng.choice("0123456789") for _ in range(6))
        digits = body.replace("2A", "21", 1).replace("2B", "22", 1)
        valid = body + luhn_key(digits)
        values += [valid, valid[:-1] + str((int(valid[-1]) + 1) % 10), valid.lower(), valid + "0",
                   " " + valid, valid + "\n"]
    values += ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 12))) for _ in range(2000)]
    return [*values, "", "2A0000000", "٤٢٠٧٨٤٨٧٨", "420784878", "420001232"]


def _rpps_values(rng: random.Random) -> list[str]:
    values = []
    for _ in range(400):
        body = "1" + "".join(rng.choice("0123456789") for _ in range(9))
        valid = body + luhn_key(body)
        values += [valid, "8" + valid, "9" + valid, valid[:-1] + str((int(valid[-1]) + 3) % 10),
                   "8" + valid[:-1] + str((int(valid[-1]) + 1) % 10), valid + "\n", "88" + valid]
    values += ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 13))) for _ in range(2000)]
    return [*values, "", "10001234565", "810001234565", "١٠٠٠١٢٣٤٥٦٥"]


def test_finess_column_check_agrees_with_the_value_check() -> None:
    values = _finess_values(random.Random(16))
    checked = pl.DataFrame({"v": [*values, None]}, schema={"v": pl.String}).select(
        finess_valid_expr(pl.col("v")))["v"].to_list()
    assert checked[:-1] == [finess_valid(v) for v in values]
    assert checked[-1] is None
    assert sum(checked[:-1]) >= 400 and not all(checked[:-1])  # both outcomes were exercised


def test_a_rule_flags_the_invalid_finess_of_a_column_computed_once_per_distinct_value() -> None:
    values = _finess_values(random.Random(17))
    frame = pl.DataFrame({"v": [*values, *values[:50], None]}, schema={"v": pl.String})
    flagged = frame.select(finess_invalid(frame, "v").fill_null(False))["v"].to_list()
    assert flagged == [v is not None and not finess_valid(v) for v in frame["v"]]


def test_rpps_column_form_agrees_with_the_value_form() -> None:
    values = _rpps_values(random.Random(16))
    found = pl.DataFrame({"v": [*values, None]}, schema={"v": pl.String}).select(
        rpps_from_id_nat_expr(pl.col("v")))["v"].to_list()
    assert found[:-1] == [rpps_from_id_nat(v) for v in values]
    assert found[-1] is None
    assert sum(f is not None for f in found) >= 800
