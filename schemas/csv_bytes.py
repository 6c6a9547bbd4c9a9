"""What the bytes of a delivered CSV rule out before its values are searched (`schemas.csv_io`).

Searching every value of every column for padding costs ~35 ns per value (2 ms for a monthly RPU
file); a few vectorised passes over its bytes (~0.3 ms) tell, conservatively, that no value can
be padded or hold a digit other than 0-9, which is what exports write. When they cannot tell, the
values are searched as before: the check may say "possible" wrongly, never "impossible" wrongly.
(Two-byte `in` searches run at ~1 GB/s here, hence numpy's comparisons.)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

OTHER, WHITE, BOUNDARY, LATIN1, WIDE = range(5)
_CR, _LF = 13, 10


@dataclass(frozen=True)
class Possible:
    padding: bool  # some value may start or end with Unicode White_Space
    foreign_digits: bool  # some value may hold a decimal digit other than 0-9


@cache
def _classes(separator: str) -> bytes:
    """Byte → class: white space, value boundary (the separator, a quote, a line break), lead
    byte of the non-ASCII characters that may be white space (U+0085, U+00A0: 0xC2) or digits
    (all from U+0660: 0xD9 and above)."""
    table = bytearray(256)
    for byte in b" \t":
        table[byte] = WHITE
    for byte in (_LF, _CR, ord('"'), ord(separator)):  # a tab separator is a boundary
        table[byte] = BOUNDARY
    table[0xC2] = LATIN1
    table[0xD9:] = bytes([WIDE]) * (0x100 - 0xD9)
    return bytes(table)


def possible(data: bytes, separator: str) -> Possible:
    """What the UTF-8 text `data` (control characters already refused) may hold."""
    marks = data.translate(_classes(separator))
    wide = bytes([WIDE]) in marks
    if wide or bytes([LATIN1]) in marks:
        return Possible(padding=True, foreign_digits=wide)
    return Possible(padding=_padding(np.frombuffer(marks, np.uint8), data), foreign_digits=False)


def _padding(classes: np.ndarray, data: bytes) -> bool:
    white, boundary = classes == WHITE, classes == BOUNDARY
    if len(classes) and (white[0] or white[-1]):
        return True
    if (white[:-1] & boundary[1:]).any() or (boundary[:-1] & white[1:]).any():
        return True
    raw = np.frombuffer(data, np.uint8)
    if b"\r" in data:  # a `\r` not ending a line is inside a value, maybe first or last
        cr = raw == _CR
        if cr[-1] or (cr[:-1] & (raw[1:] != _LF)).any():
            return True
    if b'"' not in data:
        return False
    # A value starting or ending with a line break is a quoted one: its quote touches the break.
    quote, breaks = raw == ord('"'), (raw == _LF) | (raw == _CR)
    return bool((quote[:-1] & breaks[1:]).any() or (breaks[:-1] & quote[1:]).any())
