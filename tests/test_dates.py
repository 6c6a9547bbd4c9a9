"""Given date-times written every way the exports write them (and garbage), when a column is read
format by format (`parse_iso_column`, `parse_date_column`), then every value is what the
one-expression parser gives, whichever format the column starts with."""

from __future__ import annotations

import random

import polars as pl
import pytest

from cpts.dates import (
    _candidates,
    iso_text,
    iso_text_column,
    parse_date,
    parse_date_column,
    parse_iso_column,
    parse_iso_text,
)

FORMS = [
    "05/01/2024 10:07:09", "5/1/2024 10:07", "05/01/2024 10:07", "2024-01-05 10:07:09", "2024-01-05 10:07",
    "2024-01-05T10:07:09", "2024-01-05T10:07", "2024-01-05T10:07:09+01:00", "2024-07-05T10:07:09Z",
    "2021-11-05T11:00:00.000+00:00", "2024-01-05 10:07:09.123", "2024-03-31T02:30:00",
    "05/01/2024", "2024-01-05", "31/02/2024 10:00", "24/13/2024 10:00", "2024-01-05T25:00",
    "hier", "", "05012024", None,
]


def _texts(rng: random.Random, first: str | None) -> pl.Series:
    values = [rng.choice(FORMS) for _ in range(400)]
    return pl.DataFrame({"d": [first, *values]}, schema={"d": pl.String}).select(iso_text("d"))["d"]


@pytest.mark.parametrize("midnight", [False, True])
@pytest.mark.parametrize("first", FORMS)
def test_reading_format_by_format_gives_what_one_expression_gives(first: str | None, midnight: bool) -> None:
    text = _texts(random.Random(FORMS.index(first)), first)
    expected = text.to_frame().select(parse_iso_text(pl.col("d"), date_alone_is_midnight=midnight))["d"]
    assert parse_iso_column(text, date_alone_is_midnight=midnight).to_list() == expected.to_list()


def test_a_text_is_read_by_one_format_at_most() -> None:
    text = pl.DataFrame({"d": FORMS}, schema={"d": pl.String}).select(iso_text("d"))
    read = text.select(c.is_not_null().cast(pl.Int8).alias(f"_{i}")
                       for i, c in enumerate(_candidates(pl.col("d"), True)))
    assert read.sum_horizontal().max() == 1


@pytest.mark.parametrize("first", FORMS)
def test_a_column_takes_the_iso_rewrites_exactly_when_one_of_its_values_needs_them(first: str | None) -> None:
    """French dates only (the rewrites skipped) or mixed with ISO ones: the text `iso_text` gives."""
    rng = random.Random(FORMS.index(first))
    french = [f for f in FORMS if f is None or not f[:4].isdigit()]
    for pool in (french, FORMS):
        raw = pl.Series("d", [first, *(f" {rng.choice(pool) or ''} " for _ in range(200))], dtype=pl.String)
        assert iso_text_column(raw).to_list() == raw.to_frame().select(iso_text("d"))["d"].to_list()


@pytest.mark.parametrize("first", FORMS)
def test_birth_dates_read_format_by_format_are_what_one_expression_gives(first: str | None) -> None:
    rng = random.Random(FORMS.index(first))
    raw = pl.Series("d", [first, *(rng.choice(FORMS) for _ in range(300)), " 05/01/2024 "], dtype=pl.String)
    assert parse_date_column(raw).to_list() == raw.to_frame().select(parse_date("d"))["d"].to_list()
