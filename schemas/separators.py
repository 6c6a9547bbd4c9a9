"""The separators a delivered CSV may use, detected on its header line (exports.md « Separators »).

Kept apart from `csv_io` so the screening that runs before any parser (`schemas.screening`) names
the column of a bad byte with the file's own separator."""

from __future__ import annotations

SEPARATORS = (";", ",", "\t", "|")
SEPARATOR_NAMES = {";": ";", ",": ",", "\t": "tabulation", "|": "|"}


def detect_separator(data: bytes) -> str:
    """The separator of the header line: the most frequent of `;`, `,`, tab, `|` outside quotes
    (`;` on a tie or when none is found)."""
    header = data[: data.find(b"\n")] if b"\n" in data else data
    counts = dict.fromkeys(SEPARATORS, 0)
    inside = False
    for char in header.decode("utf-8", errors="replace"):
        if char == '"':
            inside = not inside
        elif not inside and char in counts:
            counts[char] += 1
    best = max(SEPARATORS, key=lambda sep: counts[sep])  # first of the ties: `;`
    return best if counts[best] else ";"


def column_names(header: bytes, separator: str) -> list[str]:
    """Header names as written (quotes and spaces trimmed): UTF-8, else windows-1252."""
    try:
        text = header.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        text = header.decode("cp1252", errors="replace")
    text = text.rstrip("\r")
    return [h.strip().strip('"') for h in text.split(separator)]
