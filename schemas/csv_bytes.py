"""What the bytes of a delivered CSV rule out before its values are searched (`schemas.csv_io`).

Searching every value of every column for padding costs ~35 ns per value (2 ms for a monthly RPU
file); one translation of the bytes (~0.2 ms) tells, conservatively, that no value can be padded
or hold a digit other than 0-9, which is what exports write. When it cannot tell, the values are
searched as before: these tests may say "possible" wrongly, never "impossible" wrongly.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

WHITE, BOUNDARY, WIDE, LATIN1, OTHER = b"W", b"B", b"X", b"C", b"."
# A value starting or ending with `\n` or `\r` is a quoted one: its quote touches the line break.
_QUOTED_BREAKS = (b'"\n', b'\n"', b'"\r', b'\r"')


@dataclass(frozen=True)
class Possible:
    padding: bool  # some value may start or end with Unicode White_Space
    foreign_digits: bool  # some value may hold a decimal digit other than 0-9


@cache
def _marks(separator: str) -> bytes:
    """Bytes → class: white space, value boundary, lead bytes of the non-ASCII characters that
    may be white space (U+0085, U+00A0: 0xC2) or digits (all from U+0660: 0xD9 and above)."""
    table = bytearray(OTHER * 256)
    for byte in b" \t":
        table[byte] = WHITE[0]
    for byte in (b"\n"[0], b"\r"[0], b'"'[0], separator.encode()[0]):  # a tab separator: boundary
        table[byte] = BOUNDARY[0]
    table[0xC2] = LATIN1[0]
    for byte in range(0xD9, 0x100):
        table[byte] = WIDE[0]
    return bytes(table)


def possible(data: bytes, separator: str) -> Possible:
    """What the UTF-8 text `data` (control characters already refused) may hold."""
    marks = data.translate(_marks(separator))
    wide = WIDE in marks
    padding = (wide or LATIN1 in marks or WHITE + BOUNDARY in marks or BOUNDARY + WHITE in marks
               or marks[:1] == WHITE or marks[-1:] == WHITE
               or any(pair in data for pair in _QUOTED_BREAKS) or _lone_carriage_return(data))
    return Possible(padding=padding, foreign_digits=wide)


def _lone_carriage_return(data: bytes) -> bool:
    """A `\r` not ending a line is inside a value, where it may be its first or last character."""
    return b"\r" in data and data.count(b"\r") != data.count(b"\r\n")
