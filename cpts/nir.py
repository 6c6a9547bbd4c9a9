"""Find NIRs (French social security numbers) inside any text, and redact quoted input values.

One detector for every place a value enters (cells, headers, XML elements, sheet and file names,
raw bytes of a delivered file): a run of 15 characters with a NIR's structure and a valid key,
possibly written with the usual separators (`2 92 06 99 123 087 96`), anywhere inside a longer
text. exports.md: sex 1/2, month 01–12 or 20–99, department incl. 2A/2B; the temporary numbers
(NIA, sex 7/8) are people's identifiers too. Not 3/4: the Annuaire's structure identifiers are
`3` + SIRET (15 digits), and about one in a hundred would pass the key check.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

# Separators people type inside a NIR: space, dot, hyphen, no-break and narrow no-break spaces.
_SEP = "[ .\\-\u00a0\u202f]?"
_GROUPS = (r"([1278])", r"([0-9]{2})", r"(0[1-9]|1[0-2]|[2-9][0-9])", r"([0-9]{2}|2[ABab])",
           r"([0-9]{3})", r"([0-9]{3})", r"([0-9]{2})")
_BODY = _SEP.join(_GROUPS)
# The structure alone, with no look-around: what polars' regex engine can search (a prefilter).
NIR_STRUCTURE = _BODY
# Not glued to other digits: a NIR is its own run (17-character pseudonymous keys are not NIRs).
_NIR = re.compile(rf"(?<![0-9]){_BODY}(?![0-9])")
# The same shape in raw bytes (ASCII digits are identical in UTF-8, windows-1252 and ISO-8859-1).
_BYTE_SEP = b"(?:[ .\\-\xa0]|\xc2\xa0|\xe2\x80\xaf)?"
_NIR_BYTES = re.compile(b"(?<![0-9])" + _BYTE_SEP.join(g.encode() for g in _GROUPS) + b"(?![0-9])")
# Redaction masks the NIR shape whatever its key, and any long run of digits (13 or more, i.e. a
# NIR without its key too) except a 14-digit timestamp AAAAMMJJhhmmss of a file name.
_SHAPE = re.compile(rf"(?<![0-9]){_BODY}")
_LONG_DIGITS = re.compile(r"(?<![0-9])[0-9]{13,}(?![0-9])")
_TIMESTAMP = re.compile(r"(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])"
                        r"([01][0-9]|2[0-3])([0-5][0-9]){2}")
MASK = "[masqué]"


def _key_valid(groups: tuple[str | bytes, ...]) -> bool:
    parts = [g.decode() if isinstance(g, bytes) else g for g in groups]
    department = parts[3].upper().replace("2A", "19").replace("2B", "18")
    body = int("".join(parts[:3]) + department + parts[4] + parts[5])
    return 97 - body % 97 == int(parts[6])


def _matches(pattern: re.Pattern, text: str | bytes) -> Iterator[re.Match]:
    """Every candidate, overlapping ones included (a failed key must not hide a later NIR)."""
    pos = 0
    while (m := pattern.search(text, pos)) is not None:
        yield m
        pos = m.start() + 1


def find_nir(text: str) -> re.Match[str] | None:
    """The first NIR (structure and key) inside `text`, or None."""
    return next((m for m in _matches(_NIR, text) if _key_valid(m.groups())), None)


def contains_nir(text: object) -> bool:
    if not isinstance(text, str) or len(text) < 15:
        return False
    if len(text) > 256:  # long free text: the byte scan's fast path
        return find_nir_bytes(text.encode("utf-8", "replace")) is not None
    return find_nir(text) is not None


# Bytes a NIR is written with: a run of 15 of them is a candidate. Translating then searching that
# run is C-speed (~1 GB/s), where the regex alone would crawl through digit-heavy national files.
_CANDIDATE_BYTES = b"0123456789ABab .-\xa0\xc2\xe2\x80\xaf"
_MARKS = bytes(0x31 if i in _CANDIDATE_BYTES else 0 for i in range(256))
_RUN = b"1" * 15


def find_nir_bytes(data: bytes) -> int | None:
    """Offset of the first NIR in raw bytes, or None."""
    marks = data.translate(_MARKS)
    pos = 0
    while (start := marks.find(_RUN, pos)) >= 0:
        end = marks.find(b"\0", start)
        end = len(data) if end < 0 else end
        run = data[start:end]  # the byte before is no digit, so the look-behind holds
        found = next((m.start() for m in _matches(_NIR_BYTES, run) if _key_valid(m.groups())), None)
        if found is not None:
            return start + found
        pos = end
    return None


def redact(text: str | None) -> str | None:
    """`text` with NIR-shaped runs and long digit runs masked, for any message quoting input."""
    if not text:
        return text
    text = _LONG_DIGITS.sub(lambda m: m[0] if _TIMESTAMP.fullmatch(m[0]) else MASK, text)
    return _SHAPE.sub(MASK, text)


def install_log_redaction() -> None:
    """Every log record, from any library, is redacted when it is made (message and traceback):
    a debug line quoting an inbox path or a value never carries a NIR to a console, file or the
    Prefect database. Idempotent."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "redacts", False):
        return

    def make(*args: object, **kwargs: object) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string stays the logging module's business
            return record
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record

    make.redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make)
