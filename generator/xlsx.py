"""Byte-for-byte reproducible xlsx files (openpyxl stamps the current time otherwise)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def save(wb: Workbook, path: Path, when: datetime) -> None:
    """Save with `when` as creation/modification date, and fixed zip entry times."""
    wb.properties.creator = "Observatoire CPTS (exemples)"
    buffer = io.BytesIO()
    wb.save(buffer)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = _STAMP.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            info = zipfile.ZipInfo(item.filename, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data)


def title_block(ws, lines: list[str], width: int) -> None:
    """CPAM-style title rows, each merged across the table's width."""
    for i, text in enumerate(lines, start=1):
        ws.cell(row=i, column=1, value=text).font = Font(bold=i == 1, size=12 if i == 1 else 11)
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=width)
        ws.cell(row=i, column=1).alignment = Alignment(horizontal="left")


def header_row(ws, row: int, headers: list[str]) -> None:
    for j, text in enumerate(headers, start=1):
        ws.cell(row=row, column=j, value=text).font = Font(bold=True)
