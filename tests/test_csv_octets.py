"""Given CSV bytes, the byte pre-check (`schemas.csv_bytes`) never rules out a padded value or a
digit other than 0-9 that polars then reads; and it rules both out for what exports write."""

from __future__ import annotations

import random

import polars as pl
import pytest

from schemas.csv_bytes import Possible, possible
from schemas.csv_io import MISSING, _column_flags

CELLS = ["abc", "12", "01/02/2024 10:00", "SAINT ETIENNE", "é", "", " x", "x ", "\tx", "x\t", " ",
         "\u00a0x", "x\u00a0", "x\u2003", "\u3000", "\u0085x", "a\u00a0b", "l\u2019Horme", "\u0663",
         "\uff11", "4\u0662", '" x"', '"x "', '"\nx"', '"x\r"', '"x\r\n"', '"a;b"', '""', '"a""b"',
         "x\r", "NULL", " NA "]
SEPARATORS = [";", ",", "\t", "|"]


def _file(rng: random.Random) -> tuple[bytes, str]:
    separator, end = rng.choice(SEPARATORS), rng.choice(["\n", "\r\n"])
    width = rng.randint(1, 4)
    lines = [separator.join(f"c{i}" for i in range(width))]
    for _ in range(rng.randint(1, 5)):
        lines.append(separator.join(rng.choice(CELLS) for _ in range(width)))
    return (end.join(lines) + rng.choice(["", end])).encode(), separator


def _read(data: bytes, separator: str) -> pl.DataFrame | None:
    try:
        return pl.read_csv(data, separator=separator, infer_schema=False, null_values=MISSING,
                           truncate_ragged_lines=True, quote_char='"')
    except pl.exceptions.PolarsError:
        return None  # refused as unreadable before any value is looked at


def test_what_polars_reads_padded_or_with_other_digits_the_bytes_never_rule_out() -> None:
    rng, checked = random.Random(20261205), 0
    for _ in range(3000):
        data, separator = _file(rng)
        frame = _read(data, separator)
        if frame is None:
            continue
        frame.columns = ["finess", *frame.columns[1:]]  # an identifier column: digits are checked
        foreign, padded = _column_flags(frame, Possible(padding=True, foreign_digits=True))
        said = possible(data, separator)
        assert said.padding or not padded, (data, padded)
        assert said.foreign_digits or not foreign, (data, foreign)
        checked += bool(padded or foreign)
    assert checked > 500  # the generator does produce what must be searched


@pytest.mark.parametrize("separator", SEPARATORS)
def test_an_export_with_clean_values_is_not_searched(separator: str) -> None:
    """Accents, dates with spaces, empty fields and CRLF lines: nothing to search value by value."""
    lines = ["finess;cp;commune;entree;motif", "420000001;42400;SAINT-CHAMOND;01/02/2024 10:00;",
             "420000001;42100;SAINT-ÉTIENNE;01/02/2024 10:05;chute"]
    data = "\r\n".join(line.replace(";", separator) for line in lines).encode() + b"\r\n"
    assert possible(data, separator) == Possible(padding=False, foreign_digits=False)
