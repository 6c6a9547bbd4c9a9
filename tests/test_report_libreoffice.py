"""The workbook opens and prints in LibreOffice (headless PDF, pages rendered to PNG).

Skipped when LibreOffice or poppler is absent; install them with
`apt-get install -y --no-install-recommends libreoffice-calc poppler-utils`.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import Engine

from cpts.config import Settings
from report import build_report
from tests.test_report import INDICATORS, N, T, seed

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOPPM = shutil.which("pdftoppm")


@pytest.mark.skipif(not (SOFFICE and PDFTOPPM), reason="LibreOffice ou poppler absent")
@pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)
def test_libreoffice_renders_landscape_pages(engine: Engine, settings: Settings, tmp_path: Path) -> None:
    seed(engine)
    path = build_report(engine, settings, T, N, out_dir=tmp_path, indicators=INDICATORS)
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"  # no shared user profile
    subprocess.run([SOFFICE, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(path)], check=True, capture_output=True, timeout=120)
    pdf = path.with_suffix(".pdf")
    assert pdf.exists()
    subprocess.run([PDFTOPPM, "-png", "-r", "30", str(pdf), str(tmp_path / "page")], check=True,
                   timeout=60)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 6  # at least one page per sheet
    width, height = png_size(pages[0])
    assert width > height  # A4 landscape


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG IHDR chunk (no imaging library needed)."""
    header = path.read_bytes()[16:24]
    return struct.unpack(">II", header)
